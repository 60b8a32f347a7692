#include "visitor/opening_hours.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace skranke::visitor {

namespace {

struct LocalMoment {
    LocalDay day;
    int minute = 0;
};

LocalMoment local_moment(std::int64_t utc_ms, int days_ahead) {
    std::time_t seconds = static_cast<std::time_t>(utc_ms / 1000);
    std::tm tm{};
    localtime_r(&seconds, &tm);
    const int minute = tm.tm_hour * 60 + tm.tm_min;
    if (days_ahead != 0) {  // noon avoids daylight-saving edges when moving by days
        tm.tm_mday += days_ahead;
        tm.tm_hour = 12;
        tm.tm_min = 0;
        tm.tm_sec = 0;
        tm.tm_isdst = -1;
        std::time_t moved = std::mktime(&tm);
        localtime_r(&moved, &tm);
    }
    char date[48];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return {{date, (tm.tm_wday + 6) % 7}, minute};
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
    std::time_t seconds = static_cast<std::time_t>(utc_ms / 1000);
    std::tm tm{};
    localtime_r(&seconds, &tm);
    const std::int64_t into_half_hour = (tm.tm_min % 30) * 60000LL + tm.tm_sec * 1000LL + utc_ms % 1000;
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
