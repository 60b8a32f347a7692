#include "visitor/queue_figures.hpp"

#include <algorithm>
#include <cmath>

#include "domain/queue_order.hpp"

namespace skranke::visitor {

int people_ahead_of(const std::vector<Ticket>& today, const Ticket& mine, std::int64_t now_ms) {
    std::vector<QueueEntry> entries;
    bool mine_seen = false;
    for (const Ticket& t : today) {
        if (t.state != TicketState::waiting) continue;
        QueueEntry e;
        e.key = t.event_id;
        e.urgent = t.request.urgent;
        e.appointment_ms = t.request.appointment_ms;
        e.device_id = t.device_id;
        e.device_seq = t.device_seq;
        e.device_created_ms = t.created_ms;
        e.received_ms = t.created_ms;  // this kiosk's own clock: the store only holds what it saw
        mine_seen = mine_seen || t.event_id == mine.event_id;
        entries.push_back(std::move(e));
    }
    if (!mine_seen) return 0;
    const auto ordered = order_queue(std::move(entries), now_ms);
    int ahead = 0;
    for (const auto& e : ordered) {
        if (e.key == mine.event_id) break;
        ++ahead;
    }
    return ahead;
}

std::optional<int> people_ahead_in(const QueueState& queue, const Ticket& mine, std::int64_t now_ms) {
    if (!queue.find(mine.event_id)) return std::nullopt;
    std::vector<QueueEntry> today;
    for (QueueEntry& e : queue.waiting_entries()) {
        const QueueTicket* t = queue.find(e.key);
        if (t && t->ticket.service_day == mine.service_day) today.push_back(std::move(e));
    }
    int ahead = 0;
    for (const auto& e : order_queue(std::move(today), now_ms)) {
        if (e.key == mine.event_id) return ahead;
        ++ahead;
    }
    return std::nullopt;  // mine is no longer waiting
}

std::optional<int> estimate_wait_minutes(int people_ahead, const std::vector<std::int64_t>& recent_service_ms,
                                         int open_counters) {
    if (recent_service_ms.size() < 3 || open_counters < 1) return std::nullopt;
    if (people_ahead <= 0) return 0;
    std::vector<std::int64_t> sorted = recent_service_ms;
    std::sort(sorted.begin(), sorted.end());
    const double median_min = static_cast<double>(sorted[sorted.size() / 2]) / 60000.0;
    const double minutes = median_min * people_ahead / open_counters;
    return static_cast<int>(std::ceil(minutes / 5.0) * 5.0);
}

}  // namespace skranke::visitor
