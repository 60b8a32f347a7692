// Revoking a device: `skranke-hub device-revoke ID` refuses its token at once in the running
// hub (its long-poll and its next push get 401 telling IT to enrol it again), leaves every
// other device alone, survives a restart, and ends only with a new enrolment.
#include <doctest/doctest.h>

#include <sstream>
#include <thread>

#include "client/hub_client.hpp"
#include "domain/office_time.hpp"
#include "hub/hub_store.hpp"
#include "support/hub_fixture.hpp"
#include "support/hub_process.hpp"
#include "support/sample_events.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using protocol::Role;

namespace {

const std::vector<std::string> json_header = {"Content-Type: application/json"};

// A device of the real hub: its token and raw calls with it.
struct Device {
    sync::Connection connection;

    sync::HttpReply call(const std::string& method, const std::string& path, const std::string& body = "") const {
        sync::HttpCall call;
        call.prepare(connection, method, path, body, body.empty() ? std::vector<std::string>{} : json_header, 30000);
        return call.perform();
    }
};

Device enrol(HubProcess& hub, Role role, const std::string& device_id) {
    sync::Connection connection;
    connection.hub_url = hub.url();
    connection.request_timeout_ms = 10000;
    auto enrolled = sync::enrol_device(connection, hub.enrol_code(std::string(protocol::to_string(role))), device_id);
    REQUIRE(enrolled.ok());
    connection.token = enrolled->token;
    return Device{connection};
}

bool says_revoked(const sync::HttpReply& reply) {
    const auto body = nlohmann::json::parse(reply.body, nullptr, false);
    return reply.status == 401 && body.value("code", "") == "unauthorized" &&
           body.value("message", "").find("revoked") != std::string::npos &&
           body.value("message", "").find("enrol it again") != std::string::npos;
}

// A device's row in `skranke-hub devices`, as its cells (columns stand two or more spaces
// apart; a cell holds single spaces at most): device, role, ..., flags (the last, if any).
std::vector<std::string> listed(const std::filesystem::path& data_dir, const std::string& device_id) {
    const auto listing = run_hub_command("devices", data_dir);
    REQUIRE(listing.status == 0);
    std::istringstream lines(listing.output);
    for (std::string line; std::getline(lines, line);) {
        std::vector<std::string> fields;
        for (std::size_t at = 0; at < line.size();) {
            const std::size_t gap = line.find("  ", at);
            fields.push_back(line.substr(at, gap - at));
            at = gap == std::string::npos ? line.size() : line.find_first_not_of(' ', gap);
        }
        if (!fields.empty() && fields[0] == device_id) return fields;
    }
    return {};
}

// Whether `skranke-hub devices` says the device is revoked (in its flags column).
bool listed_revoked(const std::filesystem::path& data_dir, const std::string& device_id) {
    const auto cells = listed(data_dir, device_id);
    REQUIRE(cells.size() >= 10);
    return cells.size() == 11 && cells[10].rfind("revoked 20", 0) == 0;
}

}  // namespace

TEST_CASE("a device revoked with skranke-hub device-revoke gets 401 at its next request; the others go on; a restart keeps it") {
    TempDir dir;
    const auto data = dir / "hub";
    HubProcess hub(data);
    hub.start();
    const Device kiosk = enrol(hub, Role::kiosk, "kiosk-a");
    const Device desk = enrol(hub, Role::reception, "desk-1");
    const Device display = enrol(hub, Role::display, "display-1");
    const Device admin = enrol(hub, Role::admin, "it-1");
    const std::int64_t now = wall_clock_ms();
    REQUIRE(kiosk.call("POST", "/v1/events", batch({issued_event("kiosk-a", 1, now), issued_event("kiosk-a", 2, now)}))
                .status == 200);
    REQUIRE(desk.call("POST", "/v1/events", batch({staff_event("ticket.called", "desk-1", 1, "kiosk-a:1", now)}))
                .status == 200);

    // The desk long-polls for what comes after the newest event; it is let in before the
    // revocation (the hub's device view shows its request).
    const auto desk_seen = [&] {
        const auto devices = nlohmann::json::parse(admin.call("GET", "/v1/devices").body, nullptr, false);
        for (const auto& d : devices.value("devices", nlohmann::json::array()))
            if (d.value("device_id", "") == "desk-1" && d["last_seen_ms"].is_number()) return d["last_seen_ms"].get<std::int64_t>();
        return std::int64_t{0};
    };
    const std::int64_t seen_before = desk_seen();
    REQUIRE(wait_until([&] { return wall_clock_ms() > seen_before; }, std::chrono::seconds(1), std::chrono::milliseconds(1)));
    sync::HttpReply long_poll;
    std::thread poller([&] { long_poll = desk.call("GET", "/v1/events?after=3&wait_ms=20000"); });
    const bool polling = wait_until([&] { return desk_seen() > seen_before; }, std::chrono::seconds(10));

    const auto revoked = run_hub_command("device-revoke desk-1", data);
    CHECK(revoked.status == 0);
    CHECK(revoked.output.find("revoked desk-1") != std::string::npos);
    // Another device's event ends the long-poll: the revoked desk gets no more of the log.
    const auto pushed = kiosk.call("POST", "/v1/events", batch({issued_event("kiosk-a", 3, wall_clock_ms())}));
    poller.join();
    CHECK(pushed.status == 200);
    CHECK(says_revoked(long_poll));
    CHECK(long_poll.body.find("kiosk-a:3") == std::string::npos);
    CHECK(polling);

    // Its next push is refused and nothing of it is stored; the others read and push as before.
    const auto call = staff_event("ticket.called", "desk-1", 2, "kiosk-a:2", wall_clock_ms());
    CHECK(says_revoked(desk.call("POST", "/v1/events", batch({call}))));
    CHECK(says_revoked(desk.call("GET", "/v1/queue")));
    const auto queue = nlohmann::json::parse(display.call("GET", "/v1/queue").body);
    CHECK(queue["waiting"].size() == 2);  // kiosk-a:2 was not called
    CHECK(nlohmann::json::parse(display.call("GET", "/v1/events?after=0").body)["events"].size() == 4);
    CHECK(listed(data, "desk-1").at(1) == "reception");
    CHECK(listed_revoked(data, "desk-1"));  // and when
    CHECK_FALSE(listed_revoked(data, "kiosk-a"));

    // A restart (even a hard one) keeps the revocation.
    hub.kill_hard();
    hub.start();
    CHECK(says_revoked(desk.call("GET", "/v1/events?after=0")));
    CHECK(kiosk.call("POST", "/v1/events", batch({issued_event("kiosk-a", 4, wall_clock_ms())})).status == 200);
    CHECK(display.call("GET", "/v1/events?after=0").status == 200);

    // Enrolled again, the desk is let in with its new token only.
    const Device again = enrol(hub, Role::reception, "desk-1");
    CHECK(again.call("GET", "/v1/queue").status == 200);
    CHECK(desk.call("GET", "/v1/queue").status == 401);
    CHECK_FALSE(listed_revoked(data, "desk-1"));
}

TEST_CASE("revoking works on a token the hub remembers, for every route; an unknown device is said so") {
    HubFixture hub;
    const auto desk = hub.enrol(Role::reception, "desk-1");
    const auto admin = hub.enrol(Role::admin, "it-1");
    for (const char* path : {"/v1/queue", "/v1/config", "/v1/events?after=0"}) REQUIRE(hub.call("GET", path, desk.token).status == 200);
    auto revoked = hub.store().revoke_device("desk-1", wall_clock_ms());
    REQUIRE(revoked.ok());
    CHECK(*revoked);
    for (const char* path : {"/v1/queue", "/v1/config", "/v1/events?after=0", "/v1/export"}) {
        CAPTURE(path);
        const auto reply = hub.call("GET", path, desk.token);
        CHECK(reply.status == 401);
        CHECK(reply.body.find("revoked") != std::string::npos);
    }
    CHECK(hub.call("POST", "/v1/events", desk.token, batch({staff_event("ticket.called", "desk-1", 1, "x:1", 0)}),
                   json_header).status == 401);
    CHECK(hub.call("GET", "/v1/devices", admin.token).status == 200);
    auto unknown = hub.store().revoke_device("no-such-device", wall_clock_ms());
    REQUIRE(unknown.ok());
    CHECK_FALSE(*unknown);
    const auto refused = run_hub_command("device-revoke no-such-device", hub.dir() / "hub");
    CHECK(refused.status == 1);
    CHECK(refused.output.find("no such device") != std::string::npos);
}
