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
    REQUIRE_FALSE(state.apply(issued_event("kiosk-a", 1, t0)));
    CHECK(state.find("kiosk-a:1")->state == TicketState::waiting);
    CHECK_FALSE(state.apply(staff_event("ticket.called", "desk-1", 1, "kiosk-a:1", t0)));
    CHECK(state.find("kiosk-a:1")->called_by == "desk-1");
    const auto second = state.apply(staff_event("ticket.called", "desk-2", 1, "kiosk-a:1", t0));
    REQUIRE(second);
    CHECK(second->code == "already_called");
    CHECK(state.find("kiosk-a:1")->called_by == "desk-1");  // the loser changed nothing
    CHECK_FALSE(state.apply(staff_event("ticket.recalled", "desk-1", 2, "kiosk-a:1", t0)));
    CHECK(state.find("kiosk-a:1")->recalls == 1);
    CHECK_FALSE(state.apply(staff_event("ticket.transferred", "desk-1", 3, "kiosk-a:1", t0)));
    CHECK(state.find("kiosk-a:1")->state == TicketState::waiting);
    CHECK_FALSE(state.apply(staff_event("ticket.called", "desk-2", 2, "kiosk-a:1", t0)));
    CHECK_FALSE(state.apply(staff_event("ticket.served", "desk-2", 3, "kiosk-a:1", t0)));
    CHECK(state.find("kiosk-a:1")->state == TicketState::served);
    CHECK(state.apply(staff_event("ticket.called", "desk-1", 4, "kiosk-a:1", t0))->code == "ticket_closed");
    CHECK(state.apply(staff_event("ticket.no_show", "desk-1", 5, "kiosk-a:1", t0))->code == "not_called");
}

TEST_CASE("actions on unknown tickets and malformed events are conflicts, not crashes") {
    QueueState state;
    CHECK(state.apply(staff_event("ticket.called", "desk-1", 1, "kiosk-x:9", 0))->code == "unknown_ticket");
    CHECK(state.apply(nlohmann::json::array())->code == "bad_event");
    CHECK(state.apply(nlohmann::json{{"type", "ticket.issued"}, {"event_id", "k:1"}})->code == "bad_event");
    CHECK(state.tickets().empty());
}

TEST_CASE("the same events fold to the same queue, and waiting entries carry the hub's clock facts") {
    const auto t0 = test_time_ms();
    std::vector<KnownEvent> events;
    for (int i = 1; i <= 5; ++i) events.push_back({issued_event("kiosk-a", i, t0 + i * 1000), {i, t0 + i * 1000, -86400000}});
    events.push_back({staff_event("ticket.called", "desk-1", 1, "kiosk-a:2", t0), {6, t0, 0}});
    events.push_back({staff_event("ticket.cancelled", "desk-1", 2, "kiosk-a:3", t0), {7, t0, 0}});
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
    state.apply(issued_event("kiosk-a", 1, t0), {1, t0, 0});
    state.apply(issued_event("kiosk-a", 2, t0 + 86400000), {2, t0 + 86400000, 0});
    state.forget_issued_before(t0 + 1000);
    CHECK(state.find("kiosk-a:1") == nullptr);
    CHECK(state.find("kiosk-a:2") != nullptr);
    CHECK(state.apply(staff_event("ticket.called", "desk-1", 1, "kiosk-a:1", t0))->code == "unknown_ticket");
}
