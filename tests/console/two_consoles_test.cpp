// Two reception consoles (two stores, two sync engines) and a waiting-room display against a
// real hub on 127.0.0.1: every ticket is called exactly once, the console that loses a
// simultaneous call is told "already called", and a call reaches the display within 1 s.
#include <doctest/doctest.h>

#include "console/console_app.hpp"
#include "display/display_app.hpp"
#include "domain/office_time.hpp"
#include "support/headless_roles.hpp"
#include "support/hub_devices.hpp"
#include "support/hub_fixture.hpp"
#include "support/store_fixture.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using protocol::Role;

using Counter = HubConsole;

TEST_CASE("two consoles against a real hub: every ticket is called exactly once, the loser hears 'already called'") {
    HubFixture hub;
    add_reception_staff(hub);
    HubDevice kiosk = start_hub_device(hub, Role::kiosk, "kiosk-a");
    constexpr int tickets = 6;
    for (int i = 0; i < tickets; ++i) {
        TicketRequest r = plain_request();
        r.urgent = i == 3;
        REQUIRE(kiosk.store->issue_ticket(r, shipped_catalogue(), wall_clock_ms()).ok());
    }
    kiosk.engine->notify_local_event();
    REQUIRE(wait_until([&] { return caught_up(hub, kiosk) && hub.store().last_seq() == tickets; }, 10s));
    Counter a = start_console(hub, "reception-a", "kari", "1");
    Counter b = start_console(hub, "reception-b", "ola", "2");
    REQUIRE(wait_until([&] { return caught_up(hub, a.device) && caught_up(hub, b.device); }, 10s));
    a.app->refresh();
    b.app->refresh();
    REQUIRE(a.app->state().waiting.size() == tickets);

    // Both press Call next at the same moment: both pick the same (urgent) ticket.
    const std::string contested = a.app->state().waiting.front().ticket_id;
    CHECK(b.app->state().waiting.front().ticket_id == contested);
    a.apply(console::IntentKind::call_next);
    b.apply(console::IntentKind::call_next);
    // Caught up at the store is not yet on screen: each console's queue view takes the hub's
    // answers in on its own thread, so look until one has the ticket and the other the refusal.
    REQUIRE(wait_until(
        [&] {
            if (!caught_up(hub, a.device) || !caught_up(hub, b.device)) return false;
            a.app->refresh();
            b.app->refresh();
            const bool one_has_it = a.app->state().current.has_value() != b.app->state().current.has_value();
            const Counter& other = a.app->state().current ? b : a;
            return one_has_it && other.app->state().notice.error;
        },
        10s));
    const bool a_won = a.app->state().current.has_value();
    Counter& winner = a_won ? a : b;
    Counter& loser = a_won ? b : a;
    REQUIRE(winner.app->state().current);
    CHECK(winner.app->state().current->ticket_id == contested);
    CHECK_FALSE(loser.app->state().current);
    CHECK(loser.app->state().notice.error);
    CHECK(loser.app->state().notice.text.find("allerede ropt opp av skranke " + winner.app->state().counter) !=
          std::string::npos);

    // Both keep working until the queue is empty, racing each other all the way.
    for (int round = 0; round < 40; ++round) {
        for (Counter* c : {&a, &b}) {
            c->app->refresh();
            if (c->app->state().current) c->apply(console::IntentKind::served);
            else if (!c->app->state().waiting.empty()) c->apply(console::IntentKind::call_next);
        }
        REQUIRE(wait_until([&] { return caught_up(hub, a.device) && caught_up(hub, b.device); }, 10s));
        a.app->refresh();
        b.app->refresh();
        if (a.app->state().waiting.empty() && b.app->state().waiting.empty() && !a.app->state().current &&
            !b.app->state().current)
            break;
    }
    const auto hub_db = hub.dir() / "hub" / "hub.db";
    for (Counter* c : {&a, &b}) CHECK_MESSAGE(!c->app->state().current, c->app->state().notice.text);
    CHECK(query_int(hub_db, "SELECT count(DISTINCT json_extract(body, '$.ticket_id')) FROM events WHERE type = 'ticket.called'") ==
          tickets);
    CHECK(query_int(hub_db, "SELECT count(*) FROM events WHERE type = 'ticket.called'") == tickets);
    CHECK(query_int(hub_db, "SELECT count(*) FROM events WHERE type = 'ticket.served'") == tickets);
    CHECK(query_int(hub_db, "SELECT count(*) FROM rejections WHERE code = 'already_called'") >= 1);
}

TEST_CASE("a call shows on the display's store within 1 s on loopback") {
    HubFixture hub;
    add_reception_staff(hub);
    HubDevice kiosk = start_hub_device(hub, Role::kiosk, "kiosk-a");
    REQUIRE(kiosk.store->issue_ticket(plain_request(), shipped_catalogue(), wall_clock_ms()).ok());
    kiosk.engine->notify_local_event();
    HubDevice screen = start_hub_device(hub, Role::display, "display-a");
    Counter a = start_console(hub, "reception-a", "kari", "1");
    REQUIRE(wait_until([&] { return caught_up(hub, a.device) && caught_up(hub, screen) && hub.store().last_seq() == 1; }, 10s));
    display::DisplayServices services;
    services.view = screen.view.get();
    display::DisplayApp display(services);
    display.tick(1);
    CHECK_FALSE(display.state().newest);

    a.app->refresh();
    const auto pressed = std::chrono::steady_clock::now();
    a.apply(console::IntentKind::call_next);
    double t = 2;
    const bool shown = wait_until([&] {
        display.tick(t += 0.01);
        return display.state().newest.has_value();
    }, 1000ms, 5ms);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - pressed);
    CAPTURE(took.count());
    REQUIRE(shown);
    CHECK(display.state().newest->counter == "1");
    CHECK(display.state().newest->number == "A 001");
}
