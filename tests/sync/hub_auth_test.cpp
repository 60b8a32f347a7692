// Who may do what at the hub, and what hostile input gets: a 4xx with a JSON error, never
// a crash, never a partial batch.
#include <doctest/doctest.h>

#include <random>
#include <set>
#include <sstream>

#include "domain/office_time.hpp"
#include "protocol/event_codec.hpp"
#include "support/hub_fixture.hpp"
#include "support/hub_process.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"

using namespace skranke;
using namespace skranke::test;
using protocol::Role;

namespace {
std::string error_code_of(const sync::HttpReply& reply) { return reply.error_code(); }
const std::vector<std::string> json_header = {"Content-Type: application/json"};
}  // namespace

TEST_CASE("health needs no token; every other endpoint wants a known token (401)") {
    HubFixture hub;
    CHECK(hub.call("GET", "/v1/health", "").status == 200);
    for (const char* path : {"/v1/events?after=0", "/v1/config", "/v1/queue", "/v1/export", "/v1/devices"}) {
        CAPTURE(path);
        const auto none = hub.call("GET", path, "");
        CHECK(none.status == 401);
        CHECK(error_code_of(none) == "unauthorized");
        CHECK(hub.call("GET", path, "0123456789abcdef").status == 401);
    }
    CHECK(hub.call("POST", "/v1/events", "nope", batch({})).status == 401);
}

TEST_CASE("an enrolment code works once, and only within its time") {
    HubFixture hub;
    auto code = hub.store().create_enrol_code(Role::kiosk, wall_clock_ms(), 60000);
    REQUIRE(code);
    CHECK(sync::enrol_device(hub.connection(""), *code, "kiosk-a").ok());
    const auto again = sync::enrol_device(hub.connection(""), *code, "kiosk-b");
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().find("401") != std::string::npos);
    auto expired = hub.store().create_enrol_code(Role::kiosk, wall_clock_ms() - 120000, 60000);
    CHECK_FALSE(sync::enrol_device(hub.connection(""), *expired, "kiosk-c").ok());
    auto fresh = hub.store().create_enrol_code(Role::kiosk, wall_clock_ms(), 60000);
    const auto bad_id = hub.call("POST", "/v1/enrol", "", R"({"code":")" + *fresh + R"(","device_id":"Kiosk A!"})");
    CHECK(bad_id.status == 400);
    CHECK(hub.query_int("SELECT count(*) FROM devices WHERE token_hash LIKE '%'") == 1);
}

TEST_CASE("a device that says its role is refused a code made for another, and the code stays unused") {
    HubFixture hub;
    auto code = hub.store().create_enrol_code(Role::kiosk, wall_clock_ms(), 60000);
    REQUIRE(code);
    const auto devices = [&] { return hub.query_int("SELECT count(*) FROM devices"); };
    const auto refused = hub.call("POST", "/v1/enrol", "", R"({"code":")" + *code + R"(","device_id":"notify-a","role":"notify"})");
    CHECK(refused.status == 409);
    CHECK(error_code_of(refused) == "wrong_role");
    CHECK(refused.body.find("made for role kiosk") != std::string::npos);
    CHECK(devices() == 0);  // nothing of the refused device is stored
    for (const std::string role : {R"("sorcerer")", "7", "null", R"(["kiosk"])"}) {
        CAPTURE(role);
        const auto bad = hub.call("POST", "/v1/enrol", "", R"({"code":")" + *code + R"(","device_id":"kiosk-a","role":)" + role + "}");
        CHECK(bad.status == 400);
        CHECK(error_code_of(bad) == "bad_request");
    }
    // The client names the role; the code then enrols the device it was made for.
    const auto wrong = sync::enrol_device(hub.connection(""), *code, "display-a", "display");
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().find("409") != std::string::npos);
    const auto right = sync::enrol_device(hub.connection(""), *code, "kiosk-a", "kiosk");
    REQUIRE(right.ok());
    CHECK(right->role == "kiosk");
    CHECK(devices() == 1);
    // A used code says so whatever the role asked for.
    const auto used = hub.call("POST", "/v1/enrol", "", R"({"code":")" + *code + R"(","device_id":"kiosk-b","role":"display"})");
    CHECK(used.status == 401);
    CHECK(error_code_of(used) == "bad_enrol_code");
}

TEST_CASE("enrolling a device again retires its old token at once, even one the hub remembers") {
    HubFixture hub;
    const auto first = hub.enrol(Role::kiosk, "kiosk-a");
    REQUIRE(hub.call("GET", "/v1/config", first.token).status == 200);  // known, and kept in memory
    const auto second = hub.enrol(Role::kiosk, "kiosk-a");  // a replaced PC keeping its id
    CHECK(hub.call("GET", "/v1/config", first.token).status == 401);
    CHECK(hub.call("GET", "/v1/config", second.token).status == 200);
}

TEST_CASE("skranke-hub enrol-code --count prints as many codes, each good for one device") {
    HubFixture hub;
    const auto printed = hub.command("enrol-code --role display --count 3");
    REQUIRE(printed.status == 0);
    std::istringstream lines(printed.output);
    std::vector<std::string> codes;
    for (std::string line; std::getline(lines, line);) codes.push_back(line);
    REQUIRE(codes.size() == 3);
    CHECK(std::set<std::string>(codes.begin(), codes.end()).size() == 3);
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const auto enrolled = sync::enrol_device(hub.connection(""), codes[i], "display-" + std::to_string(i));
        REQUIRE(enrolled.ok());
        CHECK(enrolled->role == "display");
    }
    CHECK_FALSE(sync::enrol_device(hub.connection(""), codes[0], "display-9").ok());
    CHECK(hub.command("enrol-code --count 0").status != 0);
}

TEST_CASE("tokens are stored hashed, never as given") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    CHECK(hub.query_int("SELECT count(*) FROM devices WHERE token_hash = '" + kiosk.token + "'") == 0);
}

TEST_CASE("roles: kiosks push only their own tickets, only staff act on tickets, displays only read (403)") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto desk = hub.enrol(Role::reception, "desk-1");
    const auto display = hub.enrol(Role::display, "display-1");
    const auto t = wall_clock_ms();

    // A kiosk pushing for another device, or pushing a staff action: refused, nothing stored.
    auto reply = hub.call("POST", "/v1/events", kiosk.token, batch({issued_event("kiosk-b", 1, t)}), json_header);
    CHECK(reply.status == 403);
    CHECK(error_code_of(reply) == "forbidden");
    CHECK(hub.call("POST", "/v1/events", kiosk.token,
                   batch({issued_event("kiosk-a", 1, t), staff_event("ticket.called", "kiosk-a", 2, "kiosk-a:1", t)}),
                   json_header).status == 403);
    CHECK(hub.event_count() == 0);
    // Reception may not issue tickets; a display may not push at all.
    CHECK(hub.call("POST", "/v1/events", desk.token, batch({issued_event("desk-1", 1, t)}), json_header).status == 403);
    CHECK(hub.call("POST", "/v1/events", display.token, batch({}), json_header).status == 403);
    // Reads: a kiosk may not see the staff queue; only admin exports and sees all of device
    // health; reception sees only which devices are silent (fleet_health_test.cpp).
    CHECK(hub.call("GET", "/v1/queue", kiosk.token).status == 403);
    CHECK(hub.call("GET", "/v1/queue", display.token).status == 200);
    CHECK(hub.call("GET", "/v1/export", desk.token).status == 403);
    CHECK(hub.call("GET", "/v1/devices", kiosk.token).status == 403);
    CHECK(hub.call("GET", "/v1/devices", display.token).status == 403);
    CHECK(hub.call("GET", "/v1/devices", desk.token).status == 200);
    const auto admin = hub.enrol(Role::admin, "it-1");
    CHECK(hub.call("GET", "/v1/devices", admin.token).status == 200);

    // The allowed paths work.
    CHECK(hub.call("POST", "/v1/events", kiosk.token, batch({issued_event("kiosk-a", 1, t)}), json_header).status == 200);
    CHECK(hub.call("POST", "/v1/events", desk.token, batch({staff_event("ticket.called", "desk-1", 1, "kiosk-a:1", t)}),
                   json_header).status == 200);
    CHECK(hub.event_count() == 2);
}

TEST_CASE("the SMS notifier reads the phones and records only ticket.notified; nobody else records it") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto desk = hub.enrol(Role::reception, "desk-1");
    const auto notifier = hub.enrol(Role::notify, "notify-1");
    const auto display = hub.enrol(Role::display, "display-1");
    const auto t = wall_clock_ms();
    auto wish = issued_event("kiosk-a", 1, t);
    wish["ticket"]["sms_wanted"] = true;
    wish["ticket"]["waits_outside"] = true;
    const std::string phone = wish["ticket"]["phone"];
    REQUIRE_FALSE(phone.empty());
    REQUIRE(hub.call("POST", "/v1/events", kiosk.token, batch({wish}), json_header).status == 200);
    // Without the phone the wish is refused, naming the field.
    auto no_phone = issued_event("kiosk-a", 2, t);
    no_phone["ticket"]["sms_wanted"] = true;
    no_phone["ticket"]["phone"] = "";
    const auto refused = hub.call("POST", "/v1/events", kiosk.token, batch({no_phone}), json_header);
    CHECK(refused.body.find("ticket.sms_wanted") != std::string::npos);

    const auto claim = [&](const std::string& device, std::int64_t seq) {
        return nlohmann::json::parse(protocol::write_event(staff_event(
            TicketNotified{"kiosk-a:1", NotifyKind::near_front, NotifyOutcome::sending, {}}, device, seq, t)));
    };
    // Staff consoles and kiosks may not say an SMS was sent; the notifier may not act on tickets.
    CHECK(hub.call("POST", "/v1/events", desk.token, batch({claim("desk-1", 1)}), json_header).status == 403);
    CHECK(hub.call("POST", "/v1/events", kiosk.token, batch({claim("kiosk-a", 3)}), json_header).status == 403);
    CHECK(hub.call("POST", "/v1/events", notifier.token,
                   batch({staff_event("ticket.called", "notify-1", 1, "kiosk-a:1", t)}), json_header).status == 403);
    CHECK(hub.call("POST", "/v1/events", notifier.token, batch({issued_event("notify-1", 1, t)}), json_header).status ==
          403);
    const auto stored = hub.call("POST", "/v1/events", notifier.token, batch({claim("notify-1", 1)}), json_header);
    CHECK(stored.status == 200);
    CHECK(stored.body.find("\"stored\"") != std::string::npos);

    // The notifier reads the phone (it sends to it); a display and a kiosk never do, but see the wish.
    const auto log_of = [&](const std::string& token) { return hub.call("GET", "/v1/events?after=0&wait_ms=0", token).body; };
    CHECK(log_of(notifier.token).find(phone) != std::string::npos);
    CHECK(log_of(display.token).find(phone) == std::string::npos);
    CHECK(log_of(kiosk.token).find(phone) == std::string::npos);
    CHECK(log_of(display.token).find("\"waits_outside\":true") != std::string::npos);
    CHECK(log_of(display.token).find("ticket.notified") != std::string::npos);
}

TEST_CASE("hostile bodies get a 4xx JSON error and store nothing; the hub keeps serving") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto t = wall_clock_ms();
    struct Case {
        std::string name;
        std::string body;
        int status;
        std::string code;
    };
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "[";
    std::string many = "{\"events\":[";
    for (int i = 0; i < 501; ++i) many += (i ? "," : "") + issued_event("kiosk-a", i + 1, t).dump();
    many += "]}";
    std::mt19937 random(7);
    std::string noise(4096, '\0');
    for (char& c : noise) c = static_cast<char>(random() & 0xff);
    const std::vector<Case> cases = {
        {"empty", "", 400, "malformed_json"},
        {"malformed", "{\"events\": [", 400, "malformed_json"},
        {"random bytes", noise, 400, "malformed_json"},
        {"deep nesting", deep, 400, "too_deep"},
        {"deep nesting inside an event", "{\"events\":[{\"a\":" + deep + "}]}", 400, "too_deep"},
        {"one malformed event", "{\"events\":[" + issued_event("kiosk-a", 1, t).dump() + ",{\"event_id\" 1}]}", 400,
         "malformed_json"},
        {"an empty place in the list", "{\"events\":[" + issued_event("kiosk-a", 1, t).dump() + ",,1]}", 400,
         "malformed_json"},
        {"two values in one place", "{\"events\":[1 2]}", 400, "malformed_json"},
        {"trailing text", "{\"events\":[]} x", 400, "malformed_json"},
        {"unterminated list", "{\"events\":[{\"a\":\"]}\"}", 400, "malformed_json"},
        {"not an object", "[1,2,3]", 400, "bad_request"},
        {"events of the wrong type", R"({"events": 5})", 400, "bad_request"},
        {"too many events", many, 413, "batch_too_large"},
        {"oversized", "{\"events\":[],\"pad\":\"" + std::string(protocol::max_body_bytes + 10, 'x') + "\"}", 413,
         "body_too_large"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        const auto reply = hub.call("POST", "/v1/events", kiosk.token, c.body, json_header);
        CHECK(reply.status == c.status);
        CHECK(error_code_of(reply) == c.code);
    }
    CHECK(hub.call("GET", "/v1/events?after=-1", kiosk.token).status == 400);
    CHECK(hub.call("GET", "/v1/events?after=abc", kiosk.token).status == 400);
    CHECK(hub.call("GET", "/v1/events?limit=100000", kiosk.token).status == 400);
    CHECK(hub.call("GET", "/v1/nothing", kiosk.token).status == 404);
    CHECK(hub.event_count() == 0);
    CHECK(hub.call("GET", "/v1/health", "").status == 200);
}

TEST_CASE("events with wrong types or unknown types are rejected one by one, the rest stored") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto t = wall_clock_ms();
    auto unknown = issued_event("kiosk-a", 2, t);
    unknown["type"] = "ticket.exploded";
    auto wrong = issued_event("kiosk-a", 3, t);
    wrong["ticket"]["urgent"] = "yes";
    const auto reply = hub.call("POST", "/v1/events", kiosk.token,
                                batch({issued_event("kiosk-a", 1, t), unknown, wrong, 42, issued_event("kiosk-a", 4, t)}),
                                json_header);
    REQUIRE(reply.status == 200);
    const auto results = nlohmann::json::parse(reply.body).at("results");
    REQUIRE(results.size() == 5);
    CHECK(results[0]["status"] == "stored");
    CHECK(results[1]["code"] == "bad_event");
    CHECK(results[2]["code"] == "bad_event");
    CHECK(results[3]["code"] == "bad_event");
    CHECK(results[4]["status"] == "stored");
    CHECK(hub.event_count() == 2);
}
