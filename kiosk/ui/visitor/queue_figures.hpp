// What the ticket screen tells the visitor about the wait: people ahead (from the local
// store, in the one queue order) and an estimate from recent service times, or nothing
// when there is no data: the screen then says "unknown" rather than guessing.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "domain/queue_state.hpp"
#include "domain/ticket.hpp"

namespace skranke::visitor {

struct QueueFigures {
    int people_ahead = 0;
    std::optional<int> wait_minutes;
};

// Waiting tickets of the day that the queue order puts before mine, from the tickets this
// kiosk issued (used when the queue as synced is not readable).
int people_ahead_of(const std::vector<Ticket>& today, const Ticket& mine, std::int64_t now_ms);
// The same from the queue as this kiosk knows it (every kiosk's tickets the hub has sent,
// with calls and services applied, plus its own not yet sent). Nothing if mine is not in it.
std::optional<int> people_ahead_in(const QueueState& queue, const Ticket& mine, std::int64_t now_ms);

// Median of recent service durations times people ahead, shared by open counters, rounded
// up to 5 minutes. Nothing with fewer than 3 recent services (too little to say).
std::optional<int> estimate_wait_minutes(int people_ahead, const std::vector<std::int64_t>& recent_service_ms,
                                         int open_counters);

}  // namespace skranke::visitor
