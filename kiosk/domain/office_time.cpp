#include "domain/office_time.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <list>
#include <mutex>

#include <date/tz.h>

namespace skranke {
namespace {

using ms_time = date::sys_time<std::chrono::milliseconds>;

const OfficeZone& oslo() {
    static const OfficeZone zone = *OfficeZone::named(default_office_zone);
    return zone;
}

// Zones set for the process stay alive for its whole life (a handful at most: they are
// set at start, and by tests), so a reader never holds a dangling one.
std::mutex kept_mutex;
std::list<OfficeZone> kept;
std::atomic<const OfficeZone*> current{nullptr};

}  // namespace

std::string LocalTime::date() const {
    char buffer[64];  // room for any int year, so the compiler can prove nothing is cut
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
    return buffer;
}

std::optional<OfficeZone> OfficeZone::named(const std::string& name) {
    try {
        return OfficeZone(date::locate_zone(name), name);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

LocalTime OfficeZone::local(std::int64_t utc_ms) const {
    const auto local = zone_->to_local(ms_time{std::chrono::milliseconds{utc_ms}});
    const auto day = date::floor<date::days>(local);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<std::chrono::milliseconds> clock{local - day};
    LocalTime t;
    t.year = static_cast<int>(ymd.year());
    t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
    t.hour = static_cast<int>(clock.hours().count());
    t.minute = static_cast<int>(clock.minutes().count());
    t.second = static_cast<int>(clock.seconds().count());
    t.weekday = static_cast<int>((date::weekday{day}.c_encoding() + 6) % 7);
    return t;
}

std::int64_t OfficeZone::utc_of(int year, int month, int day, int minute_of_day) const {
    // Day and minute may run past their month and day (the 32nd of March is 1 April).
    const date::local_days first{date::year{year} / static_cast<unsigned>(month) / 1};
    const date::local_time<std::chrono::minutes> wanted =
        first + date::days{day - 1} + std::chrono::minutes{minute_of_day};
    const auto info = zone_->get_info(wanted);
    // Skipped by a clock change: the moment the gap ends.
    if (info.result == date::local_info::nonexistent)
        return std::chrono::duration_cast<std::chrono::milliseconds>(info.first.end.time_since_epoch()).count();
    // Repeated by one: first is the earlier of the two.
    const auto utc = wanted.time_since_epoch() - info.first.offset;
    return std::chrono::duration_cast<std::chrono::milliseconds>(utc).count();
}

std::int64_t OfficeZone::day_start_utc(std::int64_t utc_ms) const {
    const LocalTime t = local(utc_ms);
    return utc_of(t.year, t.month, t.day, 0);
}

bool set_office_zone(const std::string& name) {
    auto zone = OfficeZone::named(name);
    if (!zone) return false;
    std::lock_guard lock(kept_mutex);
    kept.push_back(std::move(*zone));
    current.store(&kept.back(), std::memory_order_release);
    return true;
}

const OfficeZone& office_zone() {
    const OfficeZone* zone = current.load(std::memory_order_acquire);
    return zone ? *zone : oslo();
}

std::string service_day_of(std::int64_t utc_ms) { return office_zone().local(utc_ms).date(); }

std::int64_t wall_clock_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace skranke
