// Ticket numbers: short, per-kiosk letter, reset each day, never reused.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/store.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

std::unique_ptr<Store> open_store(const std::filesystem::path& path, char letter) {
    StoreOptions options;
    options.path = path;
    options.kiosk_letter = letter;
    // Two writers on one file take turns at the write lock; on a loaded test machine under
    // the sanitizers one can wait longer than a kiosk's 5 s, which is not what these test.
    options.busy_timeout_ms = 60'000;
    auto store = Store::open(options);
    REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error().detail));
    return std::move(store).value();
}

// Issues count tickets and returns their shown numbers ("B 017").
std::vector<std::string> issue_many(Store& store, int count, std::int64_t now_ms) {
    std::vector<std::string> numbers;
    for (int i = 0; i < count; ++i) {
        auto ticket = store.issue_ticket(plain_request(), shipped_catalogue(), now_ms + i);
        if (!ticket) {
            MESSAGE("issue failed: " << ticket.error().detail);
            break;  // the caller checks the count
        }
        numbers.push_back(ticket->number.text());
    }
    return numbers;
}

}  // namespace

TEST_CASE("a ticket number is a letter and a three-digit day counter") {
    CHECK(TicketNumber{'B', 17}.text() == "B 017");
    CHECK(TicketNumber{'B', 17}.spoken_text() == "B 17");
    CHECK(TicketNumber{'C', 1234}.text() == "C 1234");
}

TEST_CASE("two kiosks issuing at the same time never share a number across 10,000 tickets") {
    TempDir dir;
    auto kiosk_a = open_store(dir / "a.db", 'A');
    auto kiosk_b = open_store(dir / "b.db", 'B');
    std::vector<std::string> from_a, from_b;
    const auto now = test_time_ms();
    std::thread ta([&] { from_a = issue_many(*kiosk_a, 5000, now); });
    std::thread tb([&] { from_b = issue_many(*kiosk_b, 5000, now); });
    ta.join();
    tb.join();
    REQUIRE(from_a.size() == 5000);
    REQUIRE(from_b.size() == 5000);
    std::set<std::string> all(from_a.begin(), from_a.end());
    all.insert(from_b.begin(), from_b.end());
    CHECK(all.size() == 10000);
    CHECK(from_a.front() == "A 001");
    CHECK(from_b.back() == "B 5000");
}

TEST_CASE("two writers on one store file (two processes on one kiosk) get distinct numbers") {
    TempDir dir;
    auto first = open_store(dir / "k.db", 'C');
    auto second = open_store(dir / "k.db", 'C');
    CHECK(first->device_id() == second->device_id());
    std::vector<std::string> a, b;
    const auto now = test_time_ms();
    std::thread ta([&] { a = issue_many(*first, 1000, now); });
    std::thread tb([&] { b = issue_many(*second, 1000, now); });
    ta.join();
    tb.join();
    REQUIRE(a.size() == 1000);
    REQUIRE(b.size() == 1000);
    std::set<std::string> all(a.begin(), a.end());
    all.insert(b.begin(), b.end());
    CHECK(all.size() == 2000);
    CHECK(all.count("C 001") == 1);
    CHECK(all.count("C 2000") == 1);
    CHECK(query_int(dir / "k.db", "SELECT count(DISTINCT event_id) FROM outbox") == 2000);
}

TEST_CASE("a restart continues the day's numbers instead of starting again") {
    TempDir dir;
    const auto now = test_time_ms();
    {
        auto store = open_store(dir / "k.db", 'A');
        CHECK(issue_many(*store, 10, now).back() == "A 010");
    }
    auto reopened = open_store(dir / "k.db", 'A');
    const auto more = issue_many(*reopened, 5, now + 100);
    REQUIRE(more.size() == 5);
    CHECK(more.front() == "A 011");
    CHECK(more.back() == "A 015");
}

TEST_CASE("numbers start again at 1 on a new day and never repeat if the clock goes back") {
    TempDir dir;
    auto store = open_store(dir / "k.db", 'D');
    CHECK(issue_many(*store, 3, test_time_ms(0)).back() == "D 003");
    const auto next_day = issue_many(*store, 2, test_time_ms(1));
    CHECK(next_day.front() == "D 001");
    CHECK(next_day.back() == "D 002");
    // The kiosk's clock is set back a day: numbers never go back to an earlier day, so the
    // last day's counter continues (domain/numbering.hpp), no reuse.
    const auto back = issue_many(*store, 1, test_time_ms(0, 30));
    REQUIRE(back.size() == 1);
    CHECK(back.front() == "D 003");
    CHECK(query_int(dir / "k.db",
                    "SELECT count(*) FROM (SELECT service_day, letter, sequence FROM tickets "
                    "GROUP BY 1, 2, 3 HAVING count(*) > 1)") == 0);
}

TEST_CASE("each ticket and its ticket.issued event are stored together with a unique event id") {
    TempDir dir;
    auto store = open_store(dir / "k.db", 'A');
    auto ticket = store->issue_ticket(emergency_request(), shipped_catalogue(), test_time_ms());
    REQUIRE(ticket.ok());
    CHECK(ticket->request.urgent);  // emergencies are urgent even when not said
    CHECK(ticket->event_id == store->device_id() + ":1");
    auto events = store->pending_events(10);
    REQUIRE(events.ok());
    REQUIRE(events->size() == 1);
    CHECK(events->front().event_id == ticket->event_id);
    CHECK(events->front().type == "ticket.issued");
    CHECK(events->front().body_json.find("\"number\":\"A 001\"") != std::string::npos);
    auto found = store->find_ticket(ticket->event_id);
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->number == ticket->number);
    CHECK(*store->outbox_depth() == 1);
}

TEST_CASE("event numbers are never reused, even after acknowledged events are pruned and the store reopened") {
    TempDir dir;
    std::string last_event;
    {
        auto store = open_store(dir / "k.db", 'A');
        for (int i = 0; i < 5; ++i) REQUIRE(store->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms(0, i)).ok());
        // The hub acknowledged every event; pruning deletes all outbox rows, the newest included.
        auto raw = query_texts(dir / "k.db", "UPDATE outbox SET acked_ms = 1 RETURNING event_id");
        CHECK(raw.size() == 5);
        auto pruned = store->prune_acknowledged_events(2);
        REQUIRE(pruned.ok());
        CHECK(*pruned == 5);
        CHECK(query_int(dir / "k.db", "SELECT count(*) FROM outbox") == 0);
        auto next = store->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms(0, 9));
        REQUIRE(next.ok());
        CHECK(next->device_seq == 6);
        last_event = next->event_id;
    }
    auto store = open_store(dir / "k.db", 'A');
    auto again = store->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms(0, 10));
    REQUIRE(again.ok());
    CHECK(again->device_seq == 7);
    CHECK(again->event_id != last_event);
    // Events not yet acknowledged are never pruned.
    auto pruned = store->prune_acknowledged_events(test_time_ms(1));
    REQUIRE(pruned.ok());
    CHECK(*pruned == 0);
    CHECK(*store->outbox_depth() == 2);
}

TEST_CASE("a checkpoint between visitors moves the log into the file and loses nothing") {
    TempDir dir;
    auto store = open_store(dir / "k.db", 'A');
    for (int i = 0; i < 20; ++i) REQUIRE(store->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms(0, i)).ok());
    const auto wal = dir / "k.db-wal";
    REQUIRE(std::filesystem::exists(wal));
    REQUIRE(store->checkpoint().ok());
    // The log is reused from its start after a full passive checkpoint: the next commit is small.
    REQUIRE(store->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms(0, 30)).ok());
    CHECK(query_int(dir / "k.db", "SELECT count(*) FROM tickets") == 21);
    CHECK(query_texts(dir / "k.db", "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    CHECK(query_int(dir / "k.db", "PRAGMA wal_checkpoint(PASSIVE)") == 0);  // 0: not blocked
}

TEST_CASE("a new store's device id names the kind of device, and keeps it when opened as another") {
    TempDir dir;
    StoreOptions options;
    options.path = dir / "desk.db";
    options.device_kind = "reception";
    auto desk = Store::open(options);
    REQUIRE(desk.ok());
    const std::string id = (*desk)->device_id();
    CHECK(id.rfind("reception-", 0) == 0);
    CHECK(id.size() == std::string("reception-").size() + 12);
    desk->reset();
    options.device_kind = "kiosk";  // the id was kept in the file at its first open
    auto again = Store::open(options);
    REQUIRE(again.ok());
    CHECK((*again)->device_id() == id);
    options.path = dir / "kiosk.db";
    auto kiosk = Store::open(options);
    REQUIRE(kiosk.ok());
    CHECK((*kiosk)->device_id().rfind("kiosk-", 0) == 0);
}
