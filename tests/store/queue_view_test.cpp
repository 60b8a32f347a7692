// The queue view: snapshots made by applying each new log page to an incremental fold are
// the fold of everything the device knows, whatever happens in between (pages, own actions,
// the hub's acknowledgements and refusals, the window, the retention); a snapshot once taken
// never changes; and only what is new is read.
#include <doctest/doctest.h>

#include <chrono>
#include <random>

#include "domain/office_time.hpp"
#include "domain/statistics.hpp"
#include "protocol/event_codec.hpp"
#include "store/known_events.hpp"
#include "store/queue_view.hpp"
#include "store/sync_store.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

constexpr std::int64_t minute = 60'000, day = 24 * 60 * minute;

// What a screen could read of a fold, in one comparable text.
std::string reading(const LogFold& fold, const std::string& office_day) {
    std::string text;
    for (const auto& [id, t] : fold.queue().tickets())
        text += id + "=" + std::string(to_string(t.state)) + "@" + t.counter + "/" + t.ticket.request.need_id + "/" +
                t.ticket.request.name + ";";
    text += "|calls:";
    for (const CallRecord& c : fold.calls()) text += c.event_id + ">" + c.counter + ",";
    const DayFigures f = compute_day_figures(fold.day_timelines(office_day));
    text += "|figures:" + std::to_string(f.issued) + "," + std::to_string(f.served) + "," + std::to_string(f.waiting_now);
    text += "|service:";
    for (std::int64_t ms : fold.recent_service_ms(0, 50)) text += std::to_string(ms) + ",";
    return text;
}

// The same from scratch: every event the device knows, folded in one go.
std::string full_reading(Store& store, const std::string& office_day) {
    auto events = known_events(store);
    REQUIRE(events.ok());
    LogFold fold;
    for (const KnownEvent& e : *events) fold.apply(e);
    return reading(fold, office_day);
}

struct Office {
    TempDir dir;
    std::unique_ptr<Store> kiosk = open(dir / "kiosk.db", "kiosk-b", 'B');
    std::unique_ptr<Store> desk = open(dir / "desk.db", "desk-a", 'A');
    SyncStore desk_sync{*desk};
    std::int64_t hub_seq = 0;
    std::int64_t now = test_time_ms();
    std::vector<std::string> tickets;  // ticket ids the hub holds

    static std::unique_ptr<Store> open(const std::filesystem::path& file, const std::string& id, char letter) {
        StoreOptions options;
        options.path = file;
        options.device_id = id;
        options.kiosk_letter = letter;
        auto store = Store::open(options);
        REQUIRE(store.ok());
        return std::move(*store);
    }
    void merge(Event event) {
        REQUIRE(desk_sync.apply_log({{++hub_seq, now, std::nullopt, std::move(event)}}, hub_seq).ok());
    }
    void issue(const std::string& name) {
        TicketRequest request = plain_request();
        request.name = name;
        auto t = kiosk->issue_ticket(request, shipped_catalogue(), now);
        REQUIRE(t.ok());
        tickets.push_back(t->event_id);
        merge(issued_event(*t));
    }
};

}  // namespace

TEST_CASE("the queue view's snapshots are the fold of everything the device knows, step after step") {
    Office office;
    auto view = open_test_view(office.dir / "desk.db");
    std::mt19937 random(20261204);
    const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
    const std::string counters[] = {"1", "2", "3"};
    std::vector<OutboxEvent> own_unanswered;
    std::int64_t other_seq = 0;
    for (int step = 0; step < 400; ++step) {
        CAPTURE(step);
        office.now += minute;
        const std::size_t what = pick(10);
        if (what < 3 || office.tickets.empty()) {
            office.issue(step % 2 ? "Kari Nordmann" : "Ola Nordmann");
        } else if (what < 5) {  // another console acts (some of these conflict and change nothing)
            const std::string& id = office.tickets[pick(office.tickets.size())];
            const std::string& counter = counters[pick(3)];
            const EventBody actions[] = {TicketCalled{id, counter}, TicketServed{id, counter}, TicketNoShow{id, counter},
                                         TicketRecalled{id, counter}, TicketTransferred{id, "other", ""}};
            office.merge(staff_event(actions[pick(5)], "desk-z", ++other_seq, office.now, "ola"));
        } else if (what < 7) {  // this console acts
            const std::string& id = office.tickets[pick(office.tickets.size())];
            auto recorded = office.desk_sync.record_event(TicketCalled{id, "2"}, office.now, "kari");
            REQUIRE(recorded.ok());
            own_unanswered.push_back(*recorded);
        } else if (what < 9 && !own_unanswered.empty()) {  // the hub answers one of them
            const OutboxEvent own = own_unanswered.front();
            own_unanswered.erase(own_unanswered.begin());
            const bool stored = pick(4) != 0;
            REQUIRE(office.desk_sync.apply_acks({{own.event_id, stored, stored ? "" : "already_called", ""}}, office.now).ok());
            if (stored && pick(2) == 0) office.merge(*protocol::parse_event(own.body_json));  // its log page came too
        } else if (pick(3) == 0) {  // the window and the retention, as the engine's tidy runs them
            REQUIRE(office.desk_sync.leave_window(office.now - 30 * minute).ok());
            REQUIRE(office.desk_sync.remove_expired_personal(office.now - 20 * minute).ok());
        }
        const std::string today = service_day_of(office.now);
        const auto before = view->snapshot();
        const std::string before_reading = reading(before->fold, today);
        REQUIRE(view->update_now().ok());
        const auto after = view->snapshot();
        CHECK(reading(after->fold, today) == full_reading(*office.desk, today));
        // A snapshot a screen holds never changes under it.
        CHECK(reading(before->fold, today) == before_reading);
        CHECK(after->version >= before->version);
    }
}

TEST_CASE("the queue view reads only what is new, and starts again when the window or the retention changed the log") {
    Office office;
    for (int i = 0; i < 50; ++i) office.issue("Kari Nordmann");
    auto view = open_test_view(office.dir / "desk.db");
    CHECK(view->applied() == 50);
    const auto first = view->snapshot();
    REQUIRE(view->update_now().ok());
    CHECK(view->snapshot() == first);  // nothing written: no new snapshot
    for (int i = 0; i < 3; ++i) office.issue("Ola Nordmann");
    REQUIRE(view->update_now().ok());
    CHECK(view->applied() == 53);  // three more, not the fifty again
    CHECK(view->snapshot()->version == first->version + 1);
    CHECK(view->snapshot()->queue().tickets().size() == 53);

    // The retention empties names in entries already folded: the view folds again and shows none.
    office.now += 40 * day;
    REQUIRE(*office.desk_sync.remove_expired_personal(office.now - 30 * day) > 0);
    REQUIRE(view->update_now().ok());
    CHECK(view->applied() == 53);  // from the start
    for (const auto& [id, t] : view->snapshot()->queue().tickets()) CHECK(t.ticket.request.name.empty());

    // The window: the tickets no action can reach leave, and so they leave the view.
    office.issue("Per Hansen");
    REQUIRE(*office.desk_sync.leave_window(office.now - 3 * day) == 53);
    REQUIRE(view->update_now().ok());
    CHECK(view->applied() == 1);
    CHECK(view->snapshot()->queue().tickets().size() == 1);
}

TEST_CASE("the queue view's own events count until the hub's copy is in the log; refused ones never") {
    Office office;
    office.issue("Kari Nordmann");
    auto view = open_test_view(office.dir / "desk.db");
    auto call = office.desk_sync.record_event(TicketCalled{office.tickets[0], "2"}, office.now, "kari");
    REQUIRE(call.ok());
    REQUIRE(view->update_now().ok());
    CHECK(view->snapshot()->awaits_hub_copy(call->event_id));
    CHECK(view->snapshot()->queue().find(office.tickets[0])->state == TicketState::called);
    // Acknowledged, the log page not here yet: still counted (the ticket must not wait again).
    REQUIRE(office.desk_sync.apply_acks({{call->event_id, true, "", ""}}, office.now).ok());
    REQUIRE(view->update_now().ok());
    CHECK(view->snapshot()->awaits_hub_copy(call->event_id));
    CHECK(view->snapshot()->queue().find(office.tickets[0])->state == TicketState::called);
    office.merge(*protocol::parse_event(call->body_json));
    REQUIRE(view->update_now().ok());
    CHECK_FALSE(view->snapshot()->awaits_hub_copy(call->event_id));
    CHECK(view->snapshot()->queue().find(office.tickets[0])->state == TicketState::called);
    // A refused call is in the refusals, not in the queue.
    office.issue("Ola Nordmann");
    auto refused = office.desk_sync.record_event(TicketCalled{office.tickets[1], "2"}, office.now, "kari");
    REQUIRE(refused.ok());
    REQUIRE(office.desk_sync.apply_acks({{refused->event_id, false, "already_called", ""}}, office.now).ok());
    REQUIRE(view->update_now().ok());
    CHECK(view->snapshot()->queue().find(office.tickets[1])->state == TicketState::waiting);
    REQUIRE(view->snapshot()->refused.size() == 1);
    CHECK(view->snapshot()->refused[0].event_id == refused->event_id);
}

TEST_CASE("the queue view's thread takes a write it is told of, and one nobody told it of") {
    Office office;
    StoreOptions options;
    options.path = office.dir / "desk.db";
    QueueView::Options view_options;
    view_options.poll_ms = 50;
    auto view = QueueView::open(options, view_options);
    REQUIRE(view.ok());
    const auto shows = [&](std::size_t tickets) {  // up to 20 s, on a loaded machine
        return (*view)->wait_for([&](const QueueSnapshot& s) { return s.queue().tickets().size() == tickets; },
                                 std::chrono::seconds(20)) != nullptr;
    };
    office.issue("Kari Nordmann");
    (*view)->changed();
    CHECK(shows(1));
    office.issue("Ola Nordmann");  // nobody says: the thread's own look finds it
    CHECK(shows(2));
}
