// Is the office open now, and if not, when does it open? Local time (the process TZ).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

}  // namespace skranke::visitor
