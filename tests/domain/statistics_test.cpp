// Today's figures from a known sequence of tickets, checked against values worked out by hand.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "domain/statistics.hpp"
#include "support/csv.hpp"
#include "support/store_fixture.hpp"

using namespace skranke;
using skranke::test::parse_csv;

namespace {

constexpr std::int64_t minute = 60 * 1000;

// Test day 2026-03-02, 10:00 in the office zone (Europe/Oslo; the tests run with TZ=UTC).
TicketTimeline ticket(std::string number, std::string need, int issued_min, std::optional<int> called_min,
                      std::optional<int> finished_min, TicketState state) {
    const std::int64_t base = test::test_time_ms();
    TicketTimeline t;
    t.number = std::move(number);
    t.need_id = std::move(need);
    t.issued_ms = base + issued_min * minute;
    if (called_min) t.first_called_ms = t.last_called_ms = base + *called_min * minute;
    if (finished_min) t.finished_ms = base + *finished_min * minute;
    t.state = state;
    return t;
}

std::vector<TicketTimeline> known_day() {
    return {
        // number, need, issued, first called, finished (minutes after 10:00)
        ticket("A 001", "social_rent", 0, 10, 25, TicketState::served),         // wait 10, service 15
        ticket("A 002", "social_rent", 5, 30, 35, TicketState::served),         // wait 25, service 5
        ticket("B 001", "emergency_food", 12, 14, 44, TicketState::served),     // wait 2, service 30
        ticket("A 003", "digital_help", 20, 40, 45, TicketState::no_show),      // wait 20
        ticket("B 002", "digital_help", 65, std::nullopt, std::nullopt, TicketState::waiting),
        ticket("A 004", "other", 70, 80, std::nullopt, TicketState::called),    // wait 10, not finished
        ticket("A 005", "other", 75, std::nullopt, 76, TicketState::cancelled),
    };
}

}  // namespace

TEST_CASE("today's figures match values worked out by hand") {
    const DayFigures f = compute_day_figures(known_day());
    CHECK(f.issued == 7);
    CHECK(f.waiting_now == 2);  // B 002 waiting, A 004 called but not finished
    CHECK(f.served == 3);
    CHECK(f.no_shows == 1);
    CHECK(f.cancelled == 1);
    CHECK(f.issued_by_need.at("social_rent") == 2);
    CHECK(f.issued_by_need.at("digital_help") == 2);
    CHECK(f.issued_by_need.at("emergency_food") == 1);
    CHECK(f.issued_by_hour.at(10) == 4);  // issued 10:00, 10:05, 10:12, 10:20
    CHECK(f.issued_by_hour.at(11) == 3);  // 11:05, 11:10, 11:15

    // Waits (called tickets): 10, 25, 2, 20, 10 minutes -> sorted 2, 10, 10, 20, 25.
    CHECK(f.wait.count == 5);
    CHECK(f.wait.median_ms == 10 * minute);  // rank ceil(2.5) = 3
    CHECK(f.wait.p90_ms == 25 * minute);     // rank ceil(4.5) = 5
    // Service (served tickets): 15, 5, 30 -> sorted 5, 15, 30.
    CHECK(f.service.count == 3);
    CHECK(f.service.median_ms == 15 * minute);
    CHECK(f.service.p90_ms == 30 * minute);
    CHECK(f.wait_by_need.at("social_rent").median_ms == 10 * minute);  // 10, 25 -> rank 1
    CHECK(f.wait_by_need.at("digital_help").count == 1);
}

TEST_CASE("a day without calls says unknown rather than zero") {
    const DayFigures f = compute_day_figures({ticket("A 001", "other", 0, std::nullopt, std::nullopt, TicketState::waiting)});
    CHECK(f.wait.count == 0);
    CHECK_FALSE(f.wait.median_ms.has_value());
    CHECK_FALSE(f.service.p90_ms.has_value());
    CHECK_FALSE(compute_day_figures({}).wait.median_ms.has_value());
}

TEST_CASE("the CSV export parses back to the same tickets and times") {
    auto day = known_day();
    day.push_back(ticket("C 001", "odd,\"need\"", 90, 95, 99, TicketState::served));
    const auto rows = parse_csv(day_figures_csv(day));
    REQUIRE(rows.size() == day.size() + 1);
    CHECK(rows[0] == std::vector<std::string>{"number", "need", "channel", "urgent", "issued", "first_called",
                                              "finished", "state", "wait_s", "service_s"});
    for (const auto& row : rows) CHECK(row.size() == 10);
    CHECK(rows[1] == std::vector<std::string>{"A 001", "social_rent", "walk_in", "no", "2026-03-02T10:00:00",
                                              "2026-03-02T10:10:00", "2026-03-02T10:25:00", "served", "600", "900"});
    CHECK(rows[5][1] == "digital_help");
    CHECK(rows[5][3] == "no");
    CHECK(rows[5][5].empty());  // never called
    CHECK(rows[5][8].empty());  // so no wait yet
    CHECK(rows[8][1] == "odd,\"need\"");
    CHECK(rows[8][9] == "240");
}

TEST_CASE("callback requests are counted by how they ended: done, not reached, still to call") {
    auto day = known_day();
    const auto callback = [&](std::string number, TicketState state, CancelReason reason) {
        TicketTimeline t = ticket(std::move(number), "social_rent", 30, std::nullopt,
                                  state == TicketState::waiting ? std::nullopt : std::optional<int>(50), state);
        t.channel = Channel::callback;
        t.cancel_reason = reason;
        day.push_back(t);
    };
    callback("C 001", TicketState::cancelled, CancelReason::callback_done);
    callback("C 002", TicketState::cancelled, CancelReason::callback_not_reached);
    callback("C 003", TicketState::cancelled, CancelReason::callback_done);
    callback("C 004", TicketState::waiting, CancelReason::none);
    const DayFigures f = compute_day_figures(day);
    CHECK(f.callbacks == 4);
    CHECK(f.callbacks_done == 2);
    CHECK(f.callbacks_not_reached == 1);
    CHECK(f.callbacks_waiting == 1);
    CHECK(f.cancelled == 1 + 3);  // A 005 and the three phoned
    CHECK(compute_day_figures(known_day()).callbacks == 0);
}
