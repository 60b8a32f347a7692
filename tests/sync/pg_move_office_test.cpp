// skranke-hub migrate: an office's hub.db and staff.db moved into an office database on a real
// PostgreSQL server, everything kept, once and whole.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

#include "hub/pg/move_office.hpp"
#include "hub/pg/pg_connection.hpp"
#include "hub/pg/pg_schema.hpp"
#include "support/hub_fixture.hpp"
#include "support/hub_process.hpp"
#include "support/pg_server.hpp"
#include "support/sample_events.hpp"

using namespace skranke;
using namespace skranke::test;
using protocol::Role;

namespace {

// Every value as text (NULL as none): SQLite's integers and PostgreSQL's BIGINTs compare so.
using Table = std::vector<std::vector<std::optional<std::string>>>;

Table sqlite_rows(const std::filesystem::path& file, const std::string& query) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE_MESSAGE(sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr) == SQLITE_OK, sqlite3_errmsg(db));
    Table rows;
    while (sqlite3_step(st) == SQLITE_ROW) {
        auto& row = rows.emplace_back();
        for (int c = 0; c < sqlite3_column_count(st); ++c)
            row.push_back(sqlite3_column_type(st, c) == SQLITE_NULL
                              ? std::nullopt
                              : std::optional<std::string>(reinterpret_cast<const char*>(sqlite3_column_text(st, c))));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows;
}

Table pg_rows(const std::string& url, const std::string& query, const std::string& office) {
    auto db = hub::pg::Connection::open(url);
    REQUIRE(db);
    auto rows = db->run(query, {office});
    REQUIRE_MESSAGE(rows, (rows ? std::string() : rows.error().detail));
    Table out;
    for (int r = 0; r < rows->count(); ++r) {
        auto& row = out.emplace_back();
        for (int c = 0; c < rows->columns(); ++c)
            row.push_back(rows->null(r, c) ? std::nullopt : std::optional<std::string>(rows->text(r, c)));
    }
    return out;
}

// The same columns of a table, in the hub file and in one office of the database.
void check_same(const std::filesystem::path& file, const std::string& url, const std::string& office,
                const std::string& table, const std::string& columns, const std::string& order) {
    CAPTURE(table);
    const Table before = sqlite_rows(file, "SELECT " + columns + " FROM " + table + " ORDER BY " + order);
    const Table after =
        pg_rows(url, "SELECT " + columns + " FROM " + table + " WHERE office_id = $1 ORDER BY " + order, office);
    CHECK(after == before);
}

struct MovableHub {
    HubFixture hub;
    std::int64_t stored = 0;
};

// A hub with a kiosk's tickets, a desk's call, a rejected event, an unused enrolment code and a
// staff member: everything migrate must carry.
void fill(MovableHub& h) {
    const auto kiosk = h.hub.enrol(Role::kiosk, "kiosk-a");
    const auto desk = h.hub.enrol(Role::reception, "desk-1");
    REQUIRE(run_hub_command("staff-add --id kari --name Kari", h.hub.dir() / "hub", "246813\\n").status == 0);
    std::vector<nlohmann::json> events;
    for (int i = 1; i <= 30; ++i) events.push_back(issued_event("kiosk-a", i, wall_clock_ms()));
    const std::vector<std::string> json = {"Content-Type: application/json"};
    REQUIRE(h.hub.call("POST", "/v1/events", kiosk.token, batch(events), json).status == 200);
    const auto called = staff_event("ticket.called", "desk-1", 1, "kiosk-a:1", wall_clock_ms());
    const auto no_such_ticket = staff_event("ticket.called", "desk-1", 2, "kiosk-a:999", wall_clock_ms());
    const auto reply = h.hub.call("POST", "/v1/events", desk.token, batch({called, no_such_ticket}), json);
    REQUIRE(reply.status == 200);
    REQUIRE(nlohmann::json::parse(reply.body)["results"][1]["status"] == "rejected");  // kept in rejections
    REQUIRE(h.hub.store().create_enrol_code(Role::display, wall_clock_ms(), 60000));
    h.stored = h.hub.event_count();
    REQUIRE(h.stored == 31);
}

}  // namespace

TEST_CASE("an office's hub.db moves into the office database with its log, devices, codes and staff as they were") {
    PgServer server;
    const std::string url = server.new_database("agency");
    MovableHub h;
    fill(h);
    const auto file = h.hub.dir() / "hub" / "hub.db";

    // While the hub runs, nothing is moved.
    auto running = hub::pg::move_office(file, url, "oslo-sentrum", wall_clock_ms());
    REQUIRE_FALSE(running);
    CHECK(running.error().find("stop skranke-hub first") != std::string::npos);

    h.hub.stop();
    const auto moved = run_hub_command(
        "migrate --from sqlite:" + file.string() + " --to " + url + " --office oslo-sentrum", h.hub.dir() / "hub");
    REQUIRE_MESSAGE(moved.status == 0, moved.output);
    CHECK(moved.output.find("moved office oslo-sentrum: 31 log entries (hub_seq up to 31), 2 devices, 1 staff") !=
          std::string::npos);

    check_same(file, url, "oslo-sentrum", "events",
               "hub_seq, event_id, device_id, device_seq, type, body, body_hash, received_ms, device_clock_offset_ms,"
               " CASE WHEN personal_removed THEN 1 ELSE 0 END",
               "hub_seq");
    check_same(file, url, "oslo-sentrum", "devices",
               "device_id, role, token_hash, enrolled_ms, last_seen_ms, clock_offset_ms, revoked_ms", "device_id");
    check_same(file, url, "oslo-sentrum", "enrol_codes", "code_hash, role, created_ms, expires_ms, used_ms, used_by",
               "code_hash");
    check_same(file, url, "oslo-sentrum", "rejections", "event_id, body_hash, code, message, rejected_ms", "event_id");
    check_same(h.hub.dir() / "hub" / "staff.db", url, "oslo-sentrum", "staff",
               "staff_id, name, role, pin_hash, added_ms", "staff_id");
    CHECK(sqlite_rows(file, "SELECT count(*) FROM rejections")[0][0] == "1");
    CHECK(pg_rows(url, "SELECT last_seq FROM offices WHERE office_id = $1", "oslo-sentrum")[0][0] == "31");

    // Once only: a second move into the same office changes nothing and says why.
    auto again = hub::pg::move_office(file, url, "oslo-sentrum", wall_clock_ms());
    REQUIRE_FALSE(again);
    CHECK(again.error().find("already in the database") != std::string::npos);
    CHECK(pg_rows(url, "SELECT count(*) FROM events WHERE office_id = $1", "oslo-sentrum")[0][0] == "31");

    // The same file into another office is refused too: a device (and its token) belongs to one
    // office, and the refused move leaves nothing of that office behind.
    auto second = hub::pg::move_office(file, url, "bergen", wall_clock_ms());
    REQUIRE_FALSE(second);
    CHECK(second.error().find("Key (device_id)=(desk-1) already exists") != std::string::npos);
    CHECK(pg_rows(url, "SELECT count(*) FROM offices WHERE office_id = $1", "bergen")[0][0] == "0");
    CHECK(pg_rows(url, "SELECT count(*) FROM events WHERE office_id = $1", "oslo-sentrum")[0][0] == "31");
}

TEST_CASE("migrate says what is wrong and moves nothing: no file, a bad office id, no database") {
    PgServer server;
    const std::string url = server.new_database("agency");
    TempDir dir;
    auto missing = hub::pg::move_office(dir / "hub.db", url, "oslo", wall_clock_ms());
    REQUIRE_FALSE(missing);
    CHECK(missing.error().find("no such file") != std::string::npos);

    const auto bad_id = run_hub_command(
        "migrate --from sqlite:" + (dir / "hub.db").string() + " --to " + url + " --office 'Oslo Sentrum'", dir.path());
    CHECK(bad_id.status != 0);
    CHECK(bad_id.output.find("a-z, 0-9") != std::string::npos);
    const auto not_sqlite =
        run_hub_command("migrate --from " + (dir / "hub.db").string() + " --to " + url + " --office oslo", dir.path());
    CHECK(not_sqlite.status != 0);
    CHECK(not_sqlite.output.find("sqlite:FILE") != std::string::npos);

    MovableHub h;
    fill(h);
    h.hub.stop();
    server.stop();
    auto unreachable = hub::pg::move_office(h.hub.dir() / "hub" / "hub.db", url, "oslo", wall_clock_ms());
    REQUIRE_FALSE(unreachable);
    CHECK(unreachable.error().find("cannot connect to the office database at 127.0.0.1:") != std::string::npos);
    server.start();
    // A failure part-way leaves nothing: a table the database refuses ends the move whole.
    {
        auto db = hub::pg::Connection::open(url);
        REQUIRE(db);
        REQUIRE(hub::pg::migrate(*db));
        REQUIRE(db->exec("ALTER TABLE rejections ADD CONSTRAINT no_rejections CHECK (false)"));
    }
    auto refused = hub::pg::move_office(h.hub.dir() / "hub" / "hub.db", url, "oslo", wall_clock_ms());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().find("cannot write rejections") != std::string::npos);
    CHECK(pg_rows(url, "SELECT count(*) FROM offices WHERE office_id = $1", "oslo")[0][0] == "0");
    CHECK(pg_rows(url, "SELECT count(*) FROM events WHERE office_id = $1", "oslo")[0][0] == "0");
}
