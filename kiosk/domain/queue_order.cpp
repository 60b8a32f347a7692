#include "domain/queue_order.hpp"

#include <algorithm>
#include <tuple>

namespace skranke {
namespace {

// Call tiers, lowest first.
enum Tier { urgent_tier = 0, appointment_tier = 1, fifo_tier = 2 };

struct Ranked {
    QueueEntry entry;
    std::int64_t arrival = 0;
    int tier = fifo_tier;
    std::int64_t time_in_tier = 0;
};

}  // namespace

std::int64_t corrected_arrival_ms(const QueueEntry& entry) {
    if (!entry.device_clock_offset_ms) {
        // Without a measured offset the device's clock is not trusted at all: use the time a
        // trusted party first saw the ticket, or the device clock only if nothing else exists.
        return entry.received_ms.value_or(entry.device_created_ms);
    }
    const std::int64_t corrected = entry.device_created_ms - *entry.device_clock_offset_ms;
    // A ticket cannot have arrived after it was first seen.
    return entry.received_ms ? std::min(corrected, *entry.received_ms) : corrected;
}

std::vector<QueueEntry> order_queue(std::vector<QueueEntry> entries, std::int64_t now_ms,
                                    const QueuePolicy& policy) {
    std::vector<Ranked> ranked;
    ranked.reserve(entries.size());
    for (QueueEntry& entry : entries) {
        Ranked r;
        r.arrival = corrected_arrival_ms(entry);
        r.entry = std::move(entry);
        ranked.push_back(std::move(r));
    }

    // A device's own order is always trusted: a later ticket from the same device never
    // arrives before an earlier one, even if that device's clock stepped backwards.
    std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
        return std::tie(a.entry.device_id, a.entry.device_seq) < std::tie(b.entry.device_id, b.entry.device_seq);
    });
    for (std::size_t i = 1; i < ranked.size(); ++i)
        if (ranked[i].entry.device_id == ranked[i - 1].entry.device_id)
            ranked[i].arrival = std::max(ranked[i].arrival, ranked[i - 1].arrival);

    for (Ranked& r : ranked) {
        const QueueEntry& e = r.entry;
        const bool due = e.appointment_ms && *e.appointment_ms - policy.appointment_early_ms <= now_ms;
        const bool aged = now_ms - r.arrival >= policy.ageing_bound_ms;
        if (e.urgent) {
            r.tier = urgent_tier;
            r.time_in_tier = r.arrival;
        } else if (aged) {
            // Joins the urgent tier as if it had become urgent when the bound ran out, so it is
            // called after urgent tickets that came before that moment and before later ones.
            r.tier = urgent_tier;
            r.time_in_tier = r.arrival + policy.ageing_bound_ms;
        } else if (due) {
            r.tier = appointment_tier;
            r.time_in_tier = *e.appointment_ms;
        } else {
            r.tier = fifo_tier;
            r.time_in_tier = r.arrival;
        }
    }

    std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
        return std::tie(a.tier, a.time_in_tier, a.arrival, a.entry.device_id, a.entry.device_seq, a.entry.key) <
               std::tie(b.tier, b.time_in_tier, b.arrival, b.entry.device_id, b.entry.device_seq, b.entry.key);
    });
    std::vector<QueueEntry> ordered;
    ordered.reserve(ranked.size());
    for (Ranked& r : ranked) ordered.push_back(std::move(r.entry));
    return ordered;
}

}  // namespace skranke
