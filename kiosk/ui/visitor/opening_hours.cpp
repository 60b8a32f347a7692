#include "visitor/opening_hours.hpp"

#include <algorithm>
#include <cstdio>

#include "domain/office_time.hpp"

namespace skranke::visitor {

namespace {

struct LocalMoment {
    LocalDay day;
    int minute = 0;
};

LocalMoment local_moment(std::int64_t utc_ms, int days_ahead) {
    const OfficeZone& zone = office_zone();
    const LocalTime now = zone.local(utc_ms);
    LocalTime day = now;
    if (days_ahead != 0)  // noon of the day days_ahead later: clear of any clock change
        day = zone.local(zone.utc_of(now.year, now.month, now.day + days_ahead, 12 * 60));
    return {{day.date(), day.weekday}, now.minute_of_day()};
}

bool contains(const std::vector<std::string>& dates, const std::string& date) {
    return std::find(dates.begin(), dates.end(), date) != dates.end();
}

bool walk_in_day(const OpeningHours& hours, const LocalDay& day) {
    const DayHours& d = hours.week[static_cast<std::size_t>(day.weekday)];
    return d.open && !contains(hours.closed_dates, day.date) &&
           !hours.appointment_only_weekdays[static_cast<std::size_t>(day.weekday)] &&
           !contains(hours.appointment_only_dates, day.date);
}

}  // namespace

OfficeStatus office_status(const OpeningHours& hours, std::int64_t utc_ms) {
    const LocalMoment now = local_moment(utc_ms, 0);
    const DayHours& d = hours.week[static_cast<std::size_t>(now.day.weekday)];
    if (!d.open || contains(hours.closed_dates, now.day.date)) return OfficeStatus::closed;
    if (now.minute < d.from_minute || now.minute >= d.to_minute) return OfficeStatus::closed;
    if (hours.appointment_only_weekdays[static_cast<std::size_t>(now.day.weekday)] ||
        contains(hours.appointment_only_dates, now.day.date))
        return OfficeStatus::appointments_only;
    return OfficeStatus::open;
}

std::optional<OpeningTime> next_opening(const OpeningHours& hours, std::int64_t utc_ms) {
    const LocalMoment now = local_moment(utc_ms, 0);
    for (int ahead = 0; ahead <= 14; ++ahead) {
        const LocalDay day = local_moment(utc_ms, ahead).day;
        if (!walk_in_day(hours, day)) continue;
        const DayHours& d = hours.week[static_cast<std::size_t>(day.weekday)];
        if (ahead == 0 && now.minute >= d.from_minute) {
            if (now.minute < d.to_minute) return OpeningTime{0, day.weekday, now.minute};  // open now
            continue;
        }
        return OpeningTime{ahead, day.weekday, d.from_minute};
    }
    return std::nullopt;
}

std::vector<AppointmentSlot> appointment_slots(const OpeningHours& hours, std::int64_t utc_ms) {
    constexpr std::int64_t half_hour_ms = 30 * 60 * 1000;
    const LocalMoment now = local_moment(utc_ms, 0);
    // The local half hour now is in, by the local clock (a zone may be off by 15 or 45 minutes).
    const LocalTime clock = office_zone().local(utc_ms);
    const std::int64_t into_half_hour = (clock.minute % 30) * 60000LL + clock.second * 1000LL + utc_ms % 1000;
    const DayHours& d = hours.week[static_cast<std::size_t>(now.day.weekday)];
    std::vector<AppointmentSlot> slots;
    for (int step = -2; step <= 3; ++step) {
        const std::int64_t at = utc_ms - into_half_hour + step * half_hour_ms;
        const LocalMoment slot = local_moment(at, 0);
        if (slot.day.date != now.day.date) continue;
        if (d.open && (slot.minute + 30 <= d.from_minute || slot.minute >= d.to_minute)) continue;
        slots.push_back({at, slot.minute});
    }
    return slots;
}

std::string clock_text(int minute) {
    char text[32];
    std::snprintf(text, sizeof text, "%02d:%02d", minute / 60 % 100, minute % 60);
    return text;
}

}  // namespace skranke::visitor
