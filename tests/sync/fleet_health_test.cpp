// Fleet health: what every device reports on its requests reaches GET /v1/devices from a real
// sync engine; bad values are refused with a 400 that names the header; a reception device
// reads only who is silent; and skranke-hub devices (the real binary) prints the fleet as a
// table, flagging SILENT and NOT DRAINING devices by the rules of hub/fleet_health.hpp.
// Past contacts are written through the store's own API with the times they would have had.
#include <doctest/doctest.h>

#include <sys/statvfs.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>

#include "client/sync_engine.hpp"
#include "domain/office_time.hpp"
#include "hub/fleet_health.hpp"
#include "hub/hub_store.hpp"
#include "hub/request_values.hpp"
#include "store/sync_store.hpp"
#include "support/hub_fixture.hpp"
#include "support/hub_process.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using nlohmann::json;
using protocol::Role;

namespace {

constexpr std::int64_t minute_ms = 60000;

// GET /v1/devices as this token reads it, by device id.
std::map<std::string, json> fleet(const HubFixture& hub, const std::string& token, const std::string& query = "") {
    const auto reply = hub.call("GET", "/v1/devices" + query, token);
    REQUIRE(reply.status == 200);
    const json body = json::parse(reply.body);
    std::map<std::string, json> devices;
    for (const auto& d : body.at("devices")) devices[d.at("device_id").get<std::string>()] = d;
    return devices;
}

// What a device said at hub time at_ms: its outbox, and how long ago it last synced.
hub::Contact report_at(std::int64_t at_ms, std::int64_t outbox, std::optional<std::int64_t> synced_ago_ms = 0) {
    hub::Contact contact{at_ms, std::nullopt, {}};
    contact.report.outbox_depth = outbox;
    if (synced_ago_ms) contact.report.last_sync_ms = at_ms - *synced_ago_ms;
    return contact;
}

void enrol(hub::HubStore& store, Role role, const std::string& device_id, std::int64_t at_ms) {
    auto code = store.create_enrol_code(role, at_ms, minute_ms);
    REQUIRE(code.ok());
    auto enrolled = store.enrol(*code, device_id, at_ms);
    REQUIRE(enrolled.ok());
    REQUIRE(*enrolled);
}

// The table's row of one device (its first cell is the id), "" when it is not there.
std::string row_of(const std::string& table, const std::string& device_id) {
    std::istringstream lines(table);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(device_id + " ", 0) == 0) return line;
    return "";
}

}  // namespace

TEST_CASE("a real sync engine's health report reaches GET /v1/devices with the right values") {
    HubFixture hub;
    const auto admin = hub.enrol(Role::admin, "it-health");
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-health");
    const auto desk = hub.enrol(Role::reception, "desk-health");
    const auto kiosk_file = kiosk_options(hub.dir() / "kiosk.db", kiosk.device_id, 'K');
    const auto desk_file = kiosk_options(hub.dir() / "desk.db", desk.device_id, 'R');
    auto kiosk_store = Store::open(kiosk_file);
    auto desk_store = Store::open(desk_file);
    REQUIRE(kiosk_store.ok());
    REQUIRE(desk_store.ok());
    auto ticket = (*kiosk_store)->issue_ticket(plain_request(), shipped_catalogue(), wall_clock_ms());
    REQUIRE(ticket.ok());

    const auto started = std::chrono::steady_clock::now();
    const std::int64_t started_ms = wall_clock_ms();
    auto kiosk_settings = engine_options(hub.connection(kiosk.token));
    kiosk_settings.printer_state = [] { return std::optional<std::string>("paper_low"); };
    auto kiosk_engine = sync::SyncEngine::start(kiosk_file, kiosk_settings);
    auto desk_engine = sync::SyncEngine::start(desk_file, engine_options(hub.connection(desk.token)));
    REQUIRE(kiosk_engine.ok());
    REQUIRE(desk_engine.ok());
    // Two calls of the same ticket from the desk: the hub refuses the second (a dead letter).
    REQUIRE(wait_until([&] { return (*desk_engine)->status().cursor >= 1; }, 10s));
    SyncStore desk_sync(**desk_store);
    REQUIRE(desk_sync.record_event(TicketCalled{ticket->event_id, "2"}, wall_clock_ms(), "kari").ok());
    REQUIRE(desk_sync.record_event(TicketCalled{ticket->event_id, "3"}, wall_clock_ms(), "kari").ok());
    (*desk_engine)->notify_local_event();

    std::map<std::string, json> devices;
    REQUIRE(wait_until(
        [&] {
            devices = fleet(hub, admin.token);
            const json k = devices[kiosk.device_id], d = devices[desk.device_id];
            const auto field = [](const json& device, const char* key) {
                return device.is_object() && device.contains(key) ? device.at(key) : json();
            };
            return field(k, "outbox_depth") == 0 && field(k, "last_sync_ms").is_number() &&
                   field(d, "dead_letters") == 1 && field(d, "outbox_depth") == 0;
        },
        10s, 50ms));
    const std::int64_t now_ms = wall_clock_ms();
    const std::int64_t up_to_s =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
    struct statvfs fs {};
    REQUIRE(statvfs(hub.dir().c_str(), &fs) == 0);
    const auto disk_size = static_cast<std::int64_t>(fs.f_blocks) * static_cast<std::int64_t>(fs.f_frsize);
    for (const auto& id : {kiosk.device_id, desk.device_id}) {
        CAPTURE(id);
        const json& d = devices[id];
        CHECK(d["program_version"] == std::string(sync::program_version()));
        CHECK(d["program_version"] != "");
        CHECK(d["uptime_s"].get<std::int64_t>() >= 0);
        CHECK(d["uptime_s"].get<std::int64_t>() <= up_to_s);
        CHECK(d["last_sync_ms"].get<std::int64_t>() >= started_ms - 1000);  // the age is sent in whole seconds
        CHECK(d["last_sync_ms"].get<std::int64_t>() <= now_ms);
        CHECK(d["disk_free_bytes"].get<std::int64_t>() > 0);
        CHECK(d["disk_free_bytes"].get<std::int64_t>() <= disk_size);
        CHECK(d["silent"] == false);
        CHECK(d["not_draining"] == false);
    }
    CHECK(devices[kiosk.device_id]["dead_letters"] == 0);
    CHECK(devices[kiosk.device_id]["printer"] == "paper_low");
    CHECK(devices[desk.device_id]["printer"].is_null());  // a device without a printer says nothing
}

TEST_CASE("a bad health header value is refused with 400 naming the header, on pushes and long-polls alike") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-values");
    const auto admin = hub.enrol(Role::admin, "it-values");
    const auto names_it = [](const sync::HttpReply& reply, const std::string& name) {
        return reply.status == 400 && reply.error_code() == "bad_request" && reply.body.find(name) != std::string::npos;
    };
    const std::vector<std::pair<std::string, std::vector<std::string>>> bad = {
        {protocol::uptime_header, {"-1", "+5", "1.5", "9223372036854775808", "abc"}},
        {protocol::sync_age_header, {"-1", "0x10", "99999999999999999999"}},
        {protocol::dead_letters_header, {"-3", "3 3", "١٢"}},
        {protocol::disk_free_header, {"18446744073709551615", "1e9"}},
        {protocol::program_version_header, {"0.1.0 beta", "0.1/0", std::string(65, '1'), "versjon-æ"}},
        {protocol::printer_header, {"OK", "jammed", "paper low", "ok,offline"}},
    };
    for (const auto& [name, values] : bad) {
        for (const std::string& value : values) {
            CAPTURE(name);
            CAPTURE(value);
            const std::string header = name + ": " + value;
            CHECK(names_it(hub.call("POST", "/v1/events", kiosk.token,
                                    batch({issued_event(kiosk.device_id, 1, wall_clock_ms())}), {header}),
                           name));
            CHECK(names_it(hub.call("GET", "/v1/events?after=0&wait_ms=0", kiosk.token, "", {header}), name));
        }
    }
    CHECK(hub.event_count() == 0);
    // At their edges they are taken; an age longer than the hub's clock reaches back is 1970.
    const std::vector<std::string> edges = {
        std::string(protocol::uptime_header) + ": 9223372036854775807",
        std::string(protocol::sync_age_header) + ": 9223372036854775807",
        std::string(protocol::dead_letters_header) + ": 0",
        std::string(protocol::disk_free_header) + ": 9223372036854775807",
        std::string(protocol::program_version_header) + ": 1:0.1.0+deb12u1~rc.1_x",
        std::string(protocol::printer_header) + ": cover_open",
    };
    REQUIRE(hub.call("GET", "/v1/events?after=0&wait_ms=0", kiosk.token, "", edges).status == 200);
    const json k = fleet(hub, admin.token)[kiosk.device_id];
    CHECK(k["uptime_s"] == INT64_MAX);
    CHECK(k["last_sync_ms"] == 0);
    CHECK(k["disk_free_bytes"] == INT64_MAX);
    CHECK(k["program_version"] == "1:0.1.0+deb12u1~rc.1_x");
    CHECK(k["printer"] == "cover_open");
    // Each printer state is one the hub keeps.
    for (const std::string_view state : hub::printer_states) {
        REQUIRE(hub.call("GET", "/v1/events?after=0&wait_ms=0", kiosk.token, "",
                         {std::string(protocol::printer_header) + ": " + std::string(state)})
                    .status == 200);
        CHECK(fleet(hub, admin.token)[kiosk.device_id]["printer"] == std::string(state));
    }
    for (const char* minutes : {"0", "10081", "-1", "ten"})
        CHECK(names_it(hub.call("GET", std::string("/v1/devices?silent_minutes=") + minutes, admin.token),
                       "silent_minutes"));
}

TEST_CASE("reception reads only who is silent and whose printer needs a hand, kiosks and displays not at all, and IT sees the flags") {
    HubFixture hub;
    const auto admin = hub.enrol(Role::admin, "it-1");
    const auto desk = hub.enrol(Role::reception, "desk-1");
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto display = hub.enrol(Role::display, "display-1");
    hub.enrol(Role::kiosk, "kiosk-quiet");
    hub.enrol(Role::kiosk, "kiosk-gone");
    const std::int64_t now = wall_clock_ms();
    hub.store().note_contact("kiosk-quiet", report_at(now - 14 * minute_ms, 0));
    REQUIRE(hub.store().revoke_device("kiosk-gone", now).ok());
    // kiosk-a has held 3 events for 12 minutes and synced all the while (its pushes are refused).
    hub.store().note_contact("kiosk-a", report_at(now - 12 * minute_ms, 3));
    hub.store().note_contact("kiosk-a", report_at(now - 6 * minute_ms, 3));
    REQUIRE(hub.call("GET", "/v1/events?after=0&wait_ms=0", kiosk.token, "",
                     {std::string(protocol::outbox_depth_header) + ": 3", std::string(protocol::sync_age_header) + ": 2"})
                .status == 200);

    CHECK(hub.call("GET", "/v1/devices", kiosk.token).status == 403);
    CHECK(hub.call("GET", "/v1/devices", display.token).status == 403);
    const auto seen_by_desk = fleet(hub, desk.token);
    CHECK(seen_by_desk.count("kiosk-gone") == 0);  // revoked: not the office's any more
    for (const auto& [id, d] : seen_by_desk) {
        CAPTURE(id);
        std::set<std::string> keys;
        for (const auto& item : d.items()) keys.insert(item.key());
        CHECK(keys == std::set<std::string>{"device_id", "role", "last_seen_ms", "silent", "silent_for_ms", "printer"});
    }
    CHECK(seen_by_desk.at("kiosk-quiet")["silent"] == true);
    CHECK(seen_by_desk.at("kiosk-quiet")["silent_for_ms"].get<std::int64_t>() >= 14 * minute_ms);
    CHECK(seen_by_desk.at("kiosk-a")["silent"] == false);
    CHECK(fleet(hub, desk.token, "?silent_minutes=20").at("kiosk-quiet")["silent"] == false);

    const auto seen_by_it = fleet(hub, admin.token);
    CHECK(seen_by_it.at("kiosk-gone")["silent"] == false);
    CHECK(seen_by_it.at("kiosk-gone")["revoked_ms"].is_number());
    CHECK(seen_by_it.at("kiosk-a")["not_draining"] == true);
    CHECK(seen_by_it.at("kiosk-a")["outbox_stuck_since_ms"] == now - 12 * minute_ms);
    CHECK(seen_by_it.at("kiosk-quiet")["not_draining"] == false);
    CHECK(fleet(hub, admin.token, "?silent_minutes=13").at("kiosk-a")["not_draining"] == false);
}

TEST_CASE("the fleet's flags: silent after N minutes, not draining while in touch with a stuck or unsynced outbox") {
    const std::int64_t now = 1760000000000;
    hub::DeviceHealth d;
    d.enrolled_ms = now - 60 * minute_ms;
    CHECK(hub::fleet_flags(d, now, 10).silent);  // enrolled an hour ago and never heard from
    d.last_seen_ms = now - 10 * minute_ms;
    CHECK_FALSE(hub::fleet_flags(d, now, 10).silent);  // more than N minutes, not N
    d.last_seen_ms = now - 10 * minute_ms - 1;
    CHECK(hub::fleet_flags(d, now, 10).silent);
    CHECK(hub::fleet_flags(d, now, 10).silent_for_ms == 10 * minute_ms + 1);
    d.revoked_ms = now;
    CHECK_FALSE(hub::fleet_flags(d, now, 10).silent);
    d.revoked_ms.reset();

    d.last_seen_ms = now;
    d.report.outbox_depth = 4;
    d.outbox_stuck_since_ms = now - 11 * minute_ms;
    CHECK(hub::fleet_flags(d, now, 10).not_draining);
    CHECK_FALSE(hub::fleet_flags(d, now, 12).not_draining);
    d.outbox_stuck_since_ms = now - minute_ms;
    d.report.last_sync_ms = now - 11 * minute_ms;
    CHECK(hub::fleet_flags(d, now, 10).not_draining);
    d.report.outbox_depth = 0;
    CHECK_FALSE(hub::fleet_flags(d, now, 10).not_draining);  // nothing to drain
    d.report.outbox_depth = 4;
    d.last_seen_ms = now - 11 * minute_ms;
    CHECK_FALSE(hub::fleet_flags(d, now, 10).not_draining);  // silent says it already
    // Times from a damaged file never overflow.
    d.last_seen_ms = INT64_MIN;
    d.outbox_stuck_since_ms = INT64_MIN;
    d.report.last_sync_ms = INT64_MAX;
    CHECK(hub::fleet_flags(d, now, 10).silent);
    CHECK(hub::fleet_flags(d, INT64_MIN, hub::max_silent_minutes + 1).silent_for_ms == 0);
}

TEST_CASE("skranke-hub devices prints the fleet as a table, flags SILENT and NOT DRAINING devices, and exits 0") {
    TempDir dir;
    const auto data = dir / "hub";
    std::filesystem::create_directories(data);
    const std::int64_t now = wall_clock_ms();
    {
        auto opened = hub::HubStore::open(data / "hub.db");
        REQUIRE(opened.ok());
        hub::HubStore& store = **opened;
        for (const char* id : {"kiosk-quiet", "kiosk-stuck", "kiosk-draining", "kiosk-unsynced", "kiosk-gone"})
            enrol(store, Role::kiosk, id, now - 2 * 60 * minute_ms);
        enrol(store, Role::reception, "desk-1", now - 2 * 60 * minute_ms);
        store.note_contact("kiosk-quiet", report_at(now - 25 * minute_ms, 0));
        // Held 4, then 4, then 5 events: not lower for 15 minutes, though it synced all the while.
        auto stuck = report_at(now - 15 * minute_ms, 4);
        stuck.report.program_version = "0.1.0";
        stuck.report.uptime_s = 3 * 3600 + 5 * 60;
        stuck.report.dead_letters = 2;
        stuck.report.disk_free_bytes = 3LL * 1024 * 1024 * 1024 / 2;
        stuck.report.printer = "paper_out";
        store.note_contact("kiosk-stuck", stuck);
        store.note_contact("kiosk-stuck", report_at(now - 8 * minute_ms, 4));
        store.note_contact("kiosk-stuck", report_at(now - minute_ms / 2, 5));
        // 4, then 3: it drains, slowly.
        store.note_contact("kiosk-draining", report_at(now - 15 * minute_ms, 4));
        store.note_contact("kiosk-draining", report_at(now - 8 * minute_ms, 3));
        store.note_contact("kiosk-draining", report_at(now - minute_ms / 2, 3));
        // In touch, 2 events waiting, and no push or log read got through for 12 minutes.
        store.note_contact("kiosk-unsynced", report_at(now - minute_ms / 2, 2, 12 * minute_ms));
        store.note_contact("kiosk-gone", report_at(now - 60 * minute_ms, 0));
        REQUIRE(store.revoke_device("kiosk-gone", now - 30 * minute_ms).ok());
        store.note_contact("desk-1", report_at(now - minute_ms, 0));
    }
    const auto listing = run_hub_command("devices", data);
    CAPTURE(listing.output);
    REQUIRE(listing.status == 0);
    const std::string header = listing.output.substr(0, listing.output.find('\n'));
    for (const char* column : {"device", "role", "version", "last contact", "last sync", "outbox", "dead letters",
                               "disk free", "printer", "flags"})
        CHECK(header.find(column) != std::string::npos);
    const auto row = [&](const char* id) { return row_of(listing.output, id); };
    CHECK(row("kiosk-quiet").find("SILENT (25 min)") != std::string::npos);
    CHECK(row("kiosk-quiet").find("NOT DRAINING") == std::string::npos);
    CHECK(row("kiosk-stuck").find("NOT DRAINING") != std::string::npos);
    CHECK(row("kiosk-stuck").find("SILENT") == std::string::npos);
    for (const char* cell : {" 0.1.0 ", " 3 h 05 min ", " 5 ", " 2 ", " 1.5 GiB ", " paper_out "})
        CHECK(row("kiosk-stuck").find(cell) != std::string::npos);
    CHECK(row("kiosk-unsynced").find("NOT DRAINING") != std::string::npos);
    for (const char* calm : {"kiosk-draining", "desk-1"}) {
        CAPTURE(calm);
        REQUIRE(row(calm) != "");
        CHECK(row(calm).find("SILENT") == std::string::npos);
        CHECK(row(calm).find("NOT DRAINING") == std::string::npos);
    }
    CHECK(row("kiosk-gone").find("revoked") != std::string::npos);
    CHECK(row("kiosk-gone").find("SILENT") == std::string::npos);
    CHECK(listing.output.find("3 flagged.") != std::string::npos);

    // A longer limit: nobody has been silent or stuck for 30 minutes.
    const auto patient = run_hub_command("devices --silent-minutes 30", data);
    CAPTURE(patient.output);
    CHECK(patient.status == 0);
    CHECK(patient.output.find("SILENT (") == std::string::npos);
    CHECK(row_of(patient.output, "kiosk-stuck").find("NOT DRAINING") == std::string::npos);
    CHECK(row_of(patient.output, "kiosk-unsynced").find("NOT DRAINING") == std::string::npos);
    CHECK(patient.output.find("No device is flagged.") != std::string::npos);
    CHECK(run_hub_command("devices --silent-minutes 0", data).status != 0);
}
