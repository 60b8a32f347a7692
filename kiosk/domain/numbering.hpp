// Which day a kiosk numbers its next ticket under ("A 001" starts each day), safe across
// clock steps: a number is never given twice in one office day, whatever the clocks do.
//
// The kiosk's wall clock can be wrong (a day off after a power cut) and can be stepped
// (NTP, a technician). So the day is read on the best clock the kiosk has:
//   - the office's reference clock (the hub's) when the sync engine has measured the hub's
//     offset since this boot ("confirmed"), else the wall clock;
//   - between two tickets of one boot, the monotonic clock (CLOCK_BOOTTIME, which counts
//     suspend too) measures the real time between them: a step of the wall clock in
//     between moves nothing, and a new day starts only when real time has crossed midnight.
// Rules, in order:
//   1. Numbers never go back to an earlier day than the last one used.
//   2. A new day (sequence back at 1) only when midnight has really passed since the last
//      ticket: in one boot, on the monotonic clock; across a reboot, only on a confirmed
//      clock. An unconfirmed forward jump continues the sequence of the last day instead.
// So a kiosk that starts without reaching the hub continues the last day's numbers until it
// has seen midnight pass (docs/queue-order.md, "Numbering").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/office_time.hpp"

namespace skranke {

// One reading of the device's clocks, taken at once.
struct ClockReading {
    std::int64_t wall_ms = 0;
    std::int64_t boot_ms = 0;  // CLOCK_BOOTTIME: never stepped, counts suspend
    std::string boot_id;       // /proc/sys/kernel/random/boot_id; empty: no monotonic clock known
    // The hub's clock minus this device's, measured since this boot (else nothing).
    std::optional<std::int64_t> hub_ahead_ms;
};

// Kept by the store after each numbered ticket.
struct NumberingMark {
    std::string day;                // the day numbers were given under ("YYYY-MM-DD")
    std::int64_t reference_ms = 0;  // the best clock's time at that ticket
    bool confirmed = false;         // reference_ms was on the hub's clock
    std::int64_t boot_ms = 0;
    std::string boot_id;
};

// The mark for the next ticket: its day is the day to number under, and the sequence
// restarts at 1 exactly when that day differs from last->day.
NumberingMark next_numbering_mark(const std::optional<NumberingMark>& last, const ClockReading& now,
                                  const OfficeZone& zone);

// The device's clocks now (wall, CLOCK_BOOTTIME, boot id); hub_ahead_ms left empty.
ClockReading read_device_clocks();

}  // namespace skranke
