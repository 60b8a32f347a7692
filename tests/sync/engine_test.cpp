// The sync engine against an in-process hub: round trip, privacy after acknowledgement,
// convergence of several devices, waking at once, fair order under clock skew.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string_view>

#include <sqlite3.h>

#include "domain/office_time.hpp"
#include "hub/hub_store.hpp"
#include "client/saved_hub.hpp"
#include "protocol/event_codec.hpp"
#include "store/known_events.hpp"
#include "store/sync_store.hpp"
#include "support/temp_dir.hpp"
#include "support/held_write.hpp"
#include "support/hub_fixture.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using protocol::Role;

namespace {

std::unique_ptr<Store> open_store(const StoreOptions& options) {
    auto store = Store::open(options);
    REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error().detail));
    return std::move(store.value());
}

std::unique_ptr<sync::SyncEngine> start_engine(const StoreOptions& store, sync::SyncOptions options) {
    auto engine = sync::SyncEngine::start(store, std::move(options));
    REQUIRE_MESSAGE(engine.ok(), (engine.ok() ? "" : engine.error()));
    return std::move(engine.value());
}

Ticket issue(Store& store, std::int64_t now_ms, const std::string& name = "Ola Nordmann") {
    TicketRequest request = plain_request();
    request.name = name;
    request.phone = "91234567";
    request.description = "Spørsmål om sosialhjelp";
    auto ticket = store.issue_ticket(request, shipped_catalogue(), now_ms);
    REQUIRE_MESSAGE(ticket.ok(), (ticket.ok() ? "" : ticket.error().detail));
    return ticket.value();
}

bool drained(const sync::SyncEngine& engine) { return engine.status().outbox_depth == 0; }

std::map<std::string, TicketState> states_of(Store& store) {
    SyncStore sync_store(store);
    auto state = sync_store.queue_state();
    REQUIRE(state.ok());
    std::map<std::string, TicketState> states;
    for (const auto& [id, t] : state->tickets()) states[id] = t.state;
    return states;
}

// A hub with a display and two kiosks: A with its clock right and its engine running, B
// with its store only (each test starts B's engine with the clock it needs).
struct TwoKiosks {
    HubFixture hub;
    EnrolledDevice a = hub.enrol(Role::kiosk, "kiosk-a");
    EnrolledDevice b = hub.enrol(Role::kiosk, "kiosk-b");
    EnrolledDevice display = hub.enrol(Role::display, "display-1");
    StoreOptions a_options = kiosk_options(hub.dir() / "a.db", "kiosk-a", 'A');
    StoreOptions b_options = kiosk_options(hub.dir() / "b.db", "kiosk-b", 'B');
    std::unique_ptr<Store> a_store = open_store(a_options);
    std::unique_ptr<Store> b_store = open_store(b_options);
    std::unique_ptr<sync::SyncEngine> a_engine = start_engine(a_options, engine_options(hub.connection(a.token), false));

    // The waiting numbers in the hub's call order.
    std::vector<std::string> hub_queue() {
        const auto queue = hub.call("GET", "/v1/queue", display.token);
        REQUIRE(queue.status == 200);
        const auto waiting = nlohmann::json::parse(queue.body)["waiting"];
        std::vector<std::string> order;
        for (const auto& t : waiting) order.push_back(t["number"]);
        return order;
    }
};

// A little real time between two visitors.
void pause_between_visitors() {
    const auto next = std::chrono::steady_clock::now() + 40ms;
    wait_until([&] { return std::chrono::steady_clock::now() >= next; }, 1s, 5ms);
}

// A reception desk's store, in a folder of its own.
struct OneDesk {
    TempDir dir;
    StoreOptions options = kiosk_options(dir.path() / "desk.db", "desk-a", 'A');
    std::unique_ptr<Store> store = open_store(options);
    SyncStore sync_store{*store};
};

}  // namespace

TEST_CASE_FIXTURE(OneDesk, "a device's own events stay in its queue from acknowledgement until the hub's log page brings them") {
    const Ticket ticket = issue(*store, wall_clock_ms());
    auto called = sync_store.record_event(TicketCalled{ticket.event_id, "2"}, wall_clock_ms(), "kari");
    REQUIRE(called.ok());
    auto served = sync_store.record_event(TicketServed{ticket.event_id, "2"}, wall_clock_ms(), "kari");
    REQUIRE(served.ok());
    const auto queue = [&] {
        auto state = sync_store.queue_state();
        REQUIRE(state.ok());
        return std::move(state.value());
    };
    CHECK(queue().find(ticket.event_id)->state == TicketState::served);

    // The hub stores the ticket and the call and refuses the service: the acknowledged two
    // still count before their log page arrives, without the person; the refused one never.
    REQUIRE(sync_store
                .apply_acks({{ticket.event_id, true, {}, {}}, {called->event_id, true, {}, {}},
                             {served->event_id, false, "not_called", "refused"}},
                            wall_clock_ms())
                .ok());
    {
        const QueueState acknowledged = queue();
        REQUIRE(acknowledged.find(ticket.event_id) != nullptr);
        CHECK(acknowledged.find(ticket.event_id)->state == TicketState::called);
        CHECK(acknowledged.find(ticket.event_id)->counter == "2");
        CHECK(acknowledged.find(ticket.event_id)->ticket.number == ticket.number);
        CHECK(acknowledged.find(ticket.event_id)->ticket.request.name.empty());
        CHECK(acknowledged.find(ticket.event_id)->ticket.request.description.empty());
    }
    CHECK(query_int(options.path, "SELECT count(*) FROM outbox WHERE body LIKE '%Ola%' OR body LIKE '%91234567%'"
                                  " OR body LIKE '%sosialhjelp%'") == 0);

    // The log page with the hub's copies: each event counts once, in the hub's order.
    Event hub_ticket = issued_event(ticket);
    remove_personal_fields(hub_ticket);
    auto hub_call = protocol::parse_event(called->body_json);
    REQUIRE(hub_call.ok());
    REQUIRE(sync_store.apply_log({{1, wall_clock_ms(), 0, hub_ticket}, {2, wall_clock_ms(), 0, *hub_call}}, 2).ok());
    auto events = known_events(*store);
    REQUIRE(events.ok());
    CHECK(events->size() == 2);
    CHECK(queue().find(ticket.event_id)->state == TicketState::called);
}

TEST_CASE_FIXTURE(OneDesk, "an acknowledged ticket keeps no person on the device, whether it was issued before its kept text or after") {
    const Ticket made_now = issue(*store, wall_clock_ms());
    const Ticket made_before = issue(*store, wall_clock_ms(), "Kari Nordmann");
    // Each issued row carries its text without the person, ready for the acknowledgement.
    CHECK(query_int(options.path, "SELECT count(*) FROM outbox WHERE acked_body LIKE '%Nordmann%'"
                                  " OR acked_body LIKE '%91234567%' OR acked_body LIKE '%sosialhjelp%'") == 0);
    CHECK(query_int(options.path, "SELECT count(*) FROM outbox WHERE acked_body IS NOT NULL") == 2);
    // A row written before that text existed (a store from an earlier version) has none.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(options.path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, ("UPDATE outbox SET acked_body = NULL WHERE event_id = '" + made_before.event_id + "'").c_str(),
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    REQUIRE(sync_store.apply_acks({{made_now.event_id, true, {}, {}}, {made_before.event_id, true, {}, {}}}, wall_clock_ms()).ok());
    CHECK(query_int(options.path, "SELECT count(*) FROM outbox WHERE body LIKE '%Nordmann%' OR body LIKE '%91234567%'"
                                  " OR body LIKE '%sosialhjelp%' OR acked_body IS NOT NULL") == 0);
    auto state = sync_store.queue_state();
    REQUIRE(state.ok());
    for (const Ticket& t : {made_now, made_before}) {
        const QueueTicket* kept = state->find(t.event_id);
        REQUIRE(kept != nullptr);
        CHECK(kept->ticket.number == t.number);
        CHECK(kept->ticket.status_token == t.status_token);
        CHECK(kept->ticket.request.name.empty());
        CHECK(kept->ticket.request.phone.empty());
        CHECK(kept->ticket.request.description.empty());
    }
}

TEST_CASE("the device's queue is read from one snapshot while the sync engine stores log pages") {
    TempDir dir;
    const auto options = kiosk_options(dir.path() / "desk.db", "desk-a", 'A');
    auto store = open_store(options);
    auto engine_side = open_store(options);  // the sync engine's own connection to the file
    SyncStore sync_store(*store);
    const Ticket ticket = issue(*store, wall_clock_ms());
    auto called = sync_store.record_event(TicketCalled{ticket.event_id, "2"}, wall_clock_ms(), "kari");
    REQUIRE(called.ok());
    REQUIRE(sync_store.apply_acks({{ticket.event_id, true, {}, {}}, {called->event_id, true, {}, {}}}, wall_clock_ms()).ok());

    // The log page with both events is committed by the other connection while the queue's
    // read of the merged log is under way (SQLite's progress handler runs inside that read).
    struct Interleave {
        sqlite3* reader = nullptr;
        Store* engine_side = nullptr;
        std::vector<MergedEvent> page;
        bool stored = false;
    } interleave{store->handle(), engine_side.get(), {}, false};
    Event hub_ticket = issued_event(ticket);
    remove_personal_fields(hub_ticket);
    auto hub_call = protocol::parse_event(called->body_json);
    REQUIRE(hub_call.ok());
    interleave.page = {{1, wall_clock_ms(), 0, hub_ticket}, {2, wall_clock_ms(), 0, *hub_call}};
    const auto during_merged_read = [](void* raw) {
        auto& i = *static_cast<Interleave*>(raw);
        if (i.stored) return 0;
        for (sqlite3_stmt* s = sqlite3_next_stmt(i.reader, nullptr); s; s = sqlite3_next_stmt(i.reader, s))
            if (sqlite3_stmt_busy(s) && std::string_view(sqlite3_sql(s)).find("FROM merged_log WHERE hub_seq >") != std::string_view::npos) {
                i.stored = SyncStore(*i.engine_side).apply_log(i.page, 2).ok();
                break;
            }
        return 0;
    };
    sqlite3_progress_handler(store->handle(), 1, during_merged_read, &interleave);
    auto events = known_events(*store);
    sqlite3_progress_handler(store->handle(), 0, nullptr, nullptr);
    REQUIRE(interleave.stored);  // the page did land in the middle of the read
    REQUIRE(events.ok());
    CHECK(events->size() == 2);  // from the outbox, as the snapshot saw it: neither lost
    // And after it, from the merged log, once each.
    auto after = known_events(*store);
    REQUIRE(after.ok());
    REQUIRE(after->size() == 2);
    CHECK(after->at(0).meta.hub_seq == 1);
    CHECK(after->at(1).meta.hub_seq == 2);
}

namespace {

// A reception desk's store and a kiosk whose tickets reach it through the log.
struct DeskWithKiosk : OneDesk {
    std::unique_ptr<Store> kiosk_store = open_store(kiosk_options(dir.path() / "kiosk.db", "kiosk-b", 'B'));
};

}  // namespace

TEST_CASE_FIXTURE(DeskWithKiosk, "the device's log keeps a window: entries of tickets no action can reach any more leave") {
    const std::int64_t day = 24LL * 3600 * 1000, now = wall_clock_ms(), old = now - 5 * day;
    // As the hub's log brings them: a (served), b (waiting), c (called) and e (served by this
    // desk, whose own events are still in its outbox) five days ago; d (served) today.
    const Ticket a = issue(*kiosk_store, old), b = issue(*kiosk_store, old), c = issue(*kiosk_store, old);
    const Ticket e = issue(*kiosk_store, old), d = issue(*kiosk_store, now);
    const auto action = [](EventBody body, std::int64_t seq, std::int64_t at) {
        return staff_event(std::move(body), "desk-z", seq, at, "kari");
    };
    auto own_call = sync_store.record_event(TicketCalled{e.event_id, "1"}, old, "kari");
    auto own_served = sync_store.record_event(TicketServed{e.event_id, "1"}, old, "kari");
    REQUIRE(own_call.ok());
    REQUIRE(own_served.ok());
    std::vector<MergedEvent> page = {
        {1, old, 0, issued_event(a)},           {2, old, 0, issued_event(b)},
        {3, old, 0, issued_event(c)},           {4, old, 0, action(TicketCalled{a.event_id, "1"}, 1, old)},
        {5, old, 0, action(TicketServed{a.event_id, "1"}, 2, old)},
        {6, old, 0, action(TicketCalled{c.event_id, "2"}, 3, old)},
        {7, now, 0, issued_event(d)},           {8, now, 0, action(TicketCalled{d.event_id, "1"}, 4, now)},
        {9, now, 0, action(TicketServed{d.event_id, "1"}, 5, now)},
        {10, old, 0, issued_event(e)},
        {11, old, 0, *protocol::parse_event(own_call->body_json)},
        {12, old, 0, *protocol::parse_event(own_served->body_json)},
    };
    REQUIRE(sync_store.apply_log(page, 12).ok());
    const auto states_before = states_of(*store);

    const auto left = sync_store.leave_window(now - 3 * day);
    REQUIRE(left.ok());
    // a (served) and e's issue, and b and c too: open, but issued five days before the newest
    // entry, so the hub would refuse any action on them (a visitor who left uncalled).
    CHECK(*left == 7);
    CHECK(query_texts(options.path, "SELECT hub_seq FROM merged_log ORDER BY hub_seq") ==
          std::vector<std::string>{"7", "8", "9", "11", "12"});
    // Everything of the window reads as before.
    const auto states_after = states_of(*store);
    REQUIRE(states_after.count(d.event_id) == 1);
    CHECK(states_after.at(d.event_id) == states_before.at(d.event_id));
    for (const Ticket* t : {&a, &b, &c}) CHECK(states_after.count(t->event_id) == 0);
    // Nothing more leaves on a second pass; an earlier cutoff takes nothing.
    CHECK(*sync_store.leave_window(now - 3 * day) == 0);
    CHECK(*sync_store.leave_window(old - 1) == 0);
}

TEST_CASE_FIXTURE(DeskWithKiosk, "an open ticket stays in the device's log while a staff action could still reach it") {
    const std::int64_t hour = 3600LL * 1000, day = 24 * hour, now = wall_clock_ms(), old = now - 5 * day;
    // Nothing has come since five days ago (the office was closed, or this device's log is
    // behind): b still waits, and an action received up to two days after it would apply.
    const Ticket a = issue(*kiosk_store, old), b = issue(*kiosk_store, old + hour);
    REQUIRE(sync_store
                .apply_log({{1, old, 0, issued_event(a)},
                            {2, old + 10, 0, staff_event(TicketCalled{a.event_id, "1"}, "desk-z", 1, old + 10)},
                            {3, old + 20, 0, staff_event(TicketServed{a.event_id, "1"}, "desk-z", 2, old + 20)},
                            {4, old + hour, 0, issued_event(b)}},
                           4)
                .ok());
    CHECK(*sync_store.leave_window(now - 3 * day) == 3);  // a's entries
    CHECK(states_of(*store) == std::map<std::string, TicketState>{{b.event_id, TicketState::waiting}});
    // The hub's clock moves on (an entry received now): no action can reach b any more.
    const Ticket c = issue(*kiosk_store, now);
    REQUIRE(sync_store.apply_log({{5, now, 0, issued_event(c)}}, 5).ok());
    CHECK(*sync_store.leave_window(now - 3 * day) == 1);
    CHECK(states_of(*store) == std::map<std::string, TicketState>{{c.event_id, TicketState::waiting}});
}

TEST_CASE_FIXTURE(DeskWithKiosk, "a store that held a long log gives the space back once the window is applied") {
    const std::int64_t day = 24LL * 3600 * 1000, now = wall_clock_ms(), old = now - 40 * day;
    // Weeks of log from before the window existed: tickets called and served long ago.
    std::int64_t seq = 0;
    for (int batch = 0; batch < 30; ++batch) {
        std::vector<MergedEvent> page;
        for (int i = 0; i < 400; ++i) {
            const std::int64_t at = old + seq * 1000;
            Ticket t;
            t.number = TicketNumber{'B', i + 1};
            t.service_day = service_day_of(at);
            t.request = plain_request();
            t.request.description = std::string(400, 'x');
            t.created_ms = at;
            t.device_id = "kiosk-old";
            t.device_seq = seq + 1;
            t.event_id = "kiosk-old:" + std::to_string(seq + 1);
            page.push_back({++seq, at, 0, issued_event(t)});
            page.push_back({++seq, at, 0, staff_event(TicketServed{t.event_id, "1"}, "desk-z", seq, at)});
        }
        REQUIRE(sync_store.apply_log(page, seq).ok());
    }
    const Ticket today = issue(*kiosk_store, now);
    REQUIRE(sync_store.apply_log({{++seq, now, 0, issued_event(today)}}, seq).ok());
    REQUIRE(store->checkpoint_and_truncate().ok());
    const auto file_mb = [&] { return static_cast<double>(std::filesystem::file_size(options.path)) / (1024.0 * 1024.0); };
    const double before = file_mb();
    CAPTURE(before);
    REQUIRE(before > 16);
    // The engine's hourly tidy, as it runs it.
    CHECK(sync::tidy_store(*store, now, 0, 30 * day, engine_options(sync::Connection{})));
    const double after = file_mb();
    CAPTURE(after);
    CHECK(after < 1);
    CHECK(states_of(*store) == std::map<std::string, TicketState>{{today.event_id, TicketState::waiting}});
    CHECK(*store->integrity_check() == "ok");
}

TEST_CASE("a new device reads the log from the hub's window, not from the office's first day") {
    HubFixture hub;
    const std::int64_t day = 24LL * 3600 * 1000, now = wall_clock_ms();
    // A week of history at the hub: two tickets a day, received on their day.
    for (int d = 7; d >= 0; --d) {
        std::vector<std::string> texts;
        for (int i = 1; i <= 2; ++i) texts.push_back(issued_event("kiosk-old", 2 * (7 - d) + i, now - d * day).dump());
        std::vector<hub::PushedEvent> pushed;
        for (const auto& text : texts) pushed.push_back(hub::pushed_event_of(nlohmann::json::parse(text), text));
        REQUIRE(hub.store().push(pushed, hub::Contact{now - d * day, std::nullopt, {}}).ok());
    }
    REQUIRE(hub.store().last_seq() == 16);
    const auto desk = hub.enrol(Role::reception, "desk-new");
    const auto options = kiosk_options(hub.dir() / "desk.db", "desk-new", 'A');
    auto store = open_store(options);
    auto engine = start_engine(options, engine_options(hub.connection(desk.token)));
    REQUIRE(wait_until([&] { return engine->status().cursor == 16; }, 10s));
    // Received within the last three days: days 2, 1 and 0 (hub_seq 11-16); nothing older.
    CHECK(query_texts(options.path, "SELECT min(hub_seq) || '-' || max(hub_seq) || ':' || count(*) FROM merged_log") ==
          std::vector<std::string>{"11-16:6"});
    // An old device continues from its own cursor, older entries and all.
    const auto old_reader = hub.call("GET", "/v1/events?after=0&limit=100", desk.token);
    REQUIRE(old_reader.status == 200);
    CHECK(nlohmann::json::parse(old_reader.body).at("events").size() == 16);
    CHECK(hub.call("GET", "/v1/events?after=0&start=everything", desk.token).status == 400);
}

TEST_CASE("acknowledged events older than a day leave the outbox; numbers go on above them") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto options = kiosk_options(hub.dir() / "kiosk.db", "kiosk-a", 'A');
    auto store = open_store(options);
    SyncStore sync_store(*store);
    const std::int64_t day = 24LL * 3600 * 1000;
    // Three tickets the hub acknowledged two days ago (sent then), one from an hour ago.
    std::vector<SyncAck> old_acks;
    for (int i = 0; i < 3; ++i) old_acks.push_back({issue(*store, wall_clock_ms() - 2 * day).event_id, true, {}, {}});
    REQUIRE(sync_store.apply_acks(old_acks, wall_clock_ms() - 2 * day + 60000).ok());
    const Ticket recent = issue(*store, wall_clock_ms() - 3600 * 1000);
    REQUIRE(sync_store.apply_acks({{recent.event_id, true, {}, {}}}, wall_clock_ms() - 3600 * 1000).ok());
    const Ticket unsent = issue(*store, wall_clock_ms());
    const auto outbox = [&] { return query_texts(options.path, "SELECT event_id FROM outbox ORDER BY device_seq"); };
    REQUIRE(outbox().size() == 5);

    auto engine = start_engine(options, engine_options(hub.connection(kiosk.token)));
    REQUIRE(wait_until([&] { return drained(*engine) && outbox().size() == 2; }, 10s));
    CHECK(outbox() == std::vector<std::string>{recent.event_id, unsent.event_id});
    CHECK(hub.copies_of(unsent.event_id) == 1);
    // The next event is numbered above every event the device ever made, pruned or not.
    const Ticket next = issue(*store, wall_clock_ms());
    CHECK(next.event_id == "kiosk-a:6");
}

TEST_CASE("a kiosk's own tickets older than the log window leave it once the hub has them; numbering goes on") {
    TempDir dir;
    const auto options = kiosk_options(dir.path() / "kiosk.db", "kiosk-a", 'A');
    auto store = open_store(options);
    SyncStore sync_store(*store);
    const std::int64_t day = 24LL * 3600 * 1000, now = wall_clock_ms();
    std::vector<SyncAck> acks;
    for (int i = 0; i < 3; ++i) acks.push_back({issue(*store, now - 5 * day).event_id, true, {}, {}});
    const Ticket never_sent = issue(*store, now - 5 * day);  // a kiosk offline since: its ticket stays
    for (int i = 0; i < 2; ++i) acks.push_back({issue(*store, now).event_id, true, {}, {}});
    REQUIRE(sync_store.apply_acks(acks, now).ok());
    REQUIRE(query_int(options.path, "SELECT count(*) FROM tickets") == 6);

    sync::tidy_store(*store, now, 0, 30 * day, engine_options(sync::Connection{}));
    CHECK(query_int(options.path, "SELECT count(*) FROM tickets") == 3);
    CHECK(query_int(options.path, "SELECT count(*) FROM tickets WHERE event_id = '" + never_sent.event_id + "'") == 1);
    CHECK(query_texts(options.path, "SELECT service_day FROM day_counters") == std::vector<std::string>{service_day_of(now)});
    // Today's numbers go on where they were.
    CHECK(issue(*store, now).number.text() == "A 003");
}

TEST_CASE("past the hub's retention, no device's file holds a name, phone, description or staff id") {
    hub::HubOptions hub_options;
    hub_options.retention_ms = 3000;
    HubFixture hub(hub_options);
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto desk = hub.enrol(Role::reception, "desk-a");
    const auto kiosk_file = hub.dir() / "kiosk.db";
    const auto desk_file = hub.dir() / "desk.db";
    auto kiosk_store = open_store(kiosk_options(kiosk_file, "kiosk-a", 'A'));
    auto desk_store = open_store(kiosk_options(desk_file, "desk-a", 'R'));
    const std::vector<std::string> personal = {"Ingrid Personsen", "41234567", "husleia i januar", "kari-staff"};
    TicketRequest request = plain_request();
    request.name = personal[0];
    request.phone = personal[1];
    request.description = "Trenger hjelp med " + personal[2];
    auto ticket = kiosk_store->issue_ticket(request, shipped_catalogue(), wall_clock_ms());
    REQUIRE(ticket.ok());
    sync::SyncOptions tidy_often = engine_options(hub.connection(desk.token));
    tidy_often.tidy_every_ms = 1000;
    auto kiosk_engine = start_engine(kiosk_options(kiosk_file, "kiosk-a", 'A'), engine_options(hub.connection(kiosk.token)));
    auto desk_engine = start_engine(kiosk_options(desk_file, "desk-a", 'R'), tidy_often);
    const auto holds = [](const std::filesystem::path& file, const std::string& table, const std::string& text) {
        return query_int(file, "SELECT count(*) FROM " + table + " WHERE body LIKE '%" + text + "%'");
    };
    // Reception gets the person (it calls them by name); a call by a staff member, and one
    // the hub refuses (already called), with that member's id.
    REQUIRE(wait_until([&] { return holds(desk_file, "merged_log", personal[0]) == 1; }, 10s));
    SyncStore desk_sync(*desk_store);
    REQUIRE(desk_sync.record_event(TicketCalled{ticket->event_id, "2"}, wall_clock_ms(), personal[3]).ok());
    REQUIRE(desk_sync.record_event(TicketCalled{ticket->event_id, "3"}, wall_clock_ms(), personal[3]).ok());
    desk_engine->notify_local_event();
    REQUIRE(wait_until([&] { return holds(desk_file, "merged_log", personal[3]) == 1; }, 10s));
    REQUIRE(wait_until([&] { return desk_engine->status().dead_letters == 1 && kiosk_engine->status().cursor >= 2; }, 10s));
    CHECK(holds(desk_file, "dead_letters", personal[3]) == 1);
    // Kiosks get neither the person nor the staff id.
    for (const std::string& text : personal) CHECK(holds(kiosk_file, "merged_log", text) == 0);

    // Past the retention, reception's copies lose them too.
    REQUIRE(wait_until([&] {
        for (const std::string& text : personal)
            if (holds(desk_file, "merged_log", text) + holds(desk_file, "dead_letters", text) != 0) return false;
        return true;
    }, 15s));
    // The queue still reads: the ticket, called at counter 2.
    auto queue = desk_sync.queue_state();
    REQUIRE(queue.ok());
    REQUIRE(queue->find(ticket->event_id) != nullptr);
    CHECK(queue->find(ticket->event_id)->counter == "2");

    // Not in the files' bytes either (write-ahead logs checkpointed away as the last
    // connection closes).
    desk_engine.reset();
    kiosk_engine.reset();
    desk_store.reset();
    kiosk_store.reset();
    for (const auto& file : {kiosk_file, desk_file}) {
        CHECK_FALSE(std::filesystem::exists(file.string() + "-wal"));
        std::ifstream in(file, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        REQUIRE(bytes.size() > 0);
        for (const std::string& text : personal) CHECK_MESSAGE(bytes.find(text) == std::string::npos, file, ": ", text);
    }
}

TEST_CASE("a ticket issued offline reaches the hub exactly once, and the kiosk forgets the person") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto options = kiosk_options(hub.dir() / "kiosk.db", "kiosk-a", 'A');
    auto store = open_store(options);
    std::vector<Ticket> tickets;
    for (int i = 0; i < 3; ++i) tickets.push_back(issue(*store, wall_clock_ms()));  // no engine yet: offline
    auto engine = start_engine(options, engine_options(hub.connection(kiosk.token)));
    REQUIRE(wait_until([&] { return drained(*engine) && engine->status().cursor >= 3; }, 10s));
    for (const Ticket& t : tickets) {
        CHECK(hub.copies_of(t.event_id) == 1);
        const auto local = store->find_ticket(t.event_id);
        REQUIRE(local.ok());
        REQUIRE(local->has_value());
        CHECK((*local)->request.name.empty());
        CHECK((*local)->request.phone.empty());
        CHECK((*local)->request.description.empty());
        CHECK((*local)->number == t.number);  // number, need and state stay for the queue
        CHECK((*local)->request.need_id == t.request.need_id);
    }
    CHECK(query_int(options.path, "SELECT count(*) FROM outbox WHERE body LIKE '%Ola%'") == 0);
    CHECK(query_int(options.path, "SELECT count(*) FROM merged_log WHERE body LIKE '%Ola%'") == 0);
    // The hub keeps them (for the retention period), for reception.
    CHECK(hub.store().queue_state().find(tickets[0].event_id)->ticket.request.name == "Ola Nordmann");
    const auto status = engine->status();
    CHECK(status.online);
    CHECK(status.last_sync_ms.has_value());
    CHECK(status.dead_letters == 0);
    CHECK(status.cursor == hub.store().last_seq());
}

TEST_CASE("two kiosks and two reception consoles converge to the same queue") {
    HubFixture hub;
    const auto k1 = hub.enrol(Role::kiosk, "kiosk-a");
    const auto k2 = hub.enrol(Role::kiosk, "kiosk-b");
    const auto r1 = hub.enrol(Role::reception, "desk-1");
    const auto r2 = hub.enrol(Role::reception, "desk-2");
    const std::vector<std::pair<EnrolledDevice, char>> devices = {{k1, 'A'}, {k2, 'B'}, {r1, 'R'}, {r2, 'S'}};
    std::vector<StoreOptions> options;
    std::vector<std::unique_ptr<Store>> stores;
    std::vector<std::unique_ptr<sync::SyncEngine>> engines;
    for (const auto& [device, letter] : devices) {
        options.push_back(kiosk_options(hub.dir() / (device.device_id + ".db"), device.device_id, letter));
        stores.push_back(open_store(options.back()));
        engines.push_back(start_engine(options.back(), engine_options(hub.connection(device.token))));
    }
    std::vector<std::string> issued;
    for (int i = 0; i < 5; ++i)
        for (int k = 0; k < 2; ++k) {
            issued.push_back(issue(*stores[k], wall_clock_ms()).event_id);
            engines[k]->notify_local_event();
        }
    const auto everyone_at = [&](std::int64_t seq) {
        for (const auto& e : engines)
            if (e->status().cursor < seq || e->status().outbox_depth != 0) return false;
        return true;
    };
    REQUIRE(wait_until([&] { return everyone_at(10); }, 15s));

    // Both desks call the first ticket; whichever reaches the hub second is told.
    SyncStore desk1(*stores[2]);
    SyncStore desk2(*stores[3]);
    REQUIRE(desk1.record_event(TicketCalled{issued[0], "1"}, wall_clock_ms()).ok());
    REQUIRE(desk2.record_event(TicketCalled{issued[0], "2"}, wall_clock_ms()).ok());
    REQUIRE(desk2.record_event(TicketCalled{issued[1], "2"}, wall_clock_ms()).ok());
    REQUIRE(desk1.record_event(TicketServed{issued[0], {}}, wall_clock_ms()).ok());
    REQUIRE(desk2.record_event(TicketTransferred{issued[1], plain_request().need_id, {}}, wall_clock_ms()).ok());
    REQUIRE(desk1.record_event(TicketCancelled{issued[2], CancelReason::none}, wall_clock_ms()).ok());
    engines[2]->notify_local_event();
    engines[3]->notify_local_event();
    REQUIRE(wait_until([&] { return everyone_at(hub.store().last_seq()) && hub.store().last_seq() >= 14; }, 15s));
    REQUIRE(wait_until([&] { return everyone_at(hub.store().last_seq()); }, 5s));

    const std::int64_t dead = engines[2]->status().dead_letters + engines[3]->status().dead_letters;
    CHECK(dead == 1);  // exactly one desk lost the race for ticket 1 and sees it
    std::map<std::string, TicketState> hub_states;
    const QueueState hub_queue = hub.store().queue_state();
    for (const auto& [id, t] : hub_queue.tickets()) hub_states[id] = t.state;
    CHECK(hub_states.size() == 10);
    CHECK(hub_states[issued[0]] == TicketState::served);
    CHECK(hub_states[issued[1]] == TicketState::waiting);
    CHECK(hub_states[issued[2]] == TicketState::cancelled);
    for (auto& store : stores) CHECK(states_of(*store) == hub_states);
    // The kiosk's own ticket row follows the staff actions.
    CHECK((*stores[0]->find_ticket(issued[0]))->state == TicketState::served);
}

TEST_CASE("the engine wakes at once for a new local event and is idle otherwise") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto options = kiosk_options(hub.dir() / "kiosk.db", "kiosk-a", 'A');
    auto store = open_store(options);
    auto engine = start_engine(options, engine_options(hub.connection(kiosk.token), /*pull=*/false));
    REQUIRE(wait_until([&] { return engine->status().outbox_depth == 0; }, 5s));
    const auto pushes_before = engine->status().pushes;
    const Ticket t = issue(*store, wall_clock_ms());
    const auto start = std::chrono::steady_clock::now();
    engine->notify_local_event();
    // The engine's idle wait is 60 s; only the wake-up gets the ticket there this fast.
    REQUIRE(wait_until([&] { return hub.copies_of(t.event_id) == 1; }, 5s, 2ms));
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    CHECK(wait_until([&] { return engine->status().pushes == pushes_before + 1; }, 5s));
}

TEST_CASE("an engine with the hub away backs off instead of spinning") {
    TempDir dir;
    const auto options = kiosk_options(dir / "kiosk.db", "kiosk-a", 'A');
    auto store = open_store(options);
    issue(*store, wall_clock_ms());
    sync::Connection nowhere;
    nowhere.hub_url = "http://127.0.0.1:9";  // discard port: nothing listens
    nowhere.connect_timeout_ms = 500;
    auto engine_settings = engine_options(nowhere);
    engine_settings.backoff_cap_ms = 400;
    auto engine = start_engine(options, engine_settings);
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(wait_until([&] { return engine->status().failures >= 6; }, 10s));
    wait_until([&] { return std::chrono::steady_clock::now() - start > 1500ms; }, 2s);
    const auto status = engine->status();
    CHECK_FALSE(status.online);
    CHECK(status.outbox_depth == 1);
    CHECK_FALSE(status.last_error.empty());
    // Two call kinds, each at most one attempt per jittered wait of up to 400 ms: a spinning
    // engine would fail thousands of times in 1.5 s.
    CHECK(status.failures < 80);
}

TEST_CASE("clock skew of a day either way on one kiosk: the hub still calls in arrival order") {
    for (const std::int64_t skew : {-86400000LL, 86400000LL}) {
        CAPTURE(skew);
        TwoKiosks k;
        auto skewed_settings = engine_options(k.hub.connection(k.b.token), false);
        skewed_settings.device_clock = [skew] { return wall_clock_ms() + skew; };
        auto skewed_engine = start_engine(k.b_options, skewed_settings);

        // Visitors alternate between the kiosks, a little apart in real time.
        std::vector<std::string> arrival;
        for (int i = 0; i < 4; ++i) {
            const bool on_skewed = i % 2 == 1;
            Store& store = on_skewed ? *k.b_store : *k.a_store;
            const Ticket t = issue(store, wall_clock_ms() + (on_skewed ? skew : 0));
            arrival.push_back(t.number.text());
            (on_skewed ? skewed_engine : k.a_engine)->notify_local_event();
            REQUIRE(wait_until([&] { return k.hub.copies_of(t.event_id) == 1; }, 5s, 2ms));
            pause_between_visitors();
        }
        CHECK(k.hub_queue() == arrival);
    }
}

TEST_CASE("a clock step between issuing and pushing: the ticket keeps its real place in the queue") {
    // A kiosk whose clock is a day off (a power cut) issues a ticket offline; NTP then steps
    // its clock right before it reaches the hub. Its offset measured at the push is ~0,
    // which without the monotonic stamps would place that ticket a day early (top of the
    // queue, "waited 24 hours") or a day late (behind everyone).
    for (const std::int64_t skew : {-86400000LL, 86400000LL}) {
        CAPTURE(skew);
        TwoKiosks k;
        // Kiosk B's monotonic clock: real elapsed time, one boot all along.
        const auto boot_start = std::chrono::steady_clock::now();
        const auto boot_ms = [boot_start] {
            return 3600000 + std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                                   boot_start).count();
        };
        std::atomic<std::int64_t> b_skew{skew};
        const auto b_clocks = [&] { return ClockReading{wall_clock_ms() + b_skew.load(), boot_ms(), "boot-b", std::nullopt}; };

        std::vector<std::string> arrival;
        const auto on_good = [&] {
            const Ticket t = issue(*k.a_store, wall_clock_ms());
            arrival.push_back(t.number.text());
            k.a_engine->notify_local_event();
            REQUIRE(wait_until([&] { return k.hub.copies_of(t.event_id) == 1; }, 5s, 2ms));
            pause_between_visitors();
        };
        const auto on_stepped = [&] {
            auto t = k.b_store->issue_ticket(plain_request(), shipped_catalogue(), b_clocks());
            REQUIRE(t.ok());
            arrival.push_back(t->number.text());
            pause_between_visitors();
            return *t;
        };
        on_good();
        const Ticket offline = on_stepped();  // B is offline, its clock a day off
        on_good();
        b_skew = 0;  // NTP steps B's clock right
        const Ticket after_step = on_stepped();
        // B reaches the hub now: both its tickets in one outbox, made on two different clocks.
        auto settings = engine_options(k.hub.connection(k.b.token), false);
        settings.device_clock = [&] { return wall_clock_ms() + b_skew.load(); };
        settings.monotonic_clock = b_clocks;
        auto stepped_engine = start_engine(k.b_options, settings);
        REQUIRE(wait_until([&] { return k.hub.copies_of(offline.event_id) == 1 && k.hub.copies_of(after_step.event_id) == 1; },
                           10s, 2ms));
        CHECK(k.hub_queue() == arrival);
        // The offline ticket's measured offset is the day its clock was off, to the second.
        const auto offset = query_int(k.hub.dir() / "hub" / "hub.db",
                                      "SELECT device_clock_offset_ms FROM events WHERE event_id = '" + offline.event_id + "'");
        CHECK(std::llabs(offset - skew) < 5000);
    }
}

TEST_CASE("skranke-sync enrols a store with a code, and the engine then syncs with what it saved") {
    HubFixture hub;
    const auto options = kiosk_options(hub.dir() / "kiosk.db", "kiosk-a", 'A');
    {
        auto store = open_store(options);
        issue(*store, wall_clock_ms());
    }
    auto code = hub.store().create_enrol_code(Role::kiosk, wall_clock_ms(), 60000);
    REQUIRE(code.ok());
    const auto out = hub.dir() / "enrol.txt";
    const std::string command = std::string(SKRANKE_SYNC_TOOL) + " --store " + options.path.string() +
                                " enrol --hub " + hub.url() + " --code " + *code + " > " + out.string();
    REQUIRE(std::system(command.c_str()) == 0);
    auto store = open_store(options);
    SyncStore sync_store(*store);
    auto saved = sync::load_saved_hub(sync_store);
    REQUIRE(saved.ok());
    REQUIRE(saved->has_value());
    CHECK((*saved)->hub_url == hub.url());
    // The code is used up: a second enrolment with it fails.
    CHECK(std::system(command.c_str()) != 0);
    auto engine = start_engine(options, engine_options(**saved, false));
    REQUIRE(wait_until([&] { return drained(*engine); }, 10s));
    CHECK(hub.copies_of("kiosk-a:1") == 1);
}

TEST_CASE("a kiosk that starts with a backlog sends it before it tidies its store") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    TempDir dir;
    const auto options = kiosk_options(dir / "kiosk.db", "kiosk-a", 'A');
    const auto first = issue_named_tickets(options, 1);
    {  // the first ticket reaches the hub: acknowledged, so a tidy may prune it
        auto engine = start_engine(options, engine_options(hub.connection(kiosk.token), false));
        REQUIRE(wait_until([&] { return engine->status().outbox_depth == 0; }, 10s));
    }
    REQUIRE(outbox_ids(options.path) == first);
    issue_named_tickets(options, 3);  // the backlog, waiting when the kiosk starts again
    sync::SyncOptions prune_at_once = engine_options(hub.connection(kiosk.token), false);
    prune_at_once.outbox_keep_ms = 0;  // every acknowledged event may leave at the first tidy
    const auto storing = std::make_shared<LineWatch>("events=3 storing");
    const LogTo watching(storing);
    FileWriteLock held(hub.dir() / "hub" / "hub.db");  // the backlog's push waits inside the hub
    auto engine = start_engine(options, prune_at_once);
    REQUIRE(storing->wait(10s));
    // The push is at the hub and the tidy has not run: the acknowledged ticket is still there.
    CHECK(outbox_ids(options.path).size() == 4);
    held.release();
    REQUIRE(wait_until([&] { return engine->status().outbox_depth == 0; }, 10s));
    // Then the tidy runs, with the backlog sent.
    CHECK(wait_until([&] {
        const auto ids = outbox_ids(options.path);
        return std::find(ids.begin(), ids.end(), first.front()) == ids.end();
    }, 10s));
}
