// The reference for a configured date: "YYYY-MM-DD", digits only, a day the calendar has
// (the C library's own calendar: the day survives a round trip through timegm).
#pragma once

#include <ctime>
#include <string_view>

namespace skranke::fuzz {

inline bool is_calendar_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    int parts[3] = {0, 0, 0};
    int part = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i == 4 || i == 7) {
            ++part;
            continue;
        }
        if (text[i] < '0' || text[i] > '9') return false;
        parts[part] = parts[part] * 10 + (text[i] - '0');
    }
    std::tm day{};
    day.tm_year = parts[0] - 1900;
    day.tm_mon = parts[1] - 1;
    day.tm_mday = parts[2];
    const std::time_t at = timegm(&day);
    std::tm back{};
    return gmtime_r(&at, &back) && back.tm_year == parts[0] - 1900 && back.tm_mon == parts[1] - 1 &&
           back.tm_mday == parts[2];
}

}  // namespace skranke::fuzz
