// Today's figures from a known event sequence (as the console and the hub fold it), checked
// against values computed by hand, and the CSV export parsed back field by field.
#include <doctest/doctest.h>

#include "domain/day_log.hpp"
#include "domain/events.hpp"
#include "domain/office_time.hpp"
#include "support/csv.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

constexpr std::int64_t minute = 60000;

// An event as the hub stored it: received at t0 + minutes.
KnownEvent at(const nlohmann::json& event, std::int64_t t0, std::int64_t minutes, std::int64_t seq) {
    return {as_event(event), EventMeta{seq, t0 + minutes * minute, 0}};
}

}  // namespace

TEST_CASE("figures from a known day of events match the hand-computed values") {
    const std::int64_t t0 = test_time_ms();  // 10:00 local
    const auto id = [](int n) { return make_event_id("kiosk-a", n); };
    std::int64_t seq = 0;
    std::vector<KnownEvent> log;
    // Four walk-ins at 10:00, 10:10, 10:20 (urgent) and 11:05; and one from yesterday.
    log.push_back(at(issued_event("kiosk-a", 1, t0), t0, 0, ++seq));
    log.push_back(at(issued_event("kiosk-a", 2, t0 + 10 * minute), t0, 10, ++seq));
    log.push_back(at(issued_event("kiosk-a", 3, t0 + 20 * minute, true), t0, 20, ++seq));
    log.push_back(at(issued_event("kiosk-a", 4, t0 + 65 * minute), t0, 65, ++seq));
    log.push_back({issued_typed("kiosk-a", 5, t0 - 24 * 60 * minute), EventMeta{++seq, t0 - 24 * 60 * minute, 0}});
    // #3 (urgent) called at 10:25 and served at 10:40: wait 5, service 15.
    log.push_back(at(staff_event("ticket.called", "desk-1", 1, id(3), t0), t0, 25, ++seq));
    log.push_back(at(staff_event("ticket.served", "desk-1", 2, id(3), t0), t0, 40, ++seq));
    // #1 called at 10:30 by desk 1 and at 10:30 by desk 2 (refused: already called), recalled
    // at 10:35, served at 10:45: wait 30, service from the recall 10.
    log.push_back(at(staff_event("ticket.called", "desk-1", 3, id(1), t0), t0, 30, ++seq));
    log.push_back(at(staff_event("ticket.called", "desk-2", 1, id(1), t0), t0, 30, ++seq));
    log.push_back(at(staff_event("ticket.recalled", "desk-1", 4, id(1), t0), t0, 35, ++seq));
    log.push_back(at(staff_event("ticket.served", "desk-1", 5, id(1), t0), t0, 45, ++seq));
    // #2 called at 10:50 (wait 40), no-show at 10:55.
    log.push_back(at(staff_event("ticket.called", "desk-2", 2, id(2), t0), t0, 50, ++seq));
    log.push_back(at(staff_event("ticket.no_show", "desk-2", 3, id(2), t0), t0, 55, ++seq));
    // #4 still waiting.

    const auto timelines = day_timelines(log, service_day_of(t0));
    REQUIRE(timelines.size() == 4);
    const DayFigures f = compute_day_figures(timelines);
    CHECK(f.issued == 4);
    CHECK(f.served == 2);
    CHECK(f.no_shows == 1);
    CHECK(f.waiting_now == 1);
    CHECK(f.issued_by_hour.at(10) == 3);
    CHECK(f.issued_by_hour.at(11) == 1);
    CHECK(f.issued_by_need.at(plain_request().need_id) == 4);
    // Waits 5, 30, 40 min: median (nearest rank 2 of 3) 30, p90 (rank 3) 40.
    CHECK(f.wait.count == 3);
    CHECK(f.wait.median_ms == 30 * minute);
    CHECK(f.wait.p90_ms == 40 * minute);
    // Services 15 and 10 min: median (rank 1 of 2) 10, p90 (rank 2) 15.
    CHECK(f.service.count == 2);
    CHECK(f.service.median_ms == 10 * minute);
    CHECK(f.service.p90_ms == 15 * minute);

    // The CSV parses back to the same tickets.
    const auto rows = parse_csv(day_figures_csv(timelines));
    REQUIRE(rows.size() == 5);
    CHECK(rows[0] == std::vector<std::string>{"number", "need", "channel", "urgent", "issued", "first_called",
                                              "finished", "state", "wait_s", "service_s"});
    for (const auto& row : rows) CHECK(row.size() == 10);
    CHECK(rows[1][0] == "A 001");
    CHECK(rows[1][7] == "served");
    CHECK(rows[1][8] == "1800");
    CHECK(rows[1][9] == "600");
    CHECK(rows[2][7] == "no_show");
    CHECK(rows[2][8] == "2400");
    CHECK(rows[3][3] == "yes");
    CHECK(rows[3][4].substr(11) == "10:20:00");
    CHECK(rows[4][7] == "waiting");
    CHECK(rows[4][5].empty());
}

TEST_CASE("the call history keeps order, counters and recalls, and nothing personal") {
    const std::int64_t t0 = test_time_ms();
    std::vector<KnownEvent> log;
    log.push_back(at(issued_event("kiosk-a", 1, t0), t0, 0, 1));
    log.push_back(at(issued_event("kiosk-a", 2, t0), t0, 1, 2));
    log.push_back(at(staff_event("ticket.called", "desk-1", 1, make_event_id("kiosk-a", 2), t0), t0, 2, 3));
    log.push_back(at(staff_event("ticket.called", "desk-2", 1, make_event_id("kiosk-a", 2), t0), t0, 2, 4));  // refused
    log.push_back(at(staff_event("ticket.called", "desk-2", 2, make_event_id("kiosk-a", 1), t0), t0, 3, 5));
    log.push_back(at(staff_event("ticket.recalled", "desk-1", 2, make_event_id("kiosk-a", 2), t0), t0, 4, 6));
    const auto calls = call_history(log);
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].number == "A 002");
    CHECK(calls[0].spoken == "A 2");
    CHECK(calls[0].counter == "2");
    CHECK(calls[1].number == "A 001");
    CHECK(calls[2].recall);
    CHECK(calls[2].at_ms == t0 + 4 * minute);
}
