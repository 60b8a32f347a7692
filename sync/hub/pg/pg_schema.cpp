#include "hub/pg/pg_schema.hpp"

#include <string_view>

namespace skranke::hub::pg {

namespace {

// Steps only ever get appended: each brings a database of the version before it to to_version.
struct Step {
    int to_version;
    const char* sql;
};
constexpr Step steps[] = {
    {1, R"sql(
CREATE TABLE offices (
  office_id TEXT PRIMARY KEY,
  last_seq BIGINT NOT NULL DEFAULT 0,
  created_ms BIGINT NOT NULL
);
CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  enrolled_ms BIGINT NOT NULL,
  last_seen_ms BIGINT,
  clock_offset_ms BIGINT,
  outbox_depth BIGINT,
  revoked_ms BIGINT,
  program_version TEXT,
  uptime_s BIGINT,
  last_sync_ms BIGINT,
  dead_letters BIGINT,
  disk_free_bytes BIGINT,
  printer TEXT,
  outbox_stuck_since_ms BIGINT
);
CREATE INDEX devices_office ON devices (office_id);
CREATE TABLE enrol_codes (
  code_hash TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices,
  role TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  used_ms BIGINT,
  used_by TEXT
);
CREATE TABLE events (
  office_id TEXT NOT NULL REFERENCES offices,
  hub_seq BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  device_seq BIGINT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  received_ms BIGINT NOT NULL,
  device_clock_offset_ms BIGINT,
  personal_removed BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (office_id, hub_seq),
  UNIQUE (office_id, event_id)
);
CREATE INDEX events_personal ON events (office_id, received_ms) WHERE NOT personal_removed;
CREATE TABLE rejections (
  office_id TEXT NOT NULL REFERENCES offices,
  event_id TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  rejected_ms BIGINT NOT NULL,
  PRIMARY KEY (office_id, event_id)
);
CREATE TABLE staff (
  office_id TEXT NOT NULL REFERENCES offices,
  staff_id TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  pin_hash TEXT NOT NULL,
  added_ms BIGINT NOT NULL,
  PRIMARY KEY (office_id, staff_id)
);
CREATE TABLE staff_sessions (
  token_hash TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices,
  staff_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  counter TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL
);
)sql"},
    // Bumped by every enrolment and revocation, so that a hub may answer token checks from
    // memory while it is unchanged (pg::PgDeviceRegistry).
    {2, R"sql(
ALTER TABLE offices ADD COLUMN devices_version BIGINT NOT NULL DEFAULT 0;
)sql"},
};

// The advisory lock every hub takes to migrate: any constant of its own ("skra" in ASCII).
constexpr const char* migrate_lock = "SELECT pg_advisory_xact_lock(1936421473)";

}  // namespace

PgResult<int> schema_version(Connection& db) {
    auto table = db.run("SELECT to_regclass('skranke_schema') IS NOT NULL");
    if (!table) return table.error();
    if (table->text(0, 0) != "t") return 0;
    auto version = db.run("SELECT version FROM skranke_schema");
    if (!version) return version.error();
    return version->count() == 0 ? 0 : static_cast<int>(version->int64(0, 0));
}

PgResult<int> migrate(Connection& db) {
    auto transaction = Transaction::begin(db);
    if (!transaction) return transaction.error();
    if (auto locked = db.run(migrate_lock); !locked) return locked.error();
    if (auto made = db.exec("CREATE TABLE IF NOT EXISTS skranke_schema"
                            " (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
        !made)
        return made.error();
    auto found = schema_version(db);
    if (!found) return found.error();
    const int version = *found;
    if (version > pg_schema_version)
        return PgError{{},
                       "the office database at " + db.where() + " has Skranke's schema version " +
                           std::to_string(version) + ", newer than this skranke-hub knows (" +
                           std::to_string(pg_schema_version) + "): upgrade skranke-hub on this host first"};
    for (const Step& step : steps) {
        if (step.to_version <= version) continue;
        if (auto applied = db.exec(step.sql); !applied) {
            PgError e = applied.error();
            e.detail = "schema step " + std::to_string(step.to_version) + ": " + e.detail;
            return e;
        }
    }
    if (version < pg_schema_version) {
        auto saved = db.run(
            "INSERT INTO skranke_schema (id, version) VALUES (1, $1)"
            " ON CONFLICT (id) DO UPDATE SET version = $1",
            {std::to_string(pg_schema_version)});
        if (!saved) return saved.error();
    }
    if (auto committed = transaction->commit(); !committed) return committed.error();
    return pg_schema_version;
}

}  // namespace skranke::hub::pg
