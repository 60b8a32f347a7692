// Is the office open now, and if not, when does it open? In the office's time zone (domain/office_time.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "visitor/kiosk_config.hpp"

namespace skranke::visitor {

enum class OfficeStatus { open, appointments_only, closed };

struct LocalDay {
    std::string date;  // "YYYY-MM-DD"
    int weekday = 0;   // 0 Monday ... 6 Sunday
};

struct OpeningTime {
    int days_ahead = 0;  // 0 today, 1 tomorrow, ...
    int weekday = 0;     // 0 Monday ... 6 Sunday
    int minute = 0;      // minutes after midnight
};

OfficeStatus office_status(const OpeningHours& hours, std::int64_t utc_ms);
// The next moment walk-ins are welcome, within the next 14 days; nothing if never.
std::optional<OpeningTime> next_opening(const OpeningHours& hours, std::int64_t utc_ms);
// "08:00"
std::string clock_text(int minute);

// A time a visitor can tap for "my appointment is at": a whole or half hour today.
struct AppointmentSlot {
    std::int64_t utc_ms = 0;
    int minute = 0;  // local minutes after midnight, for the label
};
// The whole and half hours from an hour before now to an hour and a half after, today
// and while the office is open then (a slot counts when its half hour overlaps the hours).
std::vector<AppointmentSlot> appointment_slots(const OpeningHours& hours, std::int64_t utc_ms);

}  // namespace skranke::visitor
