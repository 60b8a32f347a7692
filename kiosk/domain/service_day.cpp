#include "domain/service_day.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace skranke {

std::string service_day_of(std::int64_t utc_ms) {
    std::time_t seconds = static_cast<std::time_t>(utc_ms / 1000);
    std::tm local{};
    localtime_r(&seconds, &local);
    char buffer[64];  // room for any int year, so the compiler can prove nothing is cut
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", local.tm_year + 1900, local.tm_mon + 1,
                  local.tm_mday);
    return buffer;
}

std::int64_t wall_clock_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace skranke
