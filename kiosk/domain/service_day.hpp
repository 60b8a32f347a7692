// The office's service day ("2026-11-25"), from a wall-clock time in the office's zone.
#pragma once

#include <cstdint>
#include <string>

namespace skranke {

// Local calendar date of a UTC millisecond time, using the process time zone (TZ).
std::string service_day_of(std::int64_t utc_ms);
std::int64_t wall_clock_ms();

}  // namespace skranke
