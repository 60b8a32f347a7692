#include "domain/numbering.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>

namespace skranke {

NumberingMark next_numbering_mark(const std::optional<NumberingMark>& last, const ClockReading& now,
                                  const OfficeZone& zone) {
    const bool confirmed = now.hub_ahead_ms.has_value();
    const std::int64_t reference = now.wall_ms + now.hub_ahead_ms.value_or(0);
    NumberingMark next{zone.local(reference).date(), reference, confirmed, now.boot_ms, now.boot_id};
    if (!last) return next;

    const bool same_boot = !now.boot_id.empty() && now.boot_id == last->boot_id && now.boot_ms >= last->boot_ms;
    std::string day_at_last;  // the day of the last ticket, read on the clock used now
    if (same_boot) {
        const std::int64_t elapsed = now.boot_ms - last->boot_ms;
        if (!confirmed) {  // the last ticket's clock carried forward by real time: steps ignored
            next.reference_ms = last->reference_ms + elapsed;
            next.confirmed = last->confirmed;
            next.day = zone.local(next.reference_ms).date();
        }
        day_at_last = zone.local(next.reference_ms - elapsed).date();
    } else if (confirmed || now.boot_id.empty()) {
        // Across a reboot the time between is unknown: trust a confirmed clock (or, with no
        // monotonic clock at all, the wall clock given), as of the last ticket's own record.
        day_at_last = zone.local(last->reference_ms).date();
    } else {
        day_at_last = next.day;  // an unconfirmed clock after a reboot: no new day on its word
    }
    const bool new_day = next.day > day_at_last && next.day > last->day;
    if (!new_day) next.day = last->day;  // continue the last day's sequence, never go back
    return next;
}

ClockReading read_device_clocks() {
    ClockReading r;
    timespec boot{};
    clock_gettime(CLOCK_BOOTTIME, &boot);
    r.boot_ms = static_cast<std::int64_t>(boot.tv_sec) * 1000 + boot.tv_nsec / 1000000;
    r.wall_ms = wall_clock_ms();
    static const std::string boot_id = [] {
        std::ifstream in("/proc/sys/kernel/random/boot_id");
        std::string id;
        std::getline(in, id);
        return id;
    }();
    r.boot_id = boot_id;
    return r;
}

}  // namespace skranke
