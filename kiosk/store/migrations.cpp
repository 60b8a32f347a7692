#include "store/migrations.hpp"

#include <string>

#include "store/sqlite_util.hpp"

namespace skranke {

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> steps = {
        {1, R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE day_counters (
  service_day TEXT NOT NULL,
  letter TEXT NOT NULL,
  last_sequence INTEGER NOT NULL,
  PRIMARY KEY (service_day, letter)
);
CREATE TABLE tickets (
  event_id TEXT PRIMARY KEY,
  service_day TEXT NOT NULL,
  letter TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  need_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  urgent INTEGER NOT NULL,
  children_affected INTEGER NOT NULL,
  language TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  state TEXT NOT NULL,
  device_id TEXT NOT NULL,
  device_seq INTEGER NOT NULL,
  UNIQUE (service_day, letter, sequence)
);
CREATE TABLE outbox (
  device_seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  acked_ms INTEGER
);
)sql"},
        // v2: interpreter, accessibility and appointment fields asked for by reception.
        {2, R"sql(
ALTER TABLE tickets ADD COLUMN interpreter_wanted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN interpreter_language TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN wheelchair INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN hearing INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN sight INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN appointment_ms INTEGER;
ALTER TABLE tickets ADD COLUMN appointment_reference TEXT NOT NULL DEFAULT '';
)sql"},
        // v3: what the sync engine keeps: rejected events and its own state.
        {3, R"sql(
CREATE TABLE dead_letters (
  event_id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  failed_ms INTEGER NOT NULL
);
CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX outbox_pending ON outbox (device_seq) WHERE acked_ms IS NULL;
)sql"},
        // v4: the hub's merged log as this device has received it (see sync/PROTOCOL.md).
        {4, R"sql(
CREATE TABLE merged_log (
  hub_seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  device_clock_offset_ms INTEGER
);
)sql"},
        // v5: the numbering mark (domain/numbering.hpp): the day and clocks of the last
        // numbered ticket, so numbers are safe across clock steps and reboots; the outbox
        // rows' monotonic clock stamps.
        {5, R"sql(
CREATE TABLE numbering_mark (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  day TEXT NOT NULL,
  reference_ms INTEGER NOT NULL,
  confirmed INTEGER NOT NULL,
  boot_ms INTEGER NOT NULL,
  boot_id TEXT NOT NULL
);
-- The monotonic clock beside the wall clock of each outbox row: a clock step between an
-- event and its push is seen and corrected at push time (sync/PROTOCOL.md section 7).
ALTER TABLE outbox ADD COLUMN boot_ms INTEGER;
ALTER TABLE outbox ADD COLUMN boot_id TEXT;
-- A store numbered before: its last day, so numbers never go back to an earlier one.
INSERT INTO numbering_mark (id, day, reference_ms, confirmed, boot_ms, boot_id)
  SELECT 1, max(service_day), max(created_ms), 0, 0, '' FROM tickets HAVING count(*) > 0;
)sql"},
        // v6: the office's configuration as the hub last served it (store/office_cache.hpp).
        {6, R"sql(
CREATE TABLE office_config (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version TEXT NOT NULL,
  services_toml TEXT NOT NULL,
  office_toml TEXT NOT NULL,
  received_ms INTEGER NOT NULL
);
)sql"},
        // v7: the key of each ticket's status page (the QR on the paper ticket); '' before.
        {7, R"sql(
ALTER TABLE tickets ADD COLUMN status_token TEXT NOT NULL DEFAULT '';
)sql"},
        // v8: the visitor's wish for an SMS, and waiting outside for it.
        {8, R"sql(
ALTER TABLE tickets ADD COLUMN sms_wanted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN waits_outside INTEGER NOT NULL DEFAULT 0;
)sql"},
        // v9: each issued event's text as the outbox keeps it once the hub has it (name, phone
        // and description emptied), written when the ticket is issued, so the acknowledgement
        // swaps texts instead of rewriting JSON. Rows from before have none: rewritten as before.
        {9, R"sql(
ALTER TABLE outbox ADD COLUMN acked_body TEXT;
)sql"},
    };
    return steps;
}

StoreResult<int> migrate(sqlite3* db, int target_version) {
    sql::WriteTransaction tx(db);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db, tx.begin_code(), "begin migration");

    sql::Statement version_query(db, "PRAGMA user_version");
    if (!version_query.valid()) return sql::error_from(db, version_query.prepare_code(), "read schema version");
    const int step_code = version_query.step();
    if (step_code != SQLITE_ROW) return sql::error_from(db, step_code, "read schema version");
    const int version = static_cast<int>(version_query.int64(0));
    version_query.reset();

    if (version > current_schema_version) {
        StoreError error{StoreErrorKind::too_new, "error.go_to_reception",
                         "store schema version " + std::to_string(version) + " is newer than this program's " +
                             std::to_string(current_schema_version),
                         {}};
        return error;
    }
    if (version >= target_version) return version;

    for (const Migration& step : migrations()) {
        if (step.to_version <= version || step.to_version > target_version) continue;
        if (int code = sql::exec(db, step.sql); code != SQLITE_OK)
            return sql::error_from(db, code, "migrate to schema " + std::to_string(step.to_version));
    }
    const std::string set_version = "PRAGMA user_version = " + std::to_string(target_version);
    if (int code = sql::exec(db, set_version); code != SQLITE_OK)
        return sql::error_from(db, code, "set schema version");
    if (int code = tx.commit(); code != SQLITE_OK) return sql::error_from(db, code, "commit migration");
    return target_version;
}

}  // namespace skranke
