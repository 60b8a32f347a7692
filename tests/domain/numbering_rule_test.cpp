// The day a kiosk numbers under (domain/numbering.hpp): never twice the same number in one
// office day, whatever the clocks do.
#include <doctest/doctest.h>

#include "domain/numbering.hpp"

using namespace skranke;

namespace {

constexpr std::int64_t minute_ms = 60LL * 1000;
constexpr std::int64_t hour_ms = 60 * minute_ms;
constexpr std::int64_t day_ms = 24 * hour_ms;

const OfficeZone& oslo() {
    static const OfficeZone zone = *OfficeZone::named("Europe/Oslo");
    return zone;
}

// 2026-03-02 at hh:mm in Oslo.
std::int64_t at(int hour, int minute = 0) { return oslo().utc_of(2026, 3, 2, hour * 60 + minute); }

ClockReading clocks(std::int64_t wall, std::int64_t boot, std::string boot_id = "boot-1",
                    std::optional<std::int64_t> hub_ahead = std::nullopt) {
    return {wall, boot, std::move(boot_id), hub_ahead};
}

}  // namespace

TEST_CASE("the first ticket is numbered under the day of the best clock") {
    CHECK(next_numbering_mark(std::nullopt, clocks(at(10), 1000), oslo()).day == "2026-03-02");
    // The hub says the kiosk is a day behind: the hub's day.
    const auto m = next_numbering_mark(std::nullopt, clocks(at(10) - day_ms, 1000, "b", day_ms), oslo());
    CHECK(m.day == "2026-03-02");
    CHECK(m.confirmed);
}

TEST_CASE("in one boot, real midnight starts a new day and a clock step does not") {
    const auto first = next_numbering_mark(std::nullopt, clocks(at(10), 1000), oslo());
    // The wall clock is stepped a day ahead five minutes later: the same day continues.
    auto next = next_numbering_mark(first, clocks(at(10, 5) + day_ms, 1000 + 5 * minute_ms), oslo());
    CHECK(next.day == "2026-03-02");
    // ... and a day behind: never an earlier day.
    next = next_numbering_mark(next, clocks(at(10, 10) - day_ms, 1000 + 10 * minute_ms), oslo());
    CHECK(next.day == "2026-03-02");
    // 14 real hours after the first ticket it is past midnight: a new day, whatever the wall says.
    next = next_numbering_mark(next, clocks(at(10, 10) - day_ms, 1000 + 14 * hour_ms), oslo());
    CHECK(next.day == "2026-03-03");
}

TEST_CASE("a kiosk a day ahead, then fixed: numbers continue instead of starting at 1 again") {
    auto mark = next_numbering_mark(std::nullopt, clocks(at(9) + day_ms, 0, "b1"), oslo());
    CHECK(mark.day == "2026-03-03");  // unconfirmed: its own (wrong) day, only a key for numbers
    // Rebooted at 11:00 with its clock right: the day is never earlier than the last one used.
    mark = next_numbering_mark(mark, clocks(at(11), 0, "b2"), oslo());
    CHECK(mark.day == "2026-03-03");
    // Confirmed by the hub at noon in that boot: still no new day, midnight has not passed.
    mark = next_numbering_mark(mark, clocks(at(12), hour_ms, "b2", 0), oslo());
    CHECK(mark.day == "2026-03-03");
    CHECK(mark.confirmed);
}

TEST_CASE("after a reboot an unconfirmed forward jump continues; a confirmed new day starts at 1") {
    const auto evening = next_numbering_mark(std::nullopt, clocks(at(15), 5000, "b1", 0), oslo());
    // Next morning, the hub not reached yet: the kiosk cannot know its clock is right.
    const auto offline = next_numbering_mark(evening, clocks(at(8) + day_ms, 2000, "b2"), oslo());
    CHECK(offline.day == "2026-03-02");
    // The same morning with the hub's offset measured since boot: a new day.
    const auto online = next_numbering_mark(evening, clocks(at(8) + day_ms, 2000, "b2", 0), oslo());
    CHECK(online.day == "2026-03-03");
    // A clock a day ahead at boot cannot start a new day on its own word, even confirmed
    // the day is the hub's.
    const auto ahead = next_numbering_mark(evening, clocks(at(16) + day_ms, 2000, "b2", -day_ms), oslo());
    CHECK(ahead.day == "2026-03-02");
}

TEST_CASE("confirmed later in the same boot: the last ticket's real day decides") {
    // Booted with the clock a day behind, offline: numbered under the day before.
    auto mark = next_numbering_mark(std::nullopt, clocks(at(9) - day_ms, 0, "b1"), oslo());
    CHECK(mark.day == "2026-03-01");
    // The hub is reached an hour later: it is the same real day as that ticket, so the
    // sequence continues (a restart would give a second 001 today).
    mark = next_numbering_mark(mark, clocks(at(10) - day_ms, hour_ms, "b1", day_ms), oslo());
    CHECK(mark.day == "2026-03-01");
    // Past real midnight on the hub's clock: a new day.
    mark = next_numbering_mark(mark, clocks(at(9) + day_ms, day_ms, "b1", 0), oslo());
    CHECK(mark.day == "2026-03-03");
}

TEST_CASE("without a monotonic clock (tools, tests): the wall clock forward, never back") {
    auto mark = next_numbering_mark(std::nullopt, clocks(at(10), 0, ""), oslo());
    mark = next_numbering_mark(mark, clocks(at(10) + day_ms, 0, ""), oslo());
    CHECK(mark.day == "2026-03-03");
    mark = next_numbering_mark(mark, clocks(at(10), 0, ""), oslo());
    CHECK(mark.day == "2026-03-03");
}
