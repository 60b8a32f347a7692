// Today's figures for reception and the office: tickets per need and per hour, waiting now,
// served, no-shows, and median / 90th-percentile waiting and service times. A pure function
// of the tickets' timelines (as folded from the event log), so the console, the hub and the
// tests compute the same numbers. No personal data goes in or comes out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/events.hpp"
#include "domain/ticket.hpp"

namespace skranke {

// What the event log says about one ticket, on the reference clock.
struct TicketTimeline {
    std::string number;                    // "B 017"
    std::string need_id;
    Channel channel = Channel::walk_in;
    bool urgent = false;
    std::int64_t issued_ms = 0;            // corrected arrival
    std::optional<std::int64_t> first_called_ms;
    std::optional<std::int64_t> last_called_ms;  // recalls and re-calls move this
    std::optional<std::int64_t> finished_ms;     // served, no-show, cancelled or transferred
    TicketState state = TicketState::waiting;
    CancelReason cancel_reason = CancelReason::none;
};

struct Spread {
    std::size_t count = 0;
    std::optional<std::int64_t> median_ms;  // nearest-rank; empty when count is 0
    std::optional<std::int64_t> p90_ms;
};

struct DayFigures {
    std::size_t issued = 0;
    std::size_t waiting_now = 0;           // waiting or called, not finished
    std::size_t served = 0;
    std::size_t no_shows = 0;
    std::size_t cancelled = 0;
    std::size_t transferred = 0;
    // Callback requests (also counted above, by how they ended): phoned and reached, phoned
    // without reaching the visitor, still to phone.
    std::size_t callbacks = 0;
    std::size_t callbacks_done = 0;
    std::size_t callbacks_not_reached = 0;
    std::size_t callbacks_waiting = 0;
    std::map<std::string, std::size_t> issued_by_need;
    std::map<int, std::size_t> issued_by_hour;  // local hour 0..23 of issue
    Spread wait;                           // issue -> first call, tickets that were called
    Spread service;                        // last call -> served, served tickets
    std::map<std::string, Spread> wait_by_need;
};

// Nearest-rank percentile (p in 0..100) of the values; empty for no values.
std::optional<std::int64_t> nearest_rank_percentile(std::vector<std::int64_t> values, double p);

// The estimated wait of a visitor with people_ahead before them: the median of recent service
// durations times people ahead, shared by the open counters, rounded up to 5 minutes.
// Nothing with fewer than 3 recent services (too little to say) or no open counter.
std::optional<int> estimate_wait_minutes(int people_ahead, const std::vector<std::int64_t>& recent_service_ms,
                                         int open_counters);

DayFigures compute_day_figures(const std::vector<TicketTimeline>& tickets);

// One line per ticket, with a header: number, need, channel, urgent, issued (local ISO
// time), first called, finished, state, wait seconds, service seconds. RFC 4180 quoting.
std::string day_figures_csv(const std::vector<TicketTimeline>& tickets);

}  // namespace skranke
