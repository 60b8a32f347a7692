// Along every path through the kiosk (walk-in, appointment, closed and callback) the step
// shown counts up by one to one total that never changes within the visit; and a screen
// that ends the visit has one way to finish, never two buttons that do the same.
#include <doctest/doctest.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "support/headless_kiosk.hpp"
#include "support/store_fixture.hpp"
#include "visitor/visitor_view.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;

namespace {

struct Shown {
    std::string page;
    int step = 0;  // 0: no step shown
    int total = 0;
};

// The "Step n of m" the visitor sees (English), read from the frame's visible text.
Shown shown(const HeadlessKiosk& kiosk) {
    Shown s{kiosk.page()};
    for (const auto& text : kiosk.spoken()) {
        int step = 0, total = 0;
        if (std::sscanf(text.c_str(), "Step %d of %d", &step, &total) == 2) {
            CHECK(s.step == 0);  // never two step texts on one screen
            s.step = step;
            s.total = total;
        }
    }
    // What is drawn is what the view model says.
    const auto [step, total] = skranke::visitor::step_of(kiosk.state());
    CHECK(s.step == step);
    CHECK(s.total == total);
    return s;
}

// Runs the taps, recording what each new screen shows; then checks the steps of the path.
std::vector<Shown> walk(HeadlessKiosk& kiosk, const std::vector<std::function<bool()>>& taps) {
    std::vector<Shown> seen{shown(kiosk)};
    for (const auto& tap : taps) {
        REQUIRE(tap());
        const Shown now = shown(kiosk);
        if (now.page != seen.back().page) seen.push_back(now);
    }
    return seen;
}

std::string describe(const std::vector<Shown>& seen) {
    std::string out;
    for (const auto& s : seen)
        out += s.page + (s.step ? " " + std::to_string(s.step) + "/" + std::to_string(s.total) : "") + "; ";
    return out;
}

// The steps shown along a forward path: one total, counting 1, 2, ... total, in order.
void check_counts_up(const std::vector<Shown>& seen, int expected_total) {
    CAPTURE(describe(seen));
    int last = 0;
    for (const Shown& s : seen) {
        if (s.step == 0) continue;
        CHECK(s.total == expected_total);
        CHECK(s.step == last + 1);
        last = s.step;
    }
    CHECK(last == expected_total);
}

std::function<bool()> tap(HeadlessKiosk& kiosk, std::string id) {
    return [&kiosk, id] { return kiosk.tap(id); };
}

std::function<bool()> type(HeadlessKiosk& kiosk, std::string text) {
    return [&kiosk, text] { return kiosk.type(text); };
}

}  // namespace

TEST_CASE("a walk-in's steps count up by one to one total") {
    HeadlessKiosk kiosk;
    const auto seen = walk(kiosk, {tap(kiosk, "language.en"), tap(kiosk, "appointment.no"), tap(kiosk, "need.other"),
                                   tap(kiosk, "nav.next"), tap(kiosk, "nav.skip"), tap(kiosk, "confirm.get_ticket")});
    CHECK(seen.back().page == "ticket");
    check_counts_up(seen, 4);
}

TEST_CASE("an appointment check-in's steps count up by one to one total, with a time or without") {
    for (const std::string time : {"appointment_time.10:00", "appointment_time.unknown"}) {
        CAPTURE(time);
        HeadlessKiosk kiosk;
        const auto seen = walk(kiosk, {tap(kiosk, "language.en"), tap(kiosk, "appointment.yes"), tap(kiosk, time),
                                       tap(kiosk, "nav.skip"), tap(kiosk, "confirm.get_ticket")});
        CHECK(seen.back().page == "ticket");
        check_counts_up(seen, 3);
    }
}

TEST_CASE("a callback request's steps count up by one to one total, whether closed or appointments only") {
    {
        HeadlessOptions options;
        options.config.office.hours.week[5] = {};  // closed on Saturdays
        options.wall_ms = skranke::test::test_time_ms(5);
        HeadlessKiosk kiosk(options);
        const auto seen =
            walk(kiosk, {tap(kiosk, "language.en"), tap(kiosk, "closed.callback"), tap(kiosk, "need.social_rent"),
                         type(kiosk, "91234567"), tap(kiosk, "nav.next"), tap(kiosk, "callback.send")});
        CHECK(seen.back().page == "callback_done");
        check_counts_up(seen, 3);
    }
    {
        HeadlessOptions options;
        options.config.office.hours.appointment_only_weekdays[0] = true;  // Mondays
        HeadlessKiosk kiosk(options);
        const auto seen = walk(kiosk, {tap(kiosk, "language.en"), tap(kiosk, "appointment.no"),
                                       tap(kiosk, "closed.callback"), tap(kiosk, "need.social_rent"),
                                       type(kiosk, "91234567"), tap(kiosk, "nav.next"), tap(kiosk, "callback.send")});
        CHECK(seen.back().page == "callback_done");
        check_counts_up(seen, 3);
    }
}

TEST_CASE("going Back and forth within a path never changes the total shown") {
    HeadlessKiosk kiosk;
    const auto seen =
        walk(kiosk, {tap(kiosk, "language.en"), tap(kiosk, "appointment.yes"), tap(kiosk, "appointment_time.unknown"),
                     tap(kiosk, "nav.back"), tap(kiosk, "appointment_time.09:30"), tap(kiosk, "nav.next"),
                     tap(kiosk, "nav.back"), tap(kiosk, "nav.skip")});
    CAPTURE(describe(seen));
    CHECK(seen.back().page == "confirm");
    for (const Shown& s : seen)
        if (s.step != 0) CHECK(s.total == 3);
    // Only the welcome and the question that picks the path show no step.
    for (const Shown& s : seen)
        if (s.step == 0) CHECK((s.page == "start" || s.page == "appointment_question"));
}

TEST_CASE("a ticket, a callback receipt and the reception notice each have one way to finish") {
    const auto check_one_way = [](HeadlessKiosk& kiosk, const std::string& done) {
        CAPTURE(kiosk.page());
        std::vector<std::string> ways;
        for (const auto& t : kiosk.targets().targets())
            if (t.id.rfind("bar.", 0) != 0) ways.push_back(t.id);  // the tool bar is the same everywhere
        CHECK(ways == std::vector<std::string>{done});
        CHECK(kiosk.targets().find("nav.start_over") == nullptr);
        REQUIRE(kiosk.tap(done));
        CHECK(kiosk.page() == "start");
        CHECK(kiosk.state().form.need_id.empty());
        CHECK_FALSE(kiosk.state().ticket.has_value());
    };
    {
        HeadlessKiosk kiosk;
        REQUIRE(kiosk.walk_in("en", "other"));
        REQUIRE(kiosk.skip_to_confirm());
        REQUIRE(kiosk.tap("confirm.get_ticket"));
        REQUIRE(kiosk.page() == "ticket");
        check_one_way(kiosk, "ticket.done");
    }
    {
        HeadlessOptions options;
        options.config.office.hours.week[5] = {};
        options.wall_ms = skranke::test::test_time_ms(5);
        HeadlessKiosk kiosk(options);
        REQUIRE(kiosk.tap("language.en"));
        REQUIRE(kiosk.tap("closed.callback"));
        REQUIRE(kiosk.tap("need.social_rent"));
        REQUIRE(kiosk.type("91234567"));
        REQUIRE(kiosk.tap("nav.next"));
        REQUIRE(kiosk.tap("callback.send"));
        REQUIRE(kiosk.page() == "callback_done");
        check_one_way(kiosk, "callback.done");
    }
    {
        HeadlessOptions options;
        options.store = skranke::test::StoreMode::cannot_open;
        HeadlessKiosk kiosk(options);
        REQUIRE(kiosk.tap("language.en"));
        REQUIRE(kiosk.page() == "reception");
        check_one_way(kiosk, "reception.done");
    }
}
