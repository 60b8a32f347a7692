// The office database on a real PostgreSQL server: its schema versions, and one office's log
// written by several hubs at once (each on its own connection, as separate hub processes
// would be).
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hub/pg/pg_office_log.hpp"
#include "hub/pg/pg_schema.hpp"
#include "support/pg_server.hpp"

using namespace skranke::hub::pg;
namespace hub = skranke::hub;
namespace test = skranke::test;

namespace {

Connection connect(const std::string& url) {
    auto c = Connection::open(url);
    REQUIRE_MESSAGE(c, (c ? std::string() : c.error().detail));
    return std::move(c).value();
}

// An event a device sent, as these tests offer it.
struct Row {
    std::string event_id;
    std::string device_id;
    std::int64_t device_seq = 0;
    std::string body;
    std::string body_hash;

    hub::NewEntry at(std::int64_t hub_seq) const {
        hub::NewEntry e;
        e.hub_seq = hub_seq;
        e.event_id = event_id;
        e.device_id = device_id;
        e.device_seq = device_seq;
        e.type = "ticket.issued";
        e.body = body;
        e.body_hash = body_hash;
        e.received_ms = 1'700'000'000'000 + device_seq;
        if (device_seq % 2 == 0) e.device_clock_offset_ms = -device_seq;
        return e;
    }
};

Row row_of(const std::string& event_id, const std::string& device, std::int64_t seq) {
    return Row{event_id, device, seq, R"({"event_id":")" + event_id + R"("})", "hash-" + event_id};
}

// Offers the rows as a hub stores a push: a replay of a stored event id is not stored again.
// Each row's hub_seq. Without doctest's macros, so threads may call it.
PgResult<std::vector<std::int64_t>> offer_batch(Connection& db, const std::string& office,
                                                const std::vector<Row>& rows) {
    auto write = OfficeLogWrite::begin(db, office);
    if (!write) return write.error();
    std::vector<std::int64_t> seqs;
    for (const Row& r : rows) {
        auto earlier = db.run("SELECT hub_seq FROM events WHERE office_id = $1 AND event_id = $2", {office, r.event_id});
        if (!earlier) return earlier.error();
        if (earlier->count() > 0) {
            seqs.push_back(earlier->int64(0, 0));
            continue;
        }
        if (auto appended = write->append(r.at(write->last_seq() + 1)); !appended) return appended.error();
        seqs.push_back(write->last_seq());
    }
    if (auto committed = write->commit(); !committed) return committed.error();
    return seqs;
}

std::vector<std::int64_t> store_batch(Connection& db, const std::string& office, const std::vector<Row>& rows) {
    auto seqs = offer_batch(db, office, rows);
    REQUIRE_MESSAGE(seqs, (seqs ? std::string() : seqs.error().detail));
    return *seqs;
}

// A migrated database on the server with these offices; its URL.
std::string office_database(test::PgServer& server, const std::vector<std::string>& offices) {
    const std::string url = server.new_database("office");
    auto db = connect(url);
    auto migrated = migrate(db);
    REQUIRE_MESSAGE(migrated, (migrated ? std::string() : migrated.error().detail));
    for (const std::string& office : offices) REQUIRE(ensure_office(db, office, 1));
    return url;
}

// An entry as the office's log holds it.
struct Logged {
    std::string event_id;
    std::string device_id;
    std::string body;
    std::int64_t hub_seq = 0;
    std::int64_t device_seq = 0;
    std::optional<std::int64_t> device_clock_offset_ms;
};

std::vector<Logged> whole_log(Connection& db, const std::string& office) {
    auto rows = db.run(
        "SELECT hub_seq, event_id, device_id, device_seq, body, device_clock_offset_ms FROM events"
        " WHERE office_id = $1 ORDER BY hub_seq",
        {office});
    REQUIRE(rows);
    std::vector<Logged> log;
    for (int r = 0; r < rows->count(); ++r) {
        Logged l{std::string(rows->text(r, 1)), std::string(rows->text(r, 2)), std::string(rows->text(r, 4)),
                 rows->int64(r, 0), rows->int64(r, 3), std::nullopt};
        if (!rows->null(r, 5)) l.device_clock_offset_ms = rows->int64(r, 5);
        log.push_back(std::move(l));
    }
    return log;
}

}  // namespace

TEST_CASE("a new office database is made at the schema's version, and migrating again changes nothing") {
    test::PgServer server;
    auto db = connect(server.new_database("office"));
    auto before = schema_version(db);
    REQUIRE(before);
    CHECK(*before == 0);
    auto first = migrate(db);
    REQUIRE_MESSAGE(first, (first ? std::string() : first.error().detail));
    CHECK(*first == pg_schema_version);
    REQUIRE(ensure_office(db, "oslo-sentrum", 1));
    REQUIRE(store_batch(db, "oslo-sentrum", {row_of("e1", "kiosk-a", 1)}) == std::vector<std::int64_t>{1});
    auto again = migrate(db);
    REQUIRE(again);
    CHECK(*again == pg_schema_version);
    CHECK(whole_log(db, "oslo-sentrum").size() == 1);  // nothing was made anew
}

TEST_CASE("hubs that start together on a new database migrate it once") {
    test::PgServer server;
    const std::string url = server.new_database("office");
    std::vector<std::thread> hubs;
    std::atomic<int> migrated{0};
    std::vector<std::string> failures(4);
    for (int i = 0; i < 4; ++i)
        hubs.emplace_back([&, i] {
            auto db = Connection::open(url);
            if (!db) {
                failures[i] = db.error().detail;
                return;
            }
            auto done = migrate(*db);
            if (!done)
                failures[i] = done.error().detail;
            else if (*done == pg_schema_version)
                ++migrated;
        });
    for (auto& t : hubs) t.join();
    for (const auto& f : failures) CHECK_MESSAGE(f.empty(), f);
    CHECK(migrated == 4);
}

TEST_CASE("a database of a newer schema is refused, naming both versions and what to do") {
    test::PgServer server;
    auto db = connect(server.new_database("office"));
    REQUIRE(migrate(db));
    REQUIRE(db.run("UPDATE skranke_schema SET version = $1", {std::to_string(pg_schema_version + 1)}));
    auto refused = migrate(db);
    REQUIRE_FALSE(refused);
    const std::string& why = refused.error().detail;
    CHECK(why.find("version " + std::to_string(pg_schema_version + 1)) != std::string::npos);
    CHECK(why.find("(" + std::to_string(pg_schema_version) + ")") != std::string::npos);
    CHECK(why.find("upgrade skranke-hub") != std::string::npos);
    CHECK(why.find("127.0.0.1:" + std::to_string(server.port()) + "/office") != std::string::npos);
}

TEST_CASE("several hubs writing two offices at once keep each office's hub_seq gapless, each event once") {
    test::PgServer server;
    const std::string url = office_database(server, {"office-a", "office-b"});
    // Four hubs; each device's batches reach two of them (a device that moved to another hub
    // sends its unanswered batch again), so every event is offered twice.
    constexpr int hubs = 4, devices_per_office = 4, batches = 15, batch_size = 5;
    std::vector<std::thread> threads;
    std::vector<std::string> failures(hubs);
    for (int h = 0; h < hubs; ++h)
        threads.emplace_back([&, h] {
            auto db = Connection::open(url);
            if (!db) {
                failures[h] = db.error().detail;
                return;
            }
            for (int b = 0; b < batches; ++b)
                for (int d = 0; d < devices_per_office; ++d) {
                    if ((d + h) % 2 != 0) continue;  // two hubs per device
                    for (const char* office : {"office-a", "office-b"}) {
                        const std::string device = std::string(office) + "-kiosk-" + std::to_string(d);
                        std::vector<Row> rows;
                        for (int i = 0; i < batch_size; ++i) {
                            const std::int64_t seq = b * batch_size + i + 1;
                            rows.push_back(row_of(device + "-" + std::to_string(seq), device, seq));
                        }
                        if (auto offered = offer_batch(*db, office, rows); !offered) {
                            failures[h] = offered.error().detail;
                            return;
                        }
                    }
                }
        });
    for (auto& t : threads) t.join();
    for (const auto& f : failures) CHECK_MESSAGE(f.empty(), f);

    auto db = connect(url);
    for (const std::string office : {"office-a", "office-b"}) {
        CAPTURE(office);
        const auto log = whole_log(db, office);
        REQUIRE(log.size() == static_cast<std::size_t>(devices_per_office * batches * batch_size));
        std::set<std::string> ids;
        std::map<std::string, std::int64_t> last_device_seq;
        for (std::size_t i = 0; i < log.size(); ++i) {
            CHECK(log[i].hub_seq == static_cast<std::int64_t>(i + 1));  // gapless, from 1
            CHECK(ids.insert(log[i].event_id).second);              // each event once
            CHECK(log[i].device_id.rfind(office, 0) == 0);          // only this office's
            // One device's events in its own order: a batch is stored whole, after the one before.
            auto& last = last_device_seq[log[i].device_id];
            CHECK(log[i].device_seq == last + 1);
            last = log[i].device_seq;
        }
        auto write = OfficeLogWrite::begin(db, office);
        REQUIRE(write);
        CHECK(write->last_seq() == static_cast<std::int64_t>(log.size()));
    }
}

TEST_CASE("a write that is not committed leaves no entry and no gap") {
    test::PgServer server;
    auto db = connect(office_database(server, {"office-a"}));
    {
        auto write = OfficeLogWrite::begin(db, "office-a");
        REQUIRE(write);
        REQUIRE(write->append(row_of("lost-1", "kiosk", 1).at(1)));
        REQUIRE(write->append(row_of("lost-2", "kiosk", 2).at(2)));
        CHECK_FALSE(write->append(row_of("lost-4", "kiosk", 4).at(4)));  // out of turn: refused
    }  // the hub failed before COMMIT
    CHECK(whole_log(db, "office-a").empty());
    CHECK(store_batch(db, "office-a", {row_of("kept", "kiosk", 1)}) == std::vector<std::int64_t>{1});
    const auto log = whole_log(db, "office-a");
    REQUIRE(log.size() == 1);
    CHECK(log[0].event_id == "kept");
    CHECK(log[0].body == R"({"event_id":"kept"})");
    CHECK_FALSE(log[0].device_clock_offset_ms.has_value());  // NULL read back as none
}

TEST_CASE("the same event id in two offices is two events, and neither office sees the other's") {
    test::PgServer server;
    auto db = connect(office_database(server, {"office-a", "office-b"}));
    CHECK(store_batch(db, "office-a", {row_of("same-id", "kiosk-a", 2)}) == std::vector<std::int64_t>{1});
    CHECK(store_batch(db, "office-b", {row_of("same-id", "kiosk-b", 2), row_of("b-2", "kiosk-b", 3)}) ==
          std::vector<std::int64_t>{1, 2});
    const auto a = whole_log(db, "office-a");
    REQUIRE(a.size() == 1);
    CHECK(a[0].device_id == "kiosk-a");
    CHECK(a[0].device_clock_offset_ms == -2);
    CHECK(whole_log(db, "office-b").size() == 2);
    auto unknown = OfficeLogWrite::begin(db, "office-c");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().detail.find("no office office-c") != std::string::npos);
}

TEST_CASE("a commit on one hub wakes a long-poll waiting on another") {
    test::PgServer server;
    const std::string url = office_database(server, {"office-a"});
    auto writer = connect(url);
    auto listener = connect(url);
    REQUIRE(listen_to_logs(listener));
    auto nothing = listener.wait_notification(50);
    REQUIRE(nothing);
    CHECK_FALSE(nothing->has_value());  // nothing committed yet
    store_batch(writer, "office-a", {row_of("e1", "kiosk", 1), row_of("e2", "kiosk", 2)});
    auto woke = listener.wait_notification(10'000);
    REQUIRE(woke);
    REQUIRE(woke->has_value());
    const auto told = log_notification(**woke);
    REQUIRE(told.has_value());
    CHECK(told->first == "office-a");
    CHECK(told->second == 2);
    CHECK_FALSE(log_notification(Notification{"other", "office-a:2"}).has_value());
    CHECK_FALSE(log_notification(Notification{std::string(log_channel), "office-a:2x"}).has_value());
}

TEST_CASE("a database that cannot be reached is named in the message, without its password") {
    test::PgServer server;
    server.stop();
    auto refused =
        Connection::open("postgresql://skranke:s3cret-pw@127.0.0.1:" + std::to_string(server.port()) + "/office", 5);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().connection_lost);
    CHECK(refused.error().detail.find("127.0.0.1:" + std::to_string(server.port()) + "/office") != std::string::npos);
    CHECK(refused.error().detail.find("s3cret-pw") == std::string::npos);
    // Nor when the URL itself cannot be read.
    for (const std::string bad :
         {"postgresql://skranke:s3cret-pw@127.0.0.1:notaport/office", "postgresql://skranke:s3cret-pw@[::1/office",
          "postgresql://skranke:s3cret-pw%zz@127.0.0.1/office",
          "postgresql://127.0.0.1/office?password=s3cret-pw&bad=1", "host=127.0.0.1 password=s3cret-pw port"}) {
        CAPTURE(bad);
        auto unreadable = Connection::open(bad, 5);
        REQUIRE_FALSE(unreadable);
        CHECK(unreadable.error().detail.find("s3cret-pw") == std::string::npos);
    }
}

TEST_CASE("a hub's connection lost when the server restarts says so, and a new one carries on") {
    test::PgServer server;
    const std::string url = office_database(server, {"office-a"});
    auto db = connect(url);
    store_batch(db, "office-a", {row_of("before", "kiosk", 1)});
    server.stop();
    server.start();
    auto lost = OfficeLogWrite::begin(db, "office-a");
    REQUIRE_FALSE(lost);
    CHECK(lost.error().connection_lost);
    auto again = connect(url);
    CHECK(store_batch(again, "office-a", {row_of("after", "kiosk", 2)}) == std::vector<std::int64_t>{2});
}
