// The one queue-ordering rule used everywhere (kiosk estimate, reception "Call next",
// hub): urgent first, then appointments that are due, then first come first served,
// with an ageing bound so nobody non-urgent waits forever behind urgent tickets.
// See docs/queue-order.md for why and how clock skew is handled.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace skranke {

struct QueuePolicy {
    // A non-urgent ticket that has waited this long joins the urgent tier.
    std::int64_t ageing_bound_ms = 45 * 60 * 1000;
    // An appointment counts as due this long before its time.
    std::int64_t appointment_early_ms = 5 * 60 * 1000;
};

struct QueueEntry {
    std::string key;                       // ticket's event id, stable across devices
    bool urgent = false;
    std::optional<std::int64_t> appointment_ms;  // reference-clock appointment time
    std::string device_id;                 // issuing device
    std::int64_t device_seq = 0;           // issuing device's own order, always trusted
    std::int64_t device_created_ms = 0;    // issuing device's wall clock, not trusted alone
    // device clock minus reference clock, measured when the device last synced; empty
    // when never measured.
    std::optional<std::int64_t> device_clock_offset_ms;
    // Reference-clock time when a trusted party (the hub, or this device for its own
    // tickets) first saw the ticket; empty when unknown.
    std::optional<std::int64_t> received_ms;
};

// Arrival time on the reference clock, corrected for the issuing device's clock error.
std::int64_t corrected_arrival_ms(const QueueEntry& entry);

// Entries in call order at reference time now_ms. Stable and deterministic: equal keys
// fall back to device id and device sequence.
std::vector<QueueEntry> order_queue(std::vector<QueueEntry> entries, std::int64_t now_ms,
                                    const QueuePolicy& policy = {});

}  // namespace skranke
