// A store written by any earlier version opens with every row intact.
#include <doctest/doctest.h>

#include <map>
#include <sqlite3.h>
#include <string>

#include "domain/office_time.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

// Rows as a program of each earlier schema version wrote them. When a new schema version
// is added, the previous "current" version gets its fixture here.
const std::map<int, std::string>& fixtures() {
    // v3 added tables only: its fixture is v2's rows plus rows in those tables.
    static const std::string version_2_tickets = R"sql(
INSERT INTO meta VALUES ('device_id', 'kiosk-old'), ('device_seq', '2');
INSERT INTO day_counters VALUES ('2026-03-02', 'A', 2);
INSERT INTO tickets (event_id, service_day, letter, sequence, need_id, channel, urgent,
  children_affected, language, name, phone, description, created_ms, state, device_id, device_seq,
  interpreter_wanted, interpreter_language, wheelchair, hearing, sight, appointment_ms,
  appointment_reference)
VALUES ('kiosk-old:1', '2026-03-02', 'A', 1, 'other', 'walk_in', 0, 1, 'pl', 'Anna', '+4791234567',
        'Pytanie', 1772442000000, 'waiting', 'kiosk-old', 1, 1, 'pl', 1, 0, 1, NULL, ''),
       ('kiosk-old:2', '2026-03-02', 'A', 2, 'other', 'appointment', 1, 0, 'nb', '', '', '',
        1772442060000, 'called', 'kiosk-old', 2, 0, '', 0, 0, 0, 1772445600000, 'REF-9');
)sql";
    static const std::string version_2_rows = version_2_tickets + R"sql(
INSERT INTO outbox VALUES (1, 'kiosk-old:1', 'ticket.issued', '{}', 1772442000000, NULL),
                          (2, 'kiosk-old:2', 'ticket.issued', '{}', 1772442060000, 1772442070000);
)sql";
    static const std::string version_5_rows = version_2_tickets + R"sql(
INSERT INTO outbox VALUES (1, 'kiosk-old:1', 'ticket.issued', '{}', 1772442000000, NULL, 5000, 'boot-1'),
                          (2, 'kiosk-old:2', 'ticket.issued', '{}', 1772442060000, 1772442070000, 6000, 'boot-1');
INSERT INTO dead_letters VALUES ('kiosk-old:9', 'ticket.called', '{}', 'already_called', 'x', 1772442070000);
INSERT INTO sync_state VALUES ('cursor', '41');
INSERT INTO merged_log VALUES (41, 'kiosk-old:2', 'ticket.issued', '{}', 1772442070000, -5);
INSERT INTO numbering_mark VALUES (1, '2026-03-02', 1772442060000, 0, 0, '');
)sql";
    static const std::map<int, std::string> rows = {
        {1, R"sql(
INSERT INTO meta VALUES ('device_id', 'kiosk-old'), ('device_seq', '2');
INSERT INTO day_counters VALUES ('2026-03-02', 'A', 2);
INSERT INTO tickets (event_id, service_day, letter, sequence, need_id, channel, urgent,
  children_affected, language, name, phone, description, created_ms, state, device_id, device_seq)
VALUES ('kiosk-old:1', '2026-03-02', 'A', 1, 'other', 'walk_in', 0, 1, 'pl', 'Anna', '+4791234567',
        'Pytanie', 1772442000000, 'waiting', 'kiosk-old', 1),
       ('kiosk-old:2', '2026-03-02', 'A', 2, 'other', 'walk_in', 1, 0, 'nb', '', '', '',
        1772442060000, 'called', 'kiosk-old', 2);
INSERT INTO outbox VALUES (1, 'kiosk-old:1', 'ticket.issued', '{}', 1772442000000, NULL),
                          (2, 'kiosk-old:2', 'ticket.issued', '{}', 1772442060000, 1772442070000);
)sql"},
        {2, version_2_rows},
        {3, version_2_rows + R"sql(
INSERT INTO dead_letters VALUES ('kiosk-old:9', 'ticket.called', '{}', 'already_called', 'x', 1772442070000);
INSERT INTO sync_state VALUES ('cursor', '41');
)sql"},
        {4, version_2_rows + R"sql(
INSERT INTO dead_letters VALUES ('kiosk-old:9', 'ticket.called', '{}', 'already_called', 'x', 1772442070000);
INSERT INTO sync_state VALUES ('cursor', '41');
INSERT INTO merged_log VALUES (41, 'kiosk-old:2', 'ticket.issued', '{}', 1772442070000, -5);
)sql"},
        // v5 added the numbering mark (made from the tickets by the step itself) and the
        // outbox's clock stamps.
        {5, version_5_rows},
        // v6 added the office configuration as the hub served it (none received yet).
        {6, version_5_rows},
        // v7 added each ticket's status token ('' for those before).
        {7, version_5_rows},
        // v8 added the SMS wish and waiting outside (no and no for those before).
        {8, version_5_rows},
    };
    return rows;
}

void create_at_version(const std::filesystem::path& path, int version) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    auto migrated = migrate(db, version);
    REQUIRE(migrated.ok());
    CHECK(*migrated == version);
    REQUIRE(sqlite3_exec(db, fixtures().at(version).c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
}

}  // namespace

TEST_CASE("every earlier schema version has a fixture") {
    for (int version = 1; version < current_schema_version; ++version) {
        CAPTURE(version);
        CHECK(fixtures().count(version) == 1);
    }
}

TEST_CASE("a store from every earlier schema version opens with all rows kept") {
    for (int version = 1; version < current_schema_version; ++version) {
        CAPTURE(version);
        TempDir dir;
        const auto db = dir / "old.db";
        create_at_version(db, version);

        StoreOptions options;
        options.path = db;
        options.kiosk_letter = 'A';
        auto store = Store::open(options);
        REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error().detail));
        CHECK((*store)->device_id() == "kiosk-old");
        CHECK(query_int(db, "PRAGMA user_version") == current_schema_version);

        auto tickets = (*store)->tickets_of_day("2026-03-02");
        REQUIRE(tickets.ok());
        REQUIRE(tickets->size() == 2);
        const Ticket& anna = tickets->at(0);
        CHECK(anna.request.name == "Anna");
        CHECK(anna.request.phone == "+4791234567");
        CHECK(anna.request.description == "Pytanie");
        CHECK(anna.request.children_affected);
        CHECK(anna.request.language == "pl");
        CHECK(anna.status_token.empty());  // schema 7: tickets issued before have no status page
        CHECK(!anna.request.sms_wanted);   // schema 8: nobody asked for an SMS before
        CHECK(!anna.request.waits_outside);
        CHECK(tickets->at(1).state == TicketState::called);
        CHECK(tickets->at(1).request.urgent);
        if (version >= 2) {
            CHECK(anna.request.interpreter_wanted);
            CHECK(anna.request.accessibility.wheelchair);
            CHECK(tickets->at(1).request.appointment_reference == "REF-9");
        }
        CHECK(query_int(db, "SELECT count(*) FROM outbox") == 2);
        if (version >= 3) {
            CHECK(query_int(db, "SELECT count(*) FROM dead_letters") == 1);
            CHECK(query_texts(db, "SELECT value FROM sync_state WHERE key = 'cursor'") == std::vector<std::string>{"41"});
        }
        CHECK(query_int(db, "SELECT count(*) FROM merged_log") == (version >= 4 ? 1 : 0));
        CHECK(query_int(db, "SELECT count(*) FROM office_config") == 0);  // schema 6: none received yet
        CHECK(*(*store)->outbox_depth() == 1);  // the acknowledged one stays acknowledged
        // The last day numbered becomes the numbering mark (schema 5).
        CHECK(query_texts(db, "SELECT day FROM numbering_mark") == std::vector<std::string>{"2026-03-02"});

        // Numbering and event ids continue where the old program stopped, on the old day
        // even with a clock set a day back.
        auto next = (*store)->issue_ticket(plain_request(), shipped_catalogue(), 1772442120000 - 24 * 3600 * 1000);
        REQUIRE(next.ok());
        CHECK(next->number.text() == "A 003");
        CHECK(next->service_day == "2026-03-02");
        CHECK(next->event_id == "kiosk-old:3");
        CHECK(is_status_token(next->status_token));
        CHECK(query_int(db, "SELECT count(*) FROM tickets WHERE status_token = '" + next->status_token + "'") == 1);
        CHECK(*(*store)->integrity_check() == "ok");
    }
}

TEST_CASE("opening an up-to-date store twice changes nothing") {
    TempDir dir;
    StoreOptions options;
    options.path = dir / "k.db";
    { REQUIRE(Store::open(options).ok()); }
    auto again = Store::open(options);
    REQUIRE(again.ok());
    CHECK(query_int(options.path, "PRAGMA user_version") == current_schema_version);
}

TEST_CASE("a store from a newer program is refused, not damaged") {
    TempDir dir;
    StoreOptions options;
    options.path = dir / "k.db";
    { REQUIRE(Store::open(options).ok()); }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(options.path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    auto store = Store::open(options);
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().kind == StoreErrorKind::too_new);
    CHECK(query_int(options.path, "PRAGMA user_version") == 99);
}
