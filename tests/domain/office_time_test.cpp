// The office's clock: local times come from the configured zone, never from the process's TZ
// (the tests run with TZ=UTC, and these cases would be an hour or more off if TZ were read).
#include <doctest/doctest.h>

#include <cstdlib>

#include "domain/office_time.hpp"

using namespace skranke;

namespace {

constexpr std::int64_t hour_ms = 3600LL * 1000;

// 2026-03-29 01:00 UTC: Oslo moves from 02:00 CET to 03:00 CEST.
constexpr std::int64_t oslo_spring_change_utc = 1774746000000;

// Restores the process's office zone after a test that sets it.
struct ZoneGuard {
    ~ZoneGuard() { set_office_zone(default_office_zone); }
};

}  // namespace

TEST_CASE("local times are read in the office's zone whatever TZ says") {
    const char* tz = std::getenv("TZ");
    REQUIRE(tz != nullptr);  // CTest runs every test with TZ=UTC
    CHECK(std::string(tz) == "UTC");
    const auto oslo = OfficeZone::named("Europe/Oslo");
    REQUIRE(oslo);
    // 2026-03-02 23:30 UTC is already 3 March in Oslo (UTC+1).
    const std::int64_t late = OfficeZone::named("UTC")->utc_of(2026, 3, 2, 23 * 60 + 30);
    CHECK(oslo->local(late).date() == "2026-03-03");
    CHECK(oslo->local(late).hour == 0);
    CHECK(oslo->local(late).minute == 30);
    CHECK(oslo->local(late).weekday == 1);  // Tuesday
    CHECK(service_day_of(late) == "2026-03-03");  // the default office zone is Oslo
    ZoneGuard guard;
    REQUIRE(set_office_zone("America/New_York"));
    CHECK(service_day_of(late) == "2026-03-02");
    CHECK(office_zone().local(late).hour == 18);
    CHECK_FALSE(set_office_zone("Europe/Atlantis"));
    CHECK(office_zone().name() == "America/New_York");  // a refused name changes nothing
}

TEST_CASE("local to UTC and back, over daylight saving changes and month ends") {
    const auto oslo = *OfficeZone::named("Europe/Oslo");
    // Winter: UTC+1; summer: UTC+2.
    CHECK(oslo.utc_of(2026, 1, 15, 10 * 60) == OfficeZone::named("UTC")->utc_of(2026, 1, 15, 9 * 60));
    CHECK(oslo.utc_of(2026, 7, 15, 10 * 60) == OfficeZone::named("UTC")->utc_of(2026, 7, 15, 8 * 60));
    // 02:30 on the spring night does not exist: the moment the gap ends (03:00 CEST).
    CHECK(oslo.utc_of(2026, 3, 29, 2 * 60 + 30) == oslo_spring_change_utc);
    CHECK(oslo.local(oslo_spring_change_utc).hour == 3);
    CHECK(oslo.local(oslo_spring_change_utc - 1).hour == 1);
    // 02:30 on the autumn night happens twice: the earlier (still CEST, UTC 00:30).
    CHECK(oslo.utc_of(2026, 10, 25, 2 * 60 + 30) == OfficeZone::named("UTC")->utc_of(2026, 10, 25, 30));
    // The spring day has 23 hours, the autumn day 25.
    CHECK(oslo.utc_of(2026, 3, 30, 0) - oslo.utc_of(2026, 3, 29, 0) == 23 * hour_ms);
    CHECK(oslo.utc_of(2026, 10, 26, 0) - oslo.utc_of(2026, 10, 25, 0) == 25 * hour_ms);
    CHECK(oslo.day_start_utc(oslo.utc_of(2026, 10, 25, 23 * 60)) == oslo.utc_of(2026, 10, 25, 0));
    // Days and minutes run over into the next month and day; day 0 is the month before's last.
    CHECK(oslo.local(oslo.utc_of(2026, 2, 29, 12 * 60)).date() == "2026-03-01");
    CHECK(oslo.local(oslo.utc_of(2026, 3, 0, 12 * 60)).date() == "2026-02-28");
    CHECK(oslo.local(oslo.utc_of(2026, 12, 31, 25 * 60)).date() == "2027-01-01");
    for (int minute = 0; minute < 24 * 60; minute += 7) {  // round trip on an ordinary day
        const LocalTime t = oslo.local(oslo.utc_of(2026, 11, 25, minute));
        CHECK(t.minute_of_day() == minute);
        CHECK(t.date() == "2026-11-25");
    }
}

TEST_CASE("a zone east of UTC by hours and a quarter: Kathmandu, and one past the date line") {
    const auto kathmandu = *OfficeZone::named("Asia/Kathmandu");  // UTC+05:45
    const std::int64_t at = OfficeZone::named("UTC")->utc_of(2026, 6, 1, 20 * 60);
    CHECK(kathmandu.local(at).date() == "2026-06-02");
    CHECK(kathmandu.local(at).minute_of_day() == 1 * 60 + 45);
    const auto kiritimati = *OfficeZone::named("Pacific/Kiritimati");  // UTC+14
    CHECK(kiritimati.local(at).date() == "2026-06-02");
    CHECK(kiritimati.local(at).hour == 10);
}
