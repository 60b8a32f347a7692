// The office's clock: every local date and time in Skranke (the service day, opening hours,
// appointment times, the display's clock, figures by hour of day) is read in the office's
// time zone through this module, never through the process's TZ. The zone is configuration
// (kiosk.toml and roles.toml `office.time_zone`, the hub's --time-zone; default Europe/Oslo).
//
// GCC 12's <chrono> has no time-zone database, so the zones come from Debian's libdate-tz
// (Howard Hinnant's date library, the design std::chrono's zones were standardised from),
// reading the system's tzdata in /usr/share/zoneinfo: no process-wide TZ variable is set,
// zones are thread-safe, and one process can hold several (tests run a hub and a kiosk in
// different zones side by side).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace date { class time_zone; }

namespace skranke {

inline constexpr const char* default_office_zone = "Europe/Oslo";

// A moment on the office's wall clock.
struct LocalTime {
    int year = 1970, month = 1, day = 1;  // calendar date
    int hour = 0, minute = 0, second = 0;
    int weekday = 0;                      // 0 Monday ... 6 Sunday
    std::string date() const;             // "YYYY-MM-DD"
    int minute_of_day() const { return hour * 60 + minute; }
};

class OfficeZone {
public:
    // An IANA zone name ("Europe/Oslo", "UTC"); nothing if the system's tzdata lacks it.
    static std::optional<OfficeZone> named(const std::string& name);
    const std::string& name() const { return name_; }

    LocalTime local(std::int64_t utc_ms) const;
    // The UTC time of a local date and minute of the day (month 1-12; day and minute may
    // run over: day 0 is the last of the month before, minute 1500 is 01:00 the next day). A time a clock change skips
    // (02:30 on the spring night) gives the moment after the gap; a time it repeats (the
    // autumn night) the earlier of the two.
    std::int64_t utc_of(int year, int month, int day, int minute_of_day) const;
    // Midnight starting the local day of utc_ms, as UTC (a local day can be 23 or 25 hours).
    std::int64_t day_start_utc(std::int64_t utc_ms) const;

private:
    OfficeZone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}
    const date::time_zone* zone_;
    std::string name_;
};

// The process's office zone: set once at start from configuration (before threads start;
// reading it is safe from any thread at any time). Until set, Europe/Oslo.
// Returns false, and changes nothing, for a zone the system does not know.
bool set_office_zone(const std::string& name);
const OfficeZone& office_zone();

// The office's service day ("2026-11-25") of a UTC millisecond time.
std::string service_day_of(std::int64_t utc_ms);
std::int64_t wall_clock_ms();

}  // namespace skranke
