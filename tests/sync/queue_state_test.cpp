// The queue is a pure fold over events: the same events in the same order give the same
// queue on every device, and a second call of the same ticket is a conflict.
#include <doctest/doctest.h>

#include "domain/queue_state.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"

using namespace skranke;
using namespace skranke::test;

TEST_CASE("a called ticket cannot be called again until it is transferred back to waiting") {
    QueueState state;
    const auto t0 = test_time_ms();
    REQUIRE_FALSE(state.apply(issued_typed("kiosk-a", 1, t0)));
    CHECK(state.find("kiosk-a:1")->state == TicketState::waiting);
    CHECK_FALSE(state.apply(staff_typed("ticket.called", "desk-1", 1, "kiosk-a:1", t0)));
    CHECK(state.find("kiosk-a:1")->called_by == "desk-1");
    const auto second = state.apply(staff_typed("ticket.called", "desk-2", 1, "kiosk-a:1", t0));
    REQUIRE(second);
    CHECK(second->code == "already_called");
    CHECK(state.find("kiosk-a:1")->called_by == "desk-1");  // the loser changed nothing
    CHECK_FALSE(state.apply(staff_typed("ticket.recalled", "desk-1", 2, "kiosk-a:1", t0)));
    CHECK(state.find("kiosk-a:1")->recalls == 1);
    CHECK_FALSE(state.apply(staff_typed("ticket.transferred", "desk-1", 3, "kiosk-a:1", t0)));
    CHECK(state.find("kiosk-a:1")->state == TicketState::waiting);
    CHECK_FALSE(state.apply(staff_typed("ticket.called", "desk-2", 2, "kiosk-a:1", t0)));
    CHECK_FALSE(state.apply(staff_typed("ticket.served", "desk-2", 3, "kiosk-a:1", t0)));
    CHECK(state.find("kiosk-a:1")->state == TicketState::served);
    CHECK(state.apply(staff_typed("ticket.called", "desk-1", 4, "kiosk-a:1", t0))->code == "ticket_closed");
    CHECK(state.apply(staff_typed("ticket.no_show", "desk-1", 5, "kiosk-a:1", t0))->code == "not_called");
}

TEST_CASE("actions on unknown tickets are conflicts, and a ticket is issued once") {
    QueueState state;
    const auto t0 = test_time_ms();
    CHECK(state.apply(staff_typed("ticket.called", "desk-1", 1, "kiosk-x:9", t0))->code == "unknown_ticket");
    CHECK(state.tickets().empty());
    REQUIRE_FALSE(state.apply(issued_typed("kiosk-a", 1, t0)));
    CHECK(state.apply(issued_typed("kiosk-a", 1, t0))->code == "duplicate");
}

TEST_CASE("an action more than two days after its ticket reached the hub is refused, by the log's clock alone") {
    QueueState state;
    const auto t0 = test_time_ms();
    constexpr std::int64_t day = 24LL * 3600 * 1000;
    REQUIRE_FALSE(state.apply(issued_typed("kiosk-a", 1, t0), {1, t0, 0}));
    REQUIRE_FALSE(state.apply(issued_typed("kiosk-a", 2, t0), {2, t0, 0}));
    // The same fold on any device, at any wall time, decides the same: only the two hub times count.
    const auto late = state.check(staff_typed("ticket.called", "desk-1", 1, "kiosk-a:1", t0), {3, t0 + 2 * day + 1, 0});
    REQUIRE(late);
    CHECK(late->code == "unknown_ticket");
    CHECK_FALSE(state.check(staff_typed("ticket.called", "desk-1", 1, "kiosk-a:1", t0), {3, t0 + 2 * day, 0}));
    // A device's own action the hub has not seen yet has no hub time: it is not refused here.
    CHECK_FALSE(state.check(staff_typed("ticket.called", "desk-1", 1, "kiosk-a:1", t0)));
}

TEST_CASE("a ticket put back as it was undoes an apply exactly") {
    QueueState state;
    const auto t0 = test_time_ms();
    REQUIRE_FALSE(state.apply(issued_typed("kiosk-a", 1, t0), {1, t0, 0}));
    const QueueTicketRef before = state.shared("kiosk-a:1");
    REQUIRE_FALSE(state.apply(staff_typed("ticket.called", "desk-1", 1, "kiosk-a:1", t0), {2, t0, 0}));
    state.restore("kiosk-a:1", before);
    CHECK(state.find("kiosk-a:1")->state == TicketState::waiting);
    CHECK(state.find("kiosk-a:1")->called_by.empty());
    REQUIRE_FALSE(state.apply(issued_typed("kiosk-a", 2, t0), {3, t0, 0}));
    state.restore("kiosk-a:2", nullptr);
    CHECK(state.find("kiosk-a:2") == nullptr);
}

TEST_CASE("the same events fold to the same queue, and waiting entries carry the hub's clock facts") {
    const auto t0 = test_time_ms();
    std::vector<KnownEvent> events;
    for (int i = 1; i <= 5; ++i) events.push_back({issued_typed("kiosk-a", i, t0 + i * 1000), {i, t0 + i * 1000, -86400000}});
    events.push_back({staff_typed("ticket.called", "desk-1", 1, "kiosk-a:2", t0), {6, t0, 0}});
    events.push_back({staff_typed("ticket.cancelled", "desk-1", 2, "kiosk-a:3", t0), {7, t0, 0}});
    const QueueState a = fold_events(events);
    const QueueState b = fold_events(events);
    REQUIRE(a.tickets().size() == b.tickets().size());
    for (const auto& [id, t] : a.tickets()) CHECK(b.find(id)->state == t.state);
    const auto waiting = a.waiting_entries();
    REQUIRE(waiting.size() == 3);
    CHECK(waiting[0].device_clock_offset_ms == -86400000);
    CHECK(waiting[0].received_ms.has_value());
}

TEST_CASE("old tickets can be forgotten; acting on one is then an unknown ticket") {
    QueueState state;
    const auto t0 = test_time_ms();
    state.apply(issued_typed("kiosk-a", 1, t0), {1, t0, 0});
    state.apply(issued_typed("kiosk-a", 2, t0 + 86400000), {2, t0 + 86400000, 0});
    state.forget_issued_before(t0 + 1000);
    CHECK(state.find("kiosk-a:1") == nullptr);
    CHECK(state.find("kiosk-a:2") != nullptr);
    CHECK(state.apply(staff_typed("ticket.called", "desk-1", 1, "kiosk-a:1", t0))->code == "unknown_ticket");
}

TEST_CASE("the waiting room holds today's waiting tickets, not callback requests, called tickets or yesterday's") {
    QueueState state;
    const auto t0 = test_time_ms();
    const std::int64_t day = 86400000;
    for (int i = 1; i <= 4; ++i) state.apply(issued_typed("kiosk-a", i, t0 + i * 1000), {i, t0 + i * 1000, 0});
    Event callback = issued_typed("kiosk-a", 5, t0 + 5000);
    std::get<TicketIssued>(callback.body).ticket.request.channel = Channel::callback;
    state.apply(callback, {5, t0 + 5000, 0});
    state.apply(issued_typed("kiosk-b", 1, t0 - day), {6, t0 - day, 0});  // yesterday's, never called
    CHECK(people_in_room(state, t0 + 10000) == 4);
    state.apply(staff_typed("ticket.called", "desk-1", 1, "kiosk-a:1", t0 + 20000), {7, t0 + 20000, 0});
    state.apply(staff_typed("ticket.cancelled", "desk-1", 2, "kiosk-a:2", t0 + 20000), {8, t0 + 20000, 0});
    CHECK(people_in_room(state, t0 + 30000) == 2);
    CHECK(people_in_room(state, t0 + day) == 0);  // the next day's room starts empty
}

TEST_CASE("each SMS is claimed once per kind, while it says something, and its outcome told once by the claimer") {
    QueueState state;
    const auto t0 = test_time_ms();
    Event wish = issued_typed("kiosk-a", 1, t0);
    std::get<TicketIssued>(wish.body).ticket.request.sms_wanted = true;
    REQUIRE_FALSE(state.apply(wish));
    REQUIRE_FALSE(state.apply(issued_typed("kiosk-a", 2, t0)));
    const auto notified = [&](const std::string& device, std::int64_t seq, const std::string& ticket, NotifyKind kind,
                              NotifyOutcome outcome) {
        return staff_event(TicketNotified{ticket, kind, outcome, {}}, device, seq, t0);
    };
    using K = NotifyKind;
    using O = NotifyOutcome;
    CHECK(state.apply(notified("notify-1", 1, "kiosk-a:2", K::near_front, O::sending))->code == "no_sms_wanted");
    CHECK(state.apply(notified("notify-1", 2, "kiosk-a:1", K::called, O::sending))->code == "ticket_closed");  // not called
    CHECK(state.apply(notified("notify-1", 3, "kiosk-a:1", K::near_front, O::sent))->code == "not_claimed");
    REQUIRE_FALSE(state.apply(notified("notify-1", 4, "kiosk-a:1", K::near_front, O::sending)));
    CHECK(state.find("kiosk-a:1")->sms_of(K::near_front)->by_device == "notify-1");
    CHECK(state.find("kiosk-a:1")->sms_of(K::near_front)->claim_id == "notify-1:4");
    // A second notifier loses the claim, and may not tell how the first one's went.
    CHECK(state.apply(notified("notify-2", 1, "kiosk-a:1", K::near_front, O::sending))->code == "already_notified");
    CHECK(state.apply(notified("notify-2", 2, "kiosk-a:1", K::near_front, O::sent))->code == "not_claimed");
    REQUIRE_FALSE(state.apply(notified("notify-1", 5, "kiosk-a:1", K::near_front, O::sent)));
    CHECK(state.find("kiosk-a:1")->sms_of(K::near_front)->outcome == O::sent);
    CHECK(state.apply(notified("notify-1", 6, "kiosk-a:1", K::near_front, O::failed))->code == "already_notified");
    CHECK(state.find("kiosk-a:1")->state == TicketState::waiting);  // an SMS changes nothing else
    // Called: the near-front SMS cannot be claimed any more, the called one can.
    REQUIRE_FALSE(state.apply(staff_typed("ticket.called", "desk-1", 1, "kiosk-a:1", t0)));
    REQUIRE_FALSE(state.apply(notified("notify-2", 3, "kiosk-a:1", K::called, O::sending)));
    REQUIRE_FALSE(state.apply(
        staff_event(TicketNotified{"kiosk-a:1", K::called, O::failed, "the gateway answered 503"}, "notify-2", 4, t0)));
    CHECK(state.find("kiosk-a:1")->sms_of(K::called)->detail == "the gateway answered 503");
    CHECK(state.find("kiosk-a:1")->state == TicketState::called);
}

TEST_CASE("a visitor waiting outside for an SMS is in the queue but not in the room") {
    QueueState state;
    const auto t0 = test_time_ms();
    Event outside = issued_typed("kiosk-a", 1, t0);
    auto& request = std::get<TicketIssued>(outside.body).ticket.request;
    request.sms_wanted = true;
    request.waits_outside = true;
    REQUIRE_FALSE(state.apply(outside, {1, t0, 0}));
    REQUIRE_FALSE(state.apply(issued_typed("kiosk-a", 2, t0 + 1000), {2, t0 + 1000, 0}));
    CHECK(people_in_room(state, t0 + 2000) == 1);
    CHECK(people_ahead_in_room(state, "kiosk-a:2", t0 + 2000) == 1);  // the one outside is still before
}
