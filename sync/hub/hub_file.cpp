#include "hub/hub_file.hpp"

#include <sodium.h>

#include "store/sqlite_util.hpp"

namespace skranke::hub {

namespace {

// A new file gets this whole; an older one gets the steps below.
constexpr std::string_view hub_schema = R"sql(
CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  enrolled_ms INTEGER NOT NULL,
  last_seen_ms INTEGER,
  clock_offset_ms INTEGER,
  outbox_depth INTEGER,
  revoked_ms INTEGER,
  program_version TEXT,
  uptime_s INTEGER,
  last_sync_ms INTEGER,
  dead_letters INTEGER,
  disk_free_bytes INTEGER,
  printer TEXT,
  outbox_stuck_since_ms INTEGER
);
CREATE TABLE enrol_codes (
  code_hash TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  used_ms INTEGER,
  used_by TEXT
);
CREATE TABLE events (
  hub_seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  device_id TEXT NOT NULL,
  device_seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  device_clock_offset_ms INTEGER,
  personal_removed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_personal ON events (received_ms) WHERE personal_removed = 0;
CREATE TABLE rejections (
  event_id TEXT PRIMARY KEY,
  body_hash TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  rejected_ms INTEGER NOT NULL
);
)sql";

// Steps only ever get appended: each brings a file of the version before it to to_version.
struct Step {
    int to_version;
    std::string_view sql;
};
constexpr Step steps[] = {
    {2, "ALTER TABLE devices ADD COLUMN revoked_ms INTEGER;"},
    {3, "ALTER TABLE devices ADD COLUMN program_version TEXT;"
        "ALTER TABLE devices ADD COLUMN uptime_s INTEGER;"
        "ALTER TABLE devices ADD COLUMN last_sync_ms INTEGER;"
        "ALTER TABLE devices ADD COLUMN dead_letters INTEGER;"
        "ALTER TABLE devices ADD COLUMN disk_free_bytes INTEGER;"
        "ALTER TABLE devices ADD COLUMN printer TEXT;"
        "ALTER TABLE devices ADD COLUMN outbox_stuck_since_ms INTEGER;"},
};

StoreResult<std::int64_t> schema_version(sqlite3* db) {
    sql::Statement version(db, "PRAGMA user_version");
    if (!version.valid()) return sql::error_from(db, version.prepare_code(), "read hub schema version");
    if (int code = version.step(); code != SQLITE_ROW) return sql::error_from(db, code, "read hub schema version");
    const std::int64_t current = version.int64(0);
    if (current > hub_schema_version)
        return StoreError{StoreErrorKind::too_new, "error.hub",
                          "hub store schema " + std::to_string(current) + " is newer than this program", {}};
    return current;
}

StoreResult<Done> set_schema_version(sqlite3* db) {
    const std::string version = "PRAGMA user_version = " + std::to_string(hub_schema_version);
    if (int code = sql::exec(db, version); code != SQLITE_OK) return sql::error_from(db, code, "set hub schema version");
    return Done{};
}

// Brings an older file up to date in one transaction (a second hub or command starting at
// the same time finds it done); a current file is only read.
StoreResult<Done> migrate(sqlite3* db) {
    auto before = schema_version(db);
    if (!before) return before.error();
    if (*before == hub_schema_version) return Done{};
    sql::WriteTransaction tx(db);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db, tx.begin_code(), "begin hub migration");
    auto version = schema_version(db);
    if (!version) return version.error();
    for (const Step& step : steps) {
        if (step.to_version <= *version) continue;
        if (int code = sql::exec(db, step.sql); code != SQLITE_OK)
            return sql::error_from(db, code, "migrate hub store to schema " + std::to_string(step.to_version));
    }
    if (auto set = set_schema_version(db); !set) return set.error();
    if (int code = tx.commit(); code != SQLITE_OK) return sql::error_from(db, code, "commit hub migration");
    return Done{};
}

StoreFileSpec spec_of(const std::filesystem::path& file, const std::string& vfs_name) {
    StoreFileSpec spec;
    spec.path = file;
    spec.kind = &hub_log_kind();
    spec.vfs_name = vfs_name;
    return spec;
}

}  // namespace

StoreResult<Connection> open_hub_file(const std::filesystem::path& file, const std::string& vfs_name) {
    if (sodium_init() < 0) return StoreError{StoreErrorKind::internal, "error.hub", "libsodium failed to initialise", {}};
    StoreFileSpec spec = spec_of(file, vfs_name);
    spec.build = [](sqlite3* db) -> StoreResult<Done> {
        if (int code = sql::exec(db, hub_schema); code != SQLITE_OK) return sql::error_from(db, code, "create hub schema");
        return set_schema_version(db);
    };
    auto db = open_store_file(spec);
    if (!db) return db.error();
    if (auto migrated = migrate(db->get()); !migrated) return migrated.error();
    return db;
}

StoreResult<Connection> open_hub_reader(const std::filesystem::path& file, const std::string& vfs_name) {
    StoreFileSpec spec = spec_of(file, vfs_name);
    spec.create_if_missing = false;
    auto db = open_store_file(spec);
    if (!db) return db.error();
    if (int code = sql::exec(db->get(), "PRAGMA query_only = 1"); code != SQLITE_OK)
        return sql::error_from(db->get(), code, "open a hub reader");
    return db;
}

std::string random_token() {
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char hex[sizeof bytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    return hex;
}

std::string hash_hex(std::string_view text) {
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       nullptr, 0);
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

}  // namespace skranke::hub
