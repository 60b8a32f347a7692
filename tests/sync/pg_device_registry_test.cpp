// One office's devices on a real PostgreSQL server: enrolment codes, tokens, revocation and
// health, each office apart from the others on one database, several registries (as several
// hubs would be) on the same office, and the database going away and coming back.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/office_time.hpp"
#include "hub/hub_file.hpp"
#include "hub/pg/pg_connection.hpp"
#include "hub/pg/pg_device_registry.hpp"
#include "support/pg_server.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::hub;
using namespace skranke::hub::pg;
using protocol::Role;

namespace {

constexpr std::int64_t t0 = 1'700'000'000'000;
constexpr std::int64_t an_hour = 60 * 60 * 1000;
const std::string unknown_refusal = "unknown device token; enrol the device again";

// version_check_ms 0: every token check looks at the office's devices first, so what another
// hub changed shows at the next check (the hub's own default is tested apart).
std::unique_ptr<PgDeviceRegistry> open_registry(const std::string& url, const std::string& office,
                                                std::int64_t version_check_ms = 0) {
    auto ready = ReadyOffice::prepare(url, office, wall_clock_ms());
    REQUIRE_MESSAGE(ready, (ready ? std::string() : ready.error().detail));
    auto registry = PgDeviceRegistry::open(*ready, version_check_ms);
    REQUIRE_MESSAGE(registry, (registry ? std::string() : registry.error().detail));
    return std::move(registry).value();
}

std::string code_for(PgDeviceRegistry& registry, Role role, std::int64_t valid_ms = an_hour) {
    auto code = registry.create_enrol_code(role, t0, valid_ms);
    REQUIRE_MESSAGE(code, (code ? std::string() : code.error().detail));
    return *code;
}

// The device's token, enrolled through a new code of the registry's office.
std::string enrolled(PgDeviceRegistry& registry, const std::string& device_id, Role role = Role::kiosk,
                     std::int64_t now_ms = t0) {
    const std::string code = code_for(registry, role);
    auto enrolment = registry.enrol(code, device_id, now_ms);
    REQUIRE_MESSAGE(enrolment, (enrolment ? std::string() : enrolment.error().detail));
    REQUIRE(enrolment->has_value());
    CHECK((*enrolment)->device_id == device_id);
    CHECK((*enrolment)->role == role);
    return (*enrolment)->token;
}

Admission admission(PgDeviceRegistry& registry, const std::string& token) {
    auto checked = registry.authenticate(token);
    REQUIRE_MESSAGE(checked, (checked ? std::string() : checked.error().detail));
    return *checked;
}

std::vector<DeviceHealth> listed(PgDeviceRegistry& registry) {
    auto list = registry.devices();
    REQUIRE_MESSAGE(list, (list ? std::string() : list.error().detail));
    return *list;
}

std::vector<std::string> ids_of(const std::vector<DeviceHealth>& list) {
    std::vector<std::string> ids;
    for (const DeviceHealth& d : list) ids.push_back(d.device_id);
    return ids;
}

DeviceHealth health_of(PgDeviceRegistry& registry, const std::string& device_id) {
    for (DeviceHealth& d : listed(registry))
        if (d.device_id == device_id) return d;
    FAIL("no device " << device_id);
    return {};
}

pg::Connection connect(const std::string& url) {
    auto c = pg::Connection::open(url);
    REQUIRE_MESSAGE(c, (c ? std::string() : c.error().detail));
    return std::move(c).value();
}

}  // namespace

TEST_CASE("a device enrolled with its office's code is let in by its token, kept only as a hash") {
    test::PgServer server;
    const std::string url = server.new_database("office");
    auto registry = open_registry(url, "oslo-sentrum");
    const std::string code = code_for(*registry, Role::reception);
    auto role = registry->role_of_code(code, t0);
    REQUIRE(role);
    CHECK(*role == Role::reception);
    auto enrolment = registry->enrol(code, "desk-1", t0 + 5);
    REQUIRE(enrolment);
    REQUIRE(enrolment->has_value());
    const std::string token = (*enrolment)->token;
    CHECK((*enrolment)->role == Role::reception);

    const Admission in = admission(*registry, token);
    REQUIRE(in.device.has_value());
    CHECK(in.device->device_id == "desk-1");
    CHECK(in.device->role == Role::reception);
    CHECK(in.refusal.empty());
    CHECK_FALSE(registry->refusal_of("desk-1").has_value());
    const Admission stranger = admission(*registry, "not-a-token");
    CHECK_FALSE(stranger.device.has_value());
    CHECK(stranger.refusal == unknown_refusal);

    auto db = connect(url);
    auto device = db.run("SELECT token_hash, office_id, role, enrolled_ms FROM devices WHERE device_id = 'desk-1'");
    REQUIRE(device);
    REQUIRE(device->count() == 1);
    CHECK(device->text(0, 0) == hash_hex(token));
    CHECK(device->text(0, 1) == "oslo-sentrum");
    CHECK(device->text(0, 2) == "reception");
    CHECK(device->int64(0, 3) == t0 + 5);
    auto codes = db.run("SELECT code_hash, used_by FROM enrol_codes");
    REQUIRE(codes);
    REQUIRE(codes->count() == 1);
    CHECK(codes->text(0, 0) == hash_hex(code));
    CHECK(codes->text(0, 1) == "desk-1");

    auto bad_office = ReadyOffice::prepare(url, "Oslo Sentrum", wall_clock_ms());
    REQUIRE_FALSE(bad_office);
    CHECK(bad_office.error().kind == StoreErrorKind::invalid_request);
}

TEST_CASE("a used, expired or unknown code enrols nothing and has no role") {
    test::PgServer server;
    auto registry = open_registry(server.new_database("office"), "office-a");

    const std::string once = code_for(*registry, Role::display);
    auto first = registry->enrol(once, "screen-1", t0);
    REQUIRE(first);
    CHECK(first->has_value());
    auto again = registry->enrol(once, "screen-2", t0 + 1);
    REQUIRE(again);
    CHECK_FALSE(again->has_value());
    auto used_role = registry->role_of_code(once, t0 + 1);
    REQUIRE(used_role);
    CHECK_FALSE(used_role->has_value());

    const std::string brief = code_for(*registry, Role::kiosk, 1000);
    auto in_time = registry->role_of_code(brief, t0 + 999);
    REQUIRE(in_time);
    CHECK(*in_time == Role::kiosk);
    auto expired_role = registry->role_of_code(brief, t0 + 1000);
    REQUIRE(expired_role);
    CHECK_FALSE(expired_role->has_value());
    auto late = registry->enrol(brief, "kiosk-1", t0 + 1000);
    REQUIRE(late);
    CHECK_FALSE(late->has_value());

    auto unknown = registry->enrol("abcdefghjkmn", "kiosk-1", t0);
    REQUIRE(unknown);
    CHECK_FALSE(unknown->has_value());
    auto unknown_role = registry->role_of_code("abcdefghjkmn", t0);
    REQUIRE(unknown_role);
    CHECK_FALSE(unknown_role->has_value());
    CHECK(ids_of(listed(*registry)) == std::vector<std::string>{"screen-1"});
}

TEST_CASE("two offices on one database see nothing of each other's codes, tokens and devices") {
    test::PgServer server;
    const std::string url = server.new_database("office");
    auto a = open_registry(url, "office-a");
    auto b = open_registry(url, "office-b");

    // A code of office A is unknown to office B, and B's try does not use it up.
    const std::string code_a = code_for(*a, Role::kiosk);
    auto role_at_b = b->role_of_code(code_a, t0);
    REQUIRE(role_at_b);
    CHECK_FALSE(role_at_b->has_value());
    auto enrol_at_b = b->enrol(code_a, "kiosk-b", t0);
    REQUIRE(enrol_at_b);
    CHECK_FALSE(enrol_at_b->has_value());
    auto enrol_at_a = a->enrol(code_a, "kiosk-a", t0);
    REQUIRE(enrol_at_a);
    REQUIRE(enrol_at_a->has_value());
    const std::string token_a = (*enrol_at_a)->token;
    const std::string token_b = enrolled(*b, "kiosk-b");

    // Each office's token only at its own office.
    CHECK(admission(*a, token_a).device.has_value());
    const Admission a_at_b = admission(*b, token_a);
    CHECK_FALSE(a_at_b.device.has_value());
    CHECK(a_at_b.refusal == unknown_refusal);
    const Admission b_at_a = admission(*a, token_b);
    CHECK_FALSE(b_at_a.device.has_value());
    CHECK(b_at_a.refusal == unknown_refusal);
    CHECK(admission(*b, token_b).device.has_value());

    CHECK(ids_of(listed(*a)) == std::vector<std::string>{"kiosk-a"});
    CHECK(ids_of(listed(*b)) == std::vector<std::string>{"kiosk-b"});

    // Revoking another office's device: no such device here, and it carries on there.
    auto revoked_from_b = b->revoke("kiosk-a", t0 + 10);
    REQUIRE(revoked_from_b);
    CHECK_FALSE(*revoked_from_b);
    CHECK(admission(*a, token_a).device.has_value());
    CHECK_FALSE(health_of(*a, "kiosk-a").revoked_ms.has_value());

    // A device id of office A enrolled at office B: refused in words, B's code left unused,
    // the device's token at A unchanged.
    const std::string code_b = code_for(*b, Role::display);
    auto moved = b->enrol(code_b, "kiosk-a", t0 + 20);
    REQUIRE_FALSE(moved);
    CHECK(moved.error().kind == StoreErrorKind::invalid_request);
    CHECK(moved.error().message_key == "error.go_to_reception");
    CHECK(moved.error().detail.find("kiosk-a is enrolled in office office-a, not in office office-b") !=
          std::string::npos);
    auto still_unused = b->role_of_code(code_b, t0 + 20);
    REQUIRE(still_unused);
    CHECK(*still_unused == Role::display);
    const Admission kept = admission(*a, token_a);
    REQUIRE(kept.device.has_value());
    CHECK(kept.device->role == Role::kiosk);
    CHECK(ids_of(listed(*b)) == std::vector<std::string>{"kiosk-b"});
    auto other_device = b->enrol(code_b, "screen-b", t0 + 20);
    REQUIRE(other_device);
    CHECK(other_device->has_value());
}

TEST_CASE("a revocation by another hub on the database is seen at the device's next request") {
    test::PgServer server;
    const std::string url = server.new_database("office");
    auto hub_1 = open_registry(url, "office-a");
    auto hub_2 = open_registry(url, "office-a");
    const std::string token = enrolled(*hub_1, "kiosk-1");
    const std::string other = enrolled(*hub_1, "kiosk-2");
    CHECK(admission(*hub_1, token).device.has_value());
    CHECK(admission(*hub_1, token).device.has_value());  // known to hub 1 by now

    auto revoked = hub_2->revoke("kiosk-1", t0 + 100);
    REQUIRE(revoked);
    CHECK(*revoked);
    const Admission refused = admission(*hub_1, token);
    CHECK_FALSE(refused.device.has_value());
    CHECK(refused.refusal.find("revoked") != std::string::npos);
    REQUIRE(hub_1->refusal_of("kiosk-1").has_value());
    CHECK(*hub_1->refusal_of("kiosk-1") == refused.refusal);
    CHECK_FALSE(hub_1->refusal_of("kiosk-2").has_value());
    CHECK(admission(*hub_1, other).device.has_value());  // only that device
    CHECK(health_of(*hub_1, "kiosk-1").revoked_ms == t0 + 100);

    auto unknown = hub_2->revoke("kiosk-9", t0 + 100);
    REQUIRE(unknown);
    CHECK_FALSE(*unknown);
}

TEST_CASE("a hub answers known tokens from memory, and another hub's revocation or enrolment holds there within "
          "its look at the office's devices") {
    test::PgServer server;
    const std::string url = server.new_database("office");
    auto hub_1 = open_registry(url, "office-a", PgDeviceRegistry::default_version_check_ms);
    auto hub_2 = open_registry(url, "office-a");
    const std::string token = enrolled(*hub_1, "kiosk-1");
    const std::string other = enrolled(*hub_1, "kiosk-2");
    REQUIRE(admission(*hub_1, token).device.has_value());
    REQUIRE(admission(*hub_1, other).device.has_value());
    // From memory: a token check needs no statement while the devices are unchanged (a row
    // changed behind the registry's back, not as an enrolment or revocation does, is not seen).
    auto behind = pg::Connection::open(url);
    REQUIRE(behind);
    REQUIRE(behind->run("UPDATE devices SET role = 'display' WHERE device_id = 'kiosk-1'"));
    CHECK(admission(*hub_1, token).device->role == Role::kiosk);

    REQUIRE(hub_2->revoke("kiosk-1", t0 + 100));
    // Within the look's interval: refused, and a long-poll of the device asking refusal_of is
    // told so after a token check of any device.
    CHECK(test::wait_until([&] { return !admission(*hub_1, other).device || hub_1->refusal_of("kiosk-1"); },
                           std::chrono::seconds(5)));
    REQUIRE(hub_1->refusal_of("kiosk-1").has_value());
    const Admission refused = admission(*hub_1, token);
    CHECK_FALSE(refused.device.has_value());
    CHECK(refused.refusal.find("revoked") != std::string::npos);
    CHECK(admission(*hub_1, other).device.has_value());

    // Enrolled again through the other hub: the new token gets in, the old one never again.
    const std::string new_token = enrolled(*hub_2, "kiosk-1", Role::kiosk, t0 + 200);
    CHECK(test::wait_until([&] { return admission(*hub_1, new_token).device.has_value(); }, std::chrono::seconds(5)));
    CHECK_FALSE(hub_1->refusal_of("kiosk-1").has_value());
    CHECK_FALSE(admission(*hub_1, token).device.has_value());
}

TEST_CASE("a revoked device enrolled again gets in with its new token, never with its old one") {
    test::PgServer server;
    const std::string url = server.new_database("office");
    auto hub_1 = open_registry(url, "office-a");
    auto hub_2 = open_registry(url, "office-a");
    const std::string old_token = enrolled(*hub_1, "kiosk-1");
    CHECK(admission(*hub_1, old_token).device.has_value());
    REQUIRE(hub_1->revoke("kiosk-1", t0 + 100));
    CHECK_FALSE(admission(*hub_1, old_token).device.has_value());
    REQUIRE(hub_1->refusal_of("kiosk-1").has_value());

    const std::string new_token = enrolled(*hub_2, "kiosk-1", Role::kiosk, t0 + 200);  // at the other hub
    const Admission in = admission(*hub_1, new_token);
    REQUIRE(in.device.has_value());
    CHECK(in.device->device_id == "kiosk-1");
    CHECK_FALSE(hub_1->refusal_of("kiosk-1").has_value());
    const Admission old = admission(*hub_1, old_token);
    CHECK_FALSE(old.device.has_value());
    CHECK(old.refusal == unknown_refusal);
    const DeviceHealth row = health_of(*hub_1, "kiosk-1");
    CHECK_FALSE(row.revoked_ms.has_value());
    CHECK(row.enrolled_ms == t0 + 200);
}

TEST_CASE("a device's health is written at most once a minute and read back through devices()") {
    test::PgServer server;
    const std::string url = server.new_database("office");
    auto hub_1 = open_registry(url, "office-a");
    auto reader = open_registry(url, "office-a");  // sees only what reached the database
    const std::string token = enrolled(*hub_1, "kiosk-1");
    REQUIRE(admission(*hub_1, token).device.has_value());

    Contact first{t0 + 1000, 40, {}};
    first.report.outbox_depth = 3;
    first.report.program_version = "1.4.2";
    first.report.printer = "ok";
    hub_1->note_contact("kiosk-1", first);
    DeviceHealth saved = health_of(*reader, "kiosk-1");
    CHECK(saved.last_seen_ms == t0 + 1000);
    CHECK(saved.clock_offset_ms == 40);
    CHECK(saved.report.outbox_depth == 3);
    CHECK(saved.report.program_version == "1.4.2");
    CHECK(saved.report.printer == "ok");
    CHECK(saved.outbox_stuck_since_ms == t0 + 1000);
    CHECK_FALSE(saved.report.uptime_s.has_value());

    Contact soon{t0 + 11'000, std::nullopt, {}};
    soon.report.outbox_depth = 5;
    soon.report.uptime_s = 600;
    hub_1->note_contact("kiosk-1", soon);
    const DeviceHealth here = health_of(*hub_1, "kiosk-1");  // this hub knows it at once
    CHECK(here.last_seen_ms == t0 + 11'000);
    CHECK(here.report.outbox_depth == 5);
    CHECK(here.report.uptime_s == 600);
    CHECK(here.clock_offset_ms == 40);
    saved = health_of(*reader, "kiosk-1");  // not written within the minute
    CHECK(saved.last_seen_ms == t0 + 1000);
    CHECK(saved.report.outbox_depth == 3);

    Contact later{t0 + 62'000, std::nullopt, {}};
    later.report.outbox_depth = 2;
    hub_1->note_contact("kiosk-1", later);
    saved = health_of(*reader, "kiosk-1");
    CHECK(saved.last_seen_ms == t0 + 62'000);
    CHECK(saved.report.outbox_depth == 2);
    CHECK(saved.outbox_stuck_since_ms == t0 + 62'000);  // it went down: stuck from then at most
    CHECK(saved.report.uptime_s == 600);                // said in between, written with it
    CHECK(saved.report.program_version == "1.4.2");     // not said again, kept

    // A hub that heard the device earlier never writes over newer health.
    reader->note_contact("kiosk-1", Contact{t0 + 30'000, 99, {}});
    auto fresh = open_registry(url, "office-a");
    const DeviceHealth kept = health_of(*fresh, "kiosk-1");
    CHECK(kept.last_seen_ms == t0 + 62'000);
    CHECK(kept.clock_offset_ms == 40);
    CHECK(health_of(*reader, "kiosk-1").last_seen_ms == t0 + 62'000);  // newer in the database than in its memory
}

TEST_CASE("the database stopped is an error in time, and the registry carries on once it is back") {
    test::PgServer server;
    const std::string url = server.new_database("office");
    auto registry = open_registry(url, "office-a");
    const std::string token = enrolled(*registry, "kiosk-1");
    REQUIRE(admission(*registry, token).device.has_value());
    REQUIRE(admission(*registry, "bad-token").refusal == unknown_refusal);

    server.stop();
    const auto began = std::chrono::steady_clock::now();
    const auto io_error = [&](const StoreError& e) {
        CHECK(e.kind == StoreErrorKind::io);
        CHECK(e.message_key == "error.go_to_reception");
        CHECK(e.detail.find("127.0.0.1:" + std::to_string(server.port())) != std::string::npos);
    };
    for (int i = 0; i < 2; ++i) {  // first the lost connection, then a new one refused
        CAPTURE(i);
        auto checked = registry->authenticate(token);
        REQUIRE_FALSE(checked);
        io_error(checked.error());
        auto list = registry->devices();
        REQUIRE_FALSE(list);
        io_error(list.error());
        auto code = registry->create_enrol_code(Role::kiosk, t0, an_hour);
        REQUIRE_FALSE(code);
        io_error(code.error());
    }
    auto role = registry->role_of_code("abcdefghjkmn", t0);
    REQUIRE_FALSE(role);
    io_error(role.error());
    auto enrolment = registry->enrol("abcdefghjkmn", "kiosk-2", t0);
    REQUIRE_FALSE(enrolment);
    io_error(enrolment.error());
    auto revoked = registry->revoke("kiosk-1", t0);
    REQUIRE_FALSE(revoked);
    io_error(revoked.error());
    registry->note_contact("kiosk-1", Contact{t0 + 1000, 5, {}});  // no wait, no crash
    // A token already known to be bad is answered from memory.
    const auto bad = registry->authenticate("bad-token");
    REQUIRE(bad);
    CHECK(bad->refusal == unknown_refusal);
    const auto waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count();
    CHECK(waited < 5000);
    auto unreachable = ReadyOffice::prepare(url, "office-a", wall_clock_ms());
    REQUIRE_FALSE(unreachable);
    io_error(unreachable.error());

    server.start();
    const Admission back = admission(*registry, token);
    REQUIRE(back.device.has_value());
    CHECK(back.device->device_id == "kiosk-1");
    CHECK(enrolled(*registry, "kiosk-2").size() == 64);
    CHECK(ids_of(listed(*registry)) == std::vector<std::string>{"kiosk-1", "kiosk-2"});
    auto revoked_again = registry->revoke("kiosk-1", t0 + 5);
    REQUIRE(revoked_again);
    CHECK(*revoked_again);
    CHECK_FALSE(admission(*registry, token).device.has_value());
}
