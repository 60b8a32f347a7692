// One office clock: kiosks and a console whose own clocks are a day ahead or behind, against a
// real hub. Every ticket shows on every console as today's, is called in arrival order, and
// no number is given twice in the office day, also when a wrong clock is put right.
#include <doctest/doctest.h>

#include <set>

#include "console/console_app.hpp"
#include "domain/office_time.hpp"
#include "support/hub_devices.hpp"
#include "support/hub_fixture.hpp"
#include "support/store_fixture.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using protocol::Role;

namespace {

constexpr std::int64_t day_ms = 24LL * 3600 * 1000;

std::string joined(const std::vector<std::string>& numbers) {
    std::string text;
    for (const auto& n : numbers) text += (text.empty() ? "" : ", ") + n;
    return text;
}

std::string waiting_numbers(const console::ConsoleApp& app) {
    std::vector<std::string> numbers;
    for (const auto& row : app.state().waiting) numbers.push_back(row.number);
    return joined(numbers);
}

}  // namespace

TEST_CASE("kiosks and a console a day ahead and a day behind: one office day, arrival order, unique numbers") {
    HubFixture hub;
    add_reception_staff(hub);
    HubDevice right = start_hub_device(hub, Role::kiosk, "kiosk-a", 'A');
    HubDevice ahead = start_hub_device(hub, Role::kiosk, "kiosk-b", 'B', day_ms);
    HubDevice behind = start_hub_device(hub, Role::kiosk, "kiosk-c", 'C', -day_ms);
    HubConsole good = start_console(hub, "reception-a", "kari", "1");
    HubConsole late = start_console(hub, "reception-b", "ola", "2", -day_ms);

    // Visitors take tickets at the three kiosks in turn, a little apart in real time; each
    // kiosk numbers on its own clock.
    std::vector<std::string> arrival;
    const auto take = [&](HubDevice& kiosk) {
        auto t = kiosk.store->issue_ticket(plain_request(), shipped_catalogue(), kiosk.wall_ms());
        REQUIRE(t.ok());
        arrival.push_back(t->number.text());
        kiosk.engine->notify_local_event();
        REQUIRE(wait_until([&] { return hub.copies_of(t->event_id) == 1; }, 10s, 2ms));
        const auto next = std::chrono::steady_clock::now() + 30ms;
        wait_until([&] { return std::chrono::steady_clock::now() >= next; }, 1s, 5ms);
        return *t;
    };
    for (int round = 0; round < 2; ++round)
        for (HubDevice* kiosk : {&right, &ahead, &behind}) take(*kiosk);
    // Kiosk B's clock is put right (a day back): its numbers continue, no second "B 001".
    ahead.clock_skew_ms->store(0);
    const Ticket fixed = take(ahead);
    CHECK(fixed.number.text() == "B 003");

    REQUIRE(wait_until([&] { return caught_up(hub, good.device) && caught_up(hub, late.device); }, 10s));
    good.app->refresh();
    late.app->refresh();
    // Both consoles show every ticket as today's, in arrival order, whatever their own date.
    CHECK(good.app->state().day == service_day_of(wall_clock_ms()));
    CHECK(late.app->state().day == service_day_of(wall_clock_ms()));
    CHECK(waiting_numbers(*good.app) == joined(arrival));
    CHECK(waiting_numbers(*late.app) == joined(arrival));
    const std::set<std::string> distinct(arrival.begin(), arrival.end());
    CHECK(distinct.size() == arrival.size());

    // The late console calls them all, one after another: in arrival order.
    std::vector<std::string> called;
    for (std::size_t i = 0; i < arrival.size(); ++i) {
        late.apply(console::IntentKind::call_next);
        REQUIRE_MESSAGE(late.app->state().current, late.app->state().notice.text);
        called.push_back(late.app->state().current->number);
        late.apply(console::IntentKind::served);
        REQUIRE(wait_until([&] { return caught_up(hub, late.device); }, 10s));
        late.app->refresh();
    }
    CHECK(joined(called) == joined(arrival));
    CHECK(waiting_numbers(*late.app).empty());
}
