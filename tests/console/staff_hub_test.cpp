// The hub's staff endpoints: PIN sign-in (hashed with Argon2id, wrong PIN rejected, locked
// after repeated failures), roles, and today's figures as JSON and CSV.
#include <doctest/doctest.h>

#include <cstdio>

#include "client/staff_client.hpp"
#include "domain/office_time.hpp"
#include "hub/staff_store.hpp"
#include "support/hub_fixture.hpp"
#include "support/hub_process.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;
using protocol::Role;

namespace {

void add_staff(HubFixture& hub, const std::string& id, const std::string& pin) {
    auto staff = hub::StaffStore::open(hub.dir() / "hub" / "staff.db");
    REQUIRE(staff.ok());
    REQUIRE((*staff)->add({id, "Kari N.", hub::StaffRole::reception}, pin, wall_clock_ms()).ok());
}

std::string sign_in_body(const std::string& id, const std::string& pin) {
    return nlohmann::json{{"staff_id", id}, {"pin", pin}, {"counter", "2"}}.dump();
}

}  // namespace

TEST_CASE("staff PINs are stored only as Argon2id hashes; bad ids and PINs are refused") {
    HubFixture hub;
    add_staff(hub, "kari", "246813");
    const auto stored = query_texts(hub.dir() / "hub" / "staff.db", "SELECT pin_hash FROM staff");
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].rfind("$argon2id$", 0) == 0);
    CHECK(stored[0].find("246813") == std::string::npos);
    auto staff = hub::StaffStore::open(hub.dir() / "hub" / "staff.db");
    REQUIRE(staff.ok());
    CHECK_FALSE((*staff)->add({"ola", "Ola", hub::StaffRole::reception}, "12", 0).ok());
    CHECK_FALSE((*staff)->add({"ola", "Ola", hub::StaffRole::reception}, "12ab56", 0).ok());
    CHECK_FALSE((*staff)->add({"Ola Nordmann", "Ola", hub::StaffRole::reception}, "123456", 0).ok());
}

TEST_CASE("sign-in: the right PIN opens a session, a wrong one is rejected, repeated failures lock") {
    HubFixture hub;
    add_staff(hub, "kari", "246813");
    const auto console = hub.enrol(Role::reception, "reception-a");
    const auto connection = hub.connection(console.token);

    auto ok = sync::staff_sign_in(connection, "kari", "246813", "2");
    REQUIRE(ok.ok());
    CHECK(ok->name == "Kari N.");
    CHECK(ok->counter == "2");
    CHECK(ok->session.size() == 64);

    auto wrong = sync::staff_sign_in(connection, "kari", "111111", "2");
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().kind == sync::StaffCallError::wrong_pin);
    // An unknown staff id looks exactly like a wrong PIN.
    auto unknown = sync::staff_sign_in(connection, "nobody", "246813", "2");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().kind == sync::StaffCallError::wrong_pin);

    for (int i = 0; i < 3; ++i) CHECK(sync::staff_sign_in(connection, "kari", "000000", "2").error().kind ==
                                      sync::StaffCallError::wrong_pin);
    // Five wrong PINs from this console: locked now, even with the right one, and the hub says how long.
    auto locked = sync::staff_sign_in(connection, "kari", "246813", "2");
    REQUIRE_FALSE(locked.ok());
    CHECK(locked.error().kind == sync::StaffCallError::locked);
    CHECK(locked.error().retry_after_ms >= 1000);
    const auto raw = hub.call("POST", "/v1/staff/sign-in", console.token, sign_in_body("kari", "246813"));
    CHECK(raw.status == 429);
    CHECK(raw.error_code() == "pin_locked");
    CHECK(raw.retry_after_ms.has_value());
}

TEST_CASE("staff sign in only at a counter the office's catalogue lists") {
    hub::HubOptions options;
    options.services_file = asset_dir() / "services.toml";  // counters 1-4
    HubFixture hub(options);
    add_staff(hub, "kari", "246813");
    const auto reception = hub.enrol(Role::reception, "reception-a");
    const auto body = [](const std::string& counter) {
        return nlohmann::json{{"staff_id", "kari"}, {"pin", "246813"}, {"counter", counter}}.dump();
    };
    const auto unknown = hub.call("POST", "/v1/staff/sign-in", reception.token, body("9"));
    CHECK(unknown.status == 400);
    CHECK(unknown.error_code() == "unknown_counter");
    const auto control = hub.call("POST", "/v1/staff/sign-in", reception.token, body("2\n"));
    CHECK(control.status == 400);
    CHECK(control.error_code() == "bad_request");
    // Refusals for the counter are not wrong PINs: the right PIN still signs in.
    auto ok = sync::staff_sign_in(hub.connection(reception.token), "kari", "246813", "4");
    REQUIRE(ok.ok());
    CHECK(ok->counter == "4");
    auto refused = sync::staff_sign_in(hub.connection(reception.token), "kari", "246813", "5");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == sync::StaffCallError::refused);
    const auto config = nlohmann::json::parse(hub.call("GET", "/v1/config", reception.token).body);
    CHECK(config["counters"] == nlohmann::json{"1", "2", "3", "4"});
}

TEST_CASE("only reception and admin devices may sign staff in or read figures") {
    HubFixture hub;
    add_staff(hub, "kari", "246813");
    const auto display = hub.enrol(Role::display, "display-a");
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    CHECK(hub.call("POST", "/v1/staff/sign-in", display.token, sign_in_body("kari", "246813")).status == 403);
    CHECK(hub.call("POST", "/v1/staff/sign-in", kiosk.token, sign_in_body("kari", "246813")).status == 403);
    CHECK(hub.call("POST", "/v1/staff/sign-in", "not-a-token", sign_in_body("kari", "246813")).status == 401);
    CHECK(hub.call("GET", "/v1/figures", display.token).status == 403);
    const auto reception = hub.enrol(Role::reception, "reception-a");
    const auto no_session = hub.call("GET", "/v1/figures", reception.token);
    CHECK(no_session.status == 401);
    CHECK(no_session.error_code() == "staff_sign_in_required");
    CHECK(hub.call("GET", "/v1/figures", reception.token, "", {"X-Skranke-Staff-Session: forged"}).status == 401);
    CHECK(hub.call("POST", "/v1/staff/sign-in", reception.token, "{\"staff_id\": 7}").status == 400);
    CHECK(hub.call("POST", "/v1/staff/sign-in", reception.token, "not json").status == 400);
}

TEST_CASE("today's figures and the CSV export come from the hub's log for a signed-in staff member") {
    HubFixture hub;
    add_staff(hub, "kari", "246813");
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto console = hub.enrol(Role::reception, "reception-a");
    const std::int64_t t0 = wall_clock_ms();
    std::vector<nlohmann::json> issued;
    for (int i = 1; i <= 3; ++i) issued.push_back(issued_event("kiosk-a", i, t0, i == 2));
    REQUIRE(hub.call("POST", "/v1/events", kiosk.token, batch(issued)).status == 200);
    const std::vector<nlohmann::json> actions = {
        staff_event("ticket.called", "reception-a", 1, issued[0].at("event_id"), t0),
        staff_event("ticket.served", "reception-a", 2, issued[0].at("event_id"), t0),
        staff_event("ticket.called", "reception-a", 3, issued[1].at("event_id"), t0),
        staff_event("ticket.no_show", "reception-a", 4, issued[1].at("event_id"), t0),
    };
    REQUIRE(hub.call("POST", "/v1/events", console.token, batch(actions)).status == 200);

    auto session = sync::staff_sign_in(hub.connection(console.token), "kari", "246813", "2");
    REQUIRE(session.ok());
    const std::string header = "X-Skranke-Staff-Session: " + session->session;
    const auto reply = hub.call("GET", "/v1/figures?day=" + service_day_of(t0), console.token, "", {header});
    REQUIRE(reply.status == 200);
    const auto figures = nlohmann::json::parse(reply.body);
    CHECK(figures.at("issued") == 3);
    CHECK(figures.at("served") == 1);
    CHECK(figures.at("no_shows") == 1);
    CHECK(figures.at("waiting_now") == 1);
    CHECK(figures.at("wait").at("count") == 2);
    CHECK(hub.call("GET", "/v1/figures?day=yesterday", console.token, "", {header}).status == 400);
    // The day before and the day after hold none of them (each read from its own cursor).
    for (const std::int64_t other : {t0 - 24LL * 3600 * 1000, t0 + 24LL * 3600 * 1000}) {
        const auto empty = hub.call("GET", "/v1/figures?day=" + service_day_of(other), console.token, "", {header});
        REQUIRE(empty.status == 200);
        CHECK(nlohmann::json::parse(empty.body).at("issued") == 0);
    }

    auto csv = sync::fetch_figures_csv(hub.connection(console.token), session->session, service_day_of(t0));
    REQUIRE(csv.ok());
    CHECK(csv->rfind("number,need,channel,urgent,issued,first_called,finished,state,wait_s,service_s\r\n", 0) == 0);
    CHECK(std::count(csv->begin(), csv->end(), '\n') == 4);
    CHECK(csv->find("Kari Nordmann") == std::string::npos);  // per-ticket figures, no personal data
    CHECK(csv->find(",served,") != std::string::npos);
    CHECK(csv->find(",no_show,") != std::string::npos);
}

TEST_CASE("skranke-hub staff-add reads the PIN from standard input and staff-list never shows it") {
    TempDir dir;
    const auto added = run_hub_command("staff-add --id kari --name 'Kari N.'", dir / "hub", "246813\\n");
    CHECK(added.status == 0);
    const auto bad = run_hub_command("staff-add --id ola --name Ola", dir / "hub", "12\\n");
    CHECK(bad.status != 0);
    CHECK(bad.output.find("4 to 12 digits") != std::string::npos);
    const auto listed = run_hub_command("staff-list", dir / "hub");
    CHECK(listed.status == 0);
    CHECK(listed.output.find("kari\treception\tKari N.") != std::string::npos);
    CHECK(listed.output.find("246813") == std::string::npos);
    auto staff = hub::StaffStore::open(dir / "hub" / "staff.db");
    REQUIRE(staff.ok());
    auto signed_in = (*staff)->sign_in("kari", "246813", "reception-a", "1", wall_clock_ms());
    REQUIRE(signed_in.ok());
    CHECK(signed_in->outcome == hub::SignInOutcome::signed_in);
}
