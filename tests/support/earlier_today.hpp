// Times for tickets a test issues "minutes ago" that stay in today's office day, as consoles
// and displays show only today: a test run just after the office's midnight would otherwise
// seed yesterday's tickets and see an empty queue.
#pragma once

#include <algorithm>
#include <cstdint>

#include "domain/office_time.hpp"

namespace skranke::test {

// minutes_ago before now; in the first longest_minutes after the office's midnight the times
// are pressed into the part of today that has passed, in the same order.
inline std::int64_t earlier_today(std::int64_t now, std::int64_t minutes_ago, std::int64_t longest_minutes) {
    const std::int64_t passed = std::max<std::int64_t>(0, now - office_zone().day_start_utc(now) - 60000);
    const std::int64_t wanted = minutes_ago * 60000;
    if (longest_minutes * 60000 <= passed) return now - wanted;
    return now - wanted * passed / (longest_minutes * 60000);
}

}  // namespace skranke::test
