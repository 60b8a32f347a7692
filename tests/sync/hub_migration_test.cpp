// A hub.db written before revocation (schema 1) or before health reports (schema 2) opens
// with this hub: it is migrated in place, keeps its devices, tokens, log and rejections, its
// devices can be revoked and their health is kept. A file from a newer hub is refused and
// left as it was.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "domain/office_time.hpp"
#include "hub/hub_store.hpp"
#include "support/hub_process.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

// What the hub made before schema 2 (as in git history of sync/hub/hub_store.cpp).
constexpr const char* schema_1 = R"sql(
PRAGMA application_id = 1397445192;
PRAGMA journal_mode = WAL;
CREATE TABLE devices (device_id TEXT PRIMARY KEY, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
  enrolled_ms INTEGER NOT NULL, last_seen_ms INTEGER, clock_offset_ms INTEGER, outbox_depth INTEGER);
CREATE TABLE enrol_codes (code_hash TEXT PRIMARY KEY, role TEXT NOT NULL, created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL, used_ms INTEGER, used_by TEXT);
CREATE TABLE events (hub_seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
  device_id TEXT NOT NULL, device_seq INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL,
  body_hash TEXT NOT NULL, received_ms INTEGER NOT NULL, device_clock_offset_ms INTEGER,
  personal_removed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX events_personal ON events (received_ms) WHERE personal_removed = 0;
CREATE TABLE rejections (event_id TEXT PRIMARY KEY, body_hash TEXT NOT NULL, code TEXT NOT NULL,
  message TEXT NOT NULL, rejected_ms INTEGER NOT NULL);
)sql";

void exec(sqlite3* db, const std::string& sql) {
    char* error = nullptr;
    const int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    REQUIRE_MESSAGE(code == SQLITE_OK, message);
}

// A hub.db of schema `version` with kiosk-a (token "kiosk-a-token") and its ticket 1 stored.
void write_old_hub(const std::filesystem::path& file, int version) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    exec(db, schema_1);
    exec(db, "PRAGMA user_version = " + std::to_string(version));
    const std::int64_t now = wall_clock_ms();
    exec(db, "INSERT INTO devices VALUES ('kiosk-a', 'kiosk', '" + hub::hash_hex("kiosk-a-token") + "', " +
                 std::to_string(now) + ", NULL, NULL, NULL)");
    const std::string body = issued_event("kiosk-a", 1, now).dump();
    sqlite3_stmt* insert = nullptr;
    REQUIRE(sqlite3_prepare_v2(db,
                               "INSERT INTO events (event_id, device_id, device_seq, type, body, body_hash, received_ms)"
                               " VALUES ('kiosk-a:1', 'kiosk-a', 1, 'ticket.issued', ?1, ?2, ?3)",
                               -1, &insert, nullptr) == SQLITE_OK);
    const std::string hash = hub::hash_hex(body);
    sqlite3_bind_text(insert, 1, body.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 2, hash.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert, 3, now);
    CHECK(sqlite3_step(insert) == SQLITE_DONE);
    sqlite3_finalize(insert);
    sqlite3_close(db);
}

std::string contents(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

TEST_CASE("a schema 1 hub.db is migrated on open and keeps its devices, tokens and log; its devices can be revoked") {
    TempDir dir;
    const auto file = dir / "hub" / "hub.db";
    std::filesystem::create_directories(file.parent_path());
    write_old_hub(file, 1);
    {
        auto store = hub::HubStore::open(file);
        REQUIRE(store.ok());
        CHECK(query_int(file, "PRAGMA user_version") == hub::hub_schema_version);
        auto admitted = (*store)->authenticate("kiosk-a-token");
        REQUIRE(admitted.ok());
        REQUIRE(admitted->device);
        CHECK(admitted->device->device_id == "kiosk-a");
        CHECK((*store)->last_seq() == 1);
        REQUIRE((*store)->queue_state().find("kiosk-a:1") != nullptr);
        auto devices = (*store)->devices();
        REQUIRE(devices.ok());
        REQUIRE(devices->size() == 1);
        CHECK_FALSE(devices->front().revoked_ms);
    }
    // The command line works on the migrated file: it lists and revokes.
    const auto listing = run_hub_command("devices", file.parent_path());
    CHECK(listing.status == 0);
    CHECK(listing.output.find("\nkiosk-a  kiosk  ") != std::string::npos);
    CHECK(run_hub_command("device-revoke kiosk-a", file.parent_path()).status == 0);
    auto store = hub::HubStore::open(file);
    REQUIRE(store.ok());
    auto refused = (*store)->authenticate("kiosk-a-token");
    REQUIRE(refused.ok());
    CHECK_FALSE(refused->device);
    CHECK(refused->refusal.find("revoked") != std::string::npos);
    CHECK(query_int(file, "SELECT count(*) FROM devices WHERE revoked_ms IS NOT NULL") == 1);
}

TEST_CASE("a hub.db from a newer hub is refused at every opening and left as it was") {
    TempDir dir;
    const auto file = dir / "hub" / "hub.db";
    std::filesystem::create_directories(file.parent_path());
    write_old_hub(file, hub::hub_schema_version + 1);
    const std::string before = contents(file);
    auto store = hub::HubStore::open(file);
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().kind == StoreErrorKind::too_new);
    for (const char* command : {"devices", "device-revoke kiosk-a"}) {
        CAPTURE(command);
        const auto run = run_hub_command(command, file.parent_path());
        CHECK(run.status == 1);
        CHECK(run.output.find("newer than this program") != std::string::npos);
    }
    CHECK(contents(file) == before);
}

TEST_CASE("a schema 2 hub.db gains the health columns: its devices stay, and their reports are kept from then on") {
    TempDir dir;
    const auto file = dir / "hub" / "hub.db";
    std::filesystem::create_directories(file.parent_path());
    write_old_hub(file, 1);
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
        exec(db, "ALTER TABLE devices ADD COLUMN revoked_ms INTEGER; PRAGMA user_version = 2");
        sqlite3_close(db);
    }
    const std::int64_t now = wall_clock_ms();
    {
        auto store = hub::HubStore::open(file);
        REQUIRE(store.ok());
        CHECK(query_int(file, "PRAGMA user_version") == 3);
        auto admitted = (*store)->authenticate("kiosk-a-token");
        REQUIRE(admitted.ok());
        REQUIRE(admitted->device);
        hub::Contact contact{now, std::nullopt, {}};
        contact.report.program_version = "0.1.0";
        contact.report.outbox_depth = 2;
        contact.report.dead_letters = 1;
        contact.report.printer = "ok";
        (*store)->note_contact("kiosk-a", contact);
    }
    auto store = hub::HubStore::open(file);
    REQUIRE(store.ok());
    auto devices = (*store)->devices();
    REQUIRE(devices.ok());
    REQUIRE(devices->size() == 1);
    const hub::DeviceHealth& kiosk = devices->front();
    CHECK(kiosk.last_seen_ms == now);
    CHECK(kiosk.report.program_version == "0.1.0");
    CHECK(kiosk.report.outbox_depth == 2);
    CHECK(kiosk.report.dead_letters == 1);
    CHECK(kiosk.report.printer == "ok");
    CHECK(kiosk.outbox_stuck_since_ms == now);
    CHECK_FALSE(kiosk.report.disk_free_bytes);
    const auto listing = run_hub_command("devices", file.parent_path());
    CHECK(listing.status == 0);
    CHECK(listing.output.find("\nkiosk-a  kiosk  0.1.0 ") != std::string::npos);
}
