// The hub's event log on a real PostgreSQL server, written by two hubs at once (two EventLog
// objects, each with its own connections, as two hub processes would have): every decision
// is the one a single hub would make, and each hub sees what the other stored.
#include <doctest/doctest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "domain/office_time.hpp"
#include "hub/event_log.hpp"
#include "hub/pg/pg_log_storage.hpp"
#include "protocol/event_codec.hpp"
#include "support/pg_server.hpp"
#include "support/sample_events.hpp"

using namespace skranke;
using namespace skranke::test;
using protocol::EventResult;

namespace {

std::unique_ptr<hub::EventLog> open_log(const std::string& url, const std::string& office) {
    auto ready = hub::pg::ReadyOffice::prepare(url, office, wall_clock_ms());
    REQUIRE_MESSAGE(ready, (ready ? std::string() : ready.error().detail));
    auto storage = hub::pg::PgLogStorage::open(*ready);
    REQUIRE_MESSAGE(storage, (storage ? std::string() : storage.error().detail));
    auto log = hub::EventLog::open(std::move(storage.value()));
    REQUIRE_MESSAGE(log, (log ? std::string() : log.error().detail));
    return std::move(log.value());
}

// Without doctest's macros, so threads may call it.
StoreResult<std::vector<EventResult>> offer(hub::EventLog& log, const std::vector<nlohmann::json>& events) {
    std::vector<std::string> texts;  // the pushed events are views of these
    texts.reserve(events.size());
    std::vector<hub::PushedEvent> batch;
    for (const auto& e : events) batch.push_back(hub::pushed_event_of(e, texts.emplace_back(e.dump())));
    return log.push(batch, hub::Contact{wall_clock_ms(), 0, {}});
}

std::vector<EventResult> push(hub::EventLog& log, const std::vector<nlohmann::json>& events) {
    auto results = offer(log, events);
    REQUIRE_MESSAGE(results, (results ? std::string() : results.error().detail));
    REQUIRE(results->size() == events.size());
    return *results;
}

// A log's wake-ups for entries another hub stored, counted and waited for.
class Follower {
public:
    explicit Follower(hub::EventLog& log) : log_(log) {
        log.on_grown([this] {
            std::lock_guard lock(mutex_);
            ++wakes_;
            grew_.notify_all();
        });
    }
    ~Follower() { log_.on_grown({}); }
    // The log reached last_seq within the time (woken by its wake-ups, not by polling).
    bool reaches(std::int64_t last_seq, std::chrono::seconds within) {
        std::unique_lock lock(mutex_);
        return grew_.wait_for(lock, within, [&] { return log_.last_seq() >= last_seq; });
    }
    int wakes() {
        std::lock_guard lock(mutex_);
        return wakes_;
    }

private:
    hub::EventLog& log_;
    std::mutex mutex_;
    std::condition_variable grew_;
    int wakes_ = 0;
};

std::vector<protocol::LogEntry> whole_log(hub::EventLog& log) {
    auto entries = log.read_log(0, 1'000'000);
    REQUIRE_MESSAGE(entries, (entries ? std::string() : entries.error().detail));
    return *entries;
}

}  // namespace

TEST_CASE(
    "a ticket issued through one hub is called through the other, and a replay gets the same answer from either") {
    PgServer server;
    const std::string url = server.new_database("office");
    auto a = open_log(url, "oslo");
    auto b = open_log(url, "oslo");

    const auto issued = issued_event("kiosk-1", 1, wall_clock_ms());
    REQUIRE(push(*a, {issued})[0].hub_seq == 1);
    // Hub B has not stored anything: its write takes in A's ticket first, so the call is no
    // unknown ticket.
    const auto call = staff_event("ticket.called", "desk-1", 1, "kiosk-1:1", wall_clock_ms());
    const auto called = push(*b, {call});
    CHECK(called[0].status == "stored");
    CHECK(called[0].hub_seq == 2);
    // The same call again through A: a replay, stored once at 2.
    const auto replay = push(*a, {call});
    CHECK(replay[0].status == "stored");
    CHECK(replay[0].hub_seq == 2);
    // Another desk's call is refused by both hubs in the same words, and kept as refused.
    const auto second = staff_event("ticket.called", "desk-2", 1, "kiosk-1:1", wall_clock_ms());
    const auto refused = push(*a, {second});
    CHECK(refused[0].code == "already_called");
    const auto refused_again = push(*b, {second});
    CHECK(refused_again[0].code == "already_called");
    CHECK(refused_again[0].message == refused[0].message);
    // A replay of the refused event after the ticket is done is still the same refusal: B
    // knows A refused it, although B never refused it itself.
    REQUIRE(push(*a, {staff_event("ticket.served", "desk-1", 2, "kiosk-1:1", wall_clock_ms())})[0].status == "stored");
    auto c = open_log(url, "oslo");
    const auto late = push(*b, {second});
    CHECK(late[0].code == "already_called");
    // An event older than one the device stored, first seen by the other hub: out of order.
    push(*a, {issued_event("kiosk-2", 2, wall_clock_ms())});
    CHECK(push(*b, {issued_event("kiosk-2", 1, wall_clock_ms())})[0].code == "out_of_order");
    CHECK(whole_log(*c).size() == 4);
    CHECK(whole_log(*a).size() == 4);
}

TEST_CASE("two hubs taking pushes and calls at once: gapless hub_seq, each event once, each ticket called once") {
    PgServer server;
    const std::string url = server.new_database("office");
    auto a = open_log(url, "oslo");
    auto b = open_log(url, "oslo");
    constexpr int tickets = 40;
    const std::int64_t now = wall_clock_ms();

    // Two kiosks issue through both hubs at once, each event offered to both.
    std::mutex failed_mutex;
    std::vector<std::string> failed;
    const auto note = [&](const StoreResult<std::vector<EventResult>>& r) {
        if (r) return;
        std::lock_guard lock(failed_mutex);
        failed.push_back(r.error().detail);
    };
    {
        std::vector<std::thread> threads;
        for (int k = 0; k < 2; ++k)
            threads.emplace_back([&, k] {
                const std::string kiosk = "kiosk-" + std::to_string(k);
                for (int i = 1; i <= tickets; ++i) {
                    const auto e = issued_event(kiosk, i, now);
                    note(offer(k == 0 ? *a : *b, {e}));
                    note(offer(k == 0 ? *b : *a, {e}));
                }
            });
        for (auto& t : threads) t.join();
    }
    REQUIRE(failed.empty());

    // Two desks, one on each hub, call every ticket at once.
    std::map<std::string, int> called;  // ticket: stored calls
    std::mutex called_mutex;
    {
        std::vector<std::thread> threads;
        for (int d = 0; d < 2; ++d)
            threads.emplace_back([&, d] {
                const std::string desk = "desk-" + std::to_string(d);
                std::int64_t seq = 0;
                for (int k = 0; k < 2; ++k)
                    for (int i = 1; i <= tickets; ++i) {
                        const std::string ticket = "kiosk-" + std::to_string(k) + ":" + std::to_string(i);
                        auto r = offer(d == 0 ? *a : *b, {staff_event("ticket.called", desk, ++seq, ticket, now)});
                        note(r);
                        if (!r) continue;
                        std::lock_guard lock(called_mutex);
                        if ((*r)[0].status == "stored")
                            ++called[ticket];
                        else if ((*r)[0].code != "already_called")
                            failed.push_back((*r)[0].code + " " + ticket);
                    }
            });
        for (auto& t : threads) t.join();
    }
    CHECK(failed.empty());
    CHECK(called.size() == 2 * tickets);
    for (const auto& [ticket, times] : called) CHECK_MESSAGE(times == 1, ticket);

    // The log: gapless from 1, every event once; both hubs read the same.
    const auto log = whole_log(*a);
    CHECK(log.size() == 4 * tickets);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < log.size(); ++i) {
        CHECK(log[i].hub_seq == static_cast<std::int64_t>(i + 1));
        ids.insert(nlohmann::json::parse(log[i].event_json).at("event_id").get<std::string>());
    }
    CHECK(ids.size() == log.size());
    const auto from_b = whole_log(*b);
    REQUIRE(from_b.size() == log.size());
    for (std::size_t i = 0; i < log.size(); ++i) CHECK(from_b[i].event_json == log[i].event_json);
    // Both folds agree: every ticket called, by one desk.
    REQUIRE(b->catch_up());
    REQUIRE(a->catch_up());
    const auto qa = a->queue_state();
    const auto qb = b->queue_state();
    for (const auto& [ticket, times] : called) {
        const auto* ta = qa->find(ticket);
        const auto* tb = qb->find(ticket);
        REQUIRE(ta != nullptr);
        REQUIRE(tb != nullptr);
        CHECK(ta->state == TicketState::called);
        CHECK(ta->called_by == tb->called_by);
    }
}

TEST_CASE("a hub that stores nothing still follows the other's commits, and wakes its long-polls") {
    PgServer server;
    const std::string url = server.new_database("office");
    auto a = open_log(url, "oslo");
    auto b = open_log(url, "oslo");
    Follower follower(*b);
    push(*a, {issued_event("kiosk-1", 1, wall_clock_ms()), issued_event("kiosk-1", 2, wall_clock_ms())});
    CHECK(follower.reaches(2, std::chrono::seconds(10)));
    CHECK(follower.wakes() >= 1);
    CHECK(b->queue_state()->find("kiosk-1:2") != nullptr);
    std::int64_t cursor = 0;
    auto page = b->read_log_json(0, 10, false, cursor);
    REQUIRE(page);
    CHECK(cursor == 2);
    CHECK(page->find("kiosk-1:2") != std::string::npos);
    // A device waiting on hub B for its event stored through A is let go.
    CHECK(b->wait_taken("kiosk-1", 2, 5000));
    // An office of its own on the same database sees nothing of it.
    auto other = open_log(url, "bergen");
    CHECK(other->last_seq() == 0);
    CHECK(whole_log(*other).empty());
    CHECK(other->queue_state()->find("kiosk-1:1") == nullptr);
}

TEST_CASE("personal fields removed through one hub are gone from the other's pages too") {
    PgServer server;
    const std::string url = server.new_database("office");
    auto a = open_log(url, "oslo");
    auto b = open_log(url, "oslo");
    const auto issued = issued_event("kiosk-1", 1, wall_clock_ms());
    const std::string name = "Kari Nordmann";  // as sample_events.cpp fills it in
    push(*a, {issued});
    REQUIRE(b->catch_up());
    std::int64_t cursor = 0;
    auto before = b->read_log_json(0, 10, true, cursor);
    REQUIRE(before);
    REQUIRE(before->find(name) != std::string::npos);  // staff read it from B's tail

    auto removed = a->remove_personal_before(wall_clock_ms() + 1);
    REQUIRE(removed);
    CHECK(*removed == 1);
    auto again = b->remove_personal_before(wall_clock_ms() + 1);
    REQUIRE(again);
    CHECK(*again == 0);  // nothing left in the database to remove
    auto after = b->read_log_json(0, 10, true, cursor);
    REQUIRE(after);
    CHECK(after->find(name) == std::string::npos);
    CHECK(after->find("kiosk-1:1") != std::string::npos);
}

TEST_CASE("the database restarted under two hubs: pushes fail while it is down, then go on, nothing lost") {
    PgServer server;
    const std::string url = server.new_database("office");
    auto a = open_log(url, "oslo");
    auto b = open_log(url, "oslo");
    Follower follower(*b);
    push(*a, {issued_event("kiosk-1", 1, wall_clock_ms())});
    server.stop();
    auto down = offer(*a, {issued_event("kiosk-1", 2, wall_clock_ms())});
    CHECK_FALSE(down);
    CHECK_FALSE(b->read_log(0, 10));
    server.start();
    // The first use after the restart opens a new connection.
    const auto again = push(*a, {issued_event("kiosk-1", 2, wall_clock_ms())});
    CHECK(again[0].status == "stored");
    CHECK(again[0].hub_seq == 2);
    CHECK(whole_log(*a).size() == 2);
    // B's listener is back too (a new connection, or its look at the office every second).
    CHECK(follower.reaches(2, std::chrono::seconds(15)));
    CHECK(b->queue_state()->find("kiosk-1:2") != nullptr);
    CHECK(whole_log(*b).size() == 2);
}
