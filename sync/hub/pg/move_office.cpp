#include "hub/pg/move_office.hpp"

#include <sqlite3.h>

#include <optional>
#include <vector>

#include "hub/data_lock.hpp"
#include "hub/hub_file.hpp"
#include "hub/pg/pg_connection.hpp"
#include "hub/pg/pg_office_log.hpp"
#include "hub/pg/pg_schema.hpp"
#include "store/sqlite_util.hpp"
#include "store/store_file.hpp"

namespace skranke::hub::pg {

namespace fs = std::filesystem;

namespace {

// Rows copied per INSERT: fewer round trips to the server, well under its 65535 parameters.
constexpr int rows_per_insert = 200;

// A table's rows from SQLite into PostgreSQL with office_id first, every value as its text
// (or NULL); ordered by `order`. How many rows.
Result<std::int64_t, std::string> copy_table(sqlite3* from, Connection& to, const std::string& table,
                                             const std::vector<std::string>& columns, const std::string& order,
                                             const std::string& office_id) {
    std::string list;
    for (const auto& c : columns) list += (list.empty() ? "" : ", ") + c;
    sql::Statement read(from, "SELECT " + list + " FROM " + table + " ORDER BY " + order);
    if (!read.valid()) return "cannot read " + table + " from the hub file: " + std::string(sqlite3_errmsg(from));
    const int width = static_cast<int>(columns.size()) + 1;
    std::vector<Param> values;
    std::int64_t copied = 0;
    auto flush = [&]() -> Result<Done, std::string> {
        if (values.empty()) return Done{};
        std::string statement = "INSERT INTO " + table + " (office_id, " + list + ") VALUES ";
        const int rows = static_cast<int>(values.size()) / width;
        for (int r = 0; r < rows; ++r) {
            statement += r == 0 ? "(" : ", (";
            for (int c = 0; c < width; ++c) statement += (c == 0 ? "$" : ", $") + std::to_string(r * width + c + 1);
            statement += ")";
        }
        auto inserted = to.run(statement, values);
        if (!inserted) return "cannot write " + table + ": " + inserted.error().detail;
        copied += rows;
        values.clear();
        return Done{};
    };
    int code;
    while ((code = read.step()) == SQLITE_ROW) {
        values.emplace_back(office_id);
        for (int c = 0; c < width - 1; ++c) values.push_back(read.is_null(c) ? Param() : Param(read.text(c)));
        if (static_cast<int>(values.size()) / width == rows_per_insert)
            if (auto done = flush(); !done) return done.error();
    }
    if (code != SQLITE_DONE) return "cannot read " + table + " from the hub file: " + std::string(sqlite3_errmsg(from));
    if (auto done = flush(); !done) return done.error();
    return copied;
}

}  // namespace

bool valid_office_id(const std::string& office_id) {
    if (office_id.empty() || office_id.size() > 64) return false;
    for (char c : office_id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

Result<MovedOffice, std::string> move_office(const fs::path& hub_file, const std::string& database_url,
                                             const std::string& office_id, std::int64_t now_ms) {
    if (!valid_office_id(office_id)) return "the office id '" + office_id + "' is not 1-64 of a-z, 0-9 and '-'";
    if (!fs::is_regular_file(hub_file)) return hub_file.string() + " is not a hub file (no such file)";
    const fs::path folder = hub_file.parent_path().empty() ? fs::path(".") : hub_file.parent_path();
    auto lock = DataFolderLock::take(folder);
    if (!lock) return "stop skranke-hub first: " + lock.error();
    auto hub = open_hub_file(hub_file, {});
    if (!hub) return "cannot open " + hub_file.string() + ": " + hub.error().detail;
    std::optional<skranke::Connection> staff;  // staff.db, when the hub has one
    if (fs::exists(folder / "staff.db")) {
        StoreFileSpec spec;
        spec.path = folder / "staff.db";
        spec.kind = &hub_staff_kind();
        spec.create_if_missing = false;
        auto opened = open_store_file(spec);
        if (!opened) return "cannot open " + spec.path.string() + ": " + opened.error().detail;
        staff.emplace(std::move(opened.value()));
    }

    auto db = Connection::open(database_url);
    if (!db) return db.error().detail;
    auto version = migrate(*db);
    if (!version) return version.error().detail;

    MovedOffice moved;
    moved.schema_version = *version;
    auto transaction = Transaction::begin(*db);
    if (!transaction) return transaction.error().detail;
    auto made = ensure_office(*db, office_id, now_ms);
    if (!made) return made.error().detail;
    if (!*made)
        return "the office " + office_id + " is already in the database at " + db->where() +
               ": an office is moved only once, into an id not used yet";

    // Every table of both files, as the database names its columns (office_id comes first).
    struct Table {
        sqlite3* from;
        const char* name;
        std::vector<std::string> columns;
        const char* order;
        std::int64_t* count;  // where the number of rows is reported, if it is
    };
    sqlite3* log = hub->get();
    std::vector<Table> tables = {
        {log,
         "devices",
         {"device_id", "role", "token_hash", "enrolled_ms", "last_seen_ms", "clock_offset_ms", "outbox_depth",
          "revoked_ms", "program_version", "uptime_s", "last_sync_ms", "dead_letters", "disk_free_bytes", "printer",
          "outbox_stuck_since_ms"},
         "device_id",
         &moved.devices},
        {log,
         "enrol_codes",
         {"code_hash", "role", "created_ms", "expires_ms", "used_ms", "used_by"},
         "code_hash",
         nullptr},
        {log,
         "events",
         {"hub_seq", "event_id", "device_id", "device_seq", "type", "body", "body_hash", "received_ms",
          "device_clock_offset_ms", "personal_removed"},
         "hub_seq",
         &moved.events},
        {log, "rejections", {"event_id", "body_hash", "code", "message", "rejected_ms"}, "event_id", nullptr},
    };
    if (staff) {
        tables.push_back(
            {staff->get(), "staff", {"staff_id", "name", "role", "pin_hash", "added_ms"}, "staff_id", &moved.staff});
        tables.push_back({staff->get(),
                          "staff_sessions",
                          {"token_hash", "staff_id", "device_id", "counter", "created_ms", "expires_ms"},
                          "token_hash",
                          nullptr});
    }
    for (const Table& t : tables) {
        auto copied = copy_table(t.from, *db, t.name, t.columns, t.order, office_id);
        if (!copied) return copied.error();
        if (t.count) *t.count = *copied;
    }
    // The office counts on from the file's last hub_seq (AUTOINCREMENT never reused a number,
    // so the database's next one is after it even where retention emptied the newest rows).
    sql::Statement last(log,
                        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0),"
                        " coalesce((SELECT max(hub_seq) FROM events), 0))");
    if (!last.valid() || last.step() != SQLITE_ROW) return std::string("cannot read the hub file's last hub_seq");
    moved.last_seq = last.int64(0);
    auto counted =
        db->run("UPDATE offices SET last_seq = $2 WHERE office_id = $1", {office_id, std::to_string(moved.last_seq)});
    if (!counted) return counted.error().detail;
    if (auto committed = transaction->commit(); !committed) return committed.error().detail;
    return moved;
}

}  // namespace skranke::hub::pg
