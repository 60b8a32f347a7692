// What the console, the display and the hub read from the event log besides the queue
// itself: each ticket's timeline (for today's figures) and the calls in the order they
// happened (for the waiting-room display). Pure folds over known events, like queue_state.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "domain/queue_state.hpp"
#include "domain/statistics.hpp"

namespace skranke {

// When an event happened on the reference clock: the hub's receive time when known, else
// the device clock corrected by its measured offset, else the device clock.
std::int64_t event_time_ms(const KnownEvent& known);

// One timeline per ticket of the office day service_day ("YYYY-MM-DD", office_day_of), in issue order. Events that do not
// apply (conflicts) are skipped, exactly as the queue fold skips them.
std::vector<TicketTimeline> day_timelines(const std::vector<KnownEvent>& events, const std::string& service_day);

// A call the waiting room hears: only the number and the counter, never anything else.
struct CallRecord {
    std::string event_id;   // of the ticket.called / ticket.recalled event
    std::string ticket_id;
    std::string number;   // "B 017"
    std::string spoken;   // "B 17"
    std::string counter;  // "2"
    std::int64_t at_ms = 0;
    std::int64_t hub_seq = 0;  // 0 for a call the hub has not confirmed yet
    bool recall = false;
};

// Calls and recalls in log order, oldest first.
std::vector<CallRecord> call_history(const std::vector<KnownEvent>& events);

// The queue, the calls and each ticket's timeline, folded one event at a time. A device keeps
// one and applies each log page to it as it arrives (store/queue_view.hpp), so its screens
// never fold the whole log again; day_timelines and call_history are this fold over a list.
// It holds what it was given: the device's log window bounds it.
class LogFold {
public:
    // Applies one event; one that conflicts with the queue changes nothing, as in the queue fold.
    void apply(const KnownEvent& known);

    const QueueState& queue() const { return queue_; }
    // Calls and recalls in the order applied, oldest first.
    const std::vector<CallRecord>& calls() const { return calls_; }
    // The timelines of one office day's tickets (office_day_of), in issue order.
    std::vector<TicketTimeline> day_timelines(const std::string& office_day) const;
    // How long recent services took (served minus the last call or recall, on the reference
    // clock), newest first, of tickets served at or after since_ms: the kiosk's wait estimate.
    std::vector<std::int64_t> recent_service_ms(std::int64_t since_ms, std::size_t limit) const;

private:
    struct DayTimeline {
        std::string office_day;
        std::uint64_t issue_order = 0;
        TicketTimeline timeline;
    };
    QueueState queue_;
    std::vector<CallRecord> calls_;
    std::map<std::string, DayTimeline> timelines_;  // by ticket id
    std::uint64_t issued_ = 0;
};

}  // namespace skranke
