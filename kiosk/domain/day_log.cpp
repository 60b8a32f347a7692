#include "domain/day_log.hpp"

#include <map>

#include "domain/events.hpp"
#include "domain/overloaded.hpp"
#include "domain/queue_order.hpp"

namespace skranke {

std::int64_t event_time_ms(const KnownEvent& known) {
    if (known.meta.received_ms) return *known.meta.received_ms;
    // Both bounded by the protocol (years 2000-2200, offsets within 400 days): no overflow.
    return known.event.envelope.created_ms - known.meta.device_clock_offset_ms.value_or(0);
}

std::vector<TicketTimeline> day_timelines(const std::vector<KnownEvent>& events, const std::string& service_day) {
    QueueState state;
    std::vector<TicketTimeline> timelines;
    std::map<std::string, std::size_t> index;  // ticket id -> position in timelines
    for (const KnownEvent& known : events) {
        if (state.apply(known.event, known.meta)) continue;  // a conflict changes nothing
        const std::string& id = ticket_id_of(known.event);
        const QueueTicket* ticket = state.find(id);
        if (!ticket || office_day_of(*ticket) != service_day) continue;
        const std::int64_t at = event_time_ms(known);
        if (is_issue(known.event)) {
            TicketTimeline t;
            t.number = ticket->ticket.number.text();
            t.need_id = ticket->ticket.request.need_id;
            t.channel = ticket->ticket.request.channel;
            t.urgent = ticket->ticket.request.urgent;
            t.issued_ms = corrected_arrival_ms(queue_entry_of(*ticket));
            index[id] = timelines.size();
            timelines.push_back(std::move(t));
            continue;
        }
        const auto found = index.find(id);
        if (found == index.end()) continue;
        TicketTimeline& t = timelines[found->second];
        t.state = ticket->state;
        t.need_id = ticket->ticket.request.need_id;
        std::visit(overloaded{
                       [](const TicketIssued&) {},
                       [&](const TicketCalled&) {
                           if (!t.first_called_ms) t.first_called_ms = at;
                           t.last_called_ms = at;
                       },
                       [&](const TicketRecalled&) { t.last_called_ms = at; },
                       [&](const TicketServed&) { t.finished_ms = at; },
                       [&](const TicketNoShow&) { t.finished_ms = at; },
                       [](const TicketTransferred&) {},
                       [&](const TicketCancelled&) { t.finished_ms = at; },
                   },
                   known.event.body);
    }
    return timelines;
}

std::vector<CallRecord> call_history(const std::vector<KnownEvent>& events) {
    QueueState state;
    std::vector<CallRecord> calls;
    for (const KnownEvent& known : events) {
        if (state.apply(known.event, known.meta)) continue;
        const bool recall = std::holds_alternative<TicketRecalled>(known.event.body);
        if (!recall && !std::holds_alternative<TicketCalled>(known.event.body)) continue;
        const QueueTicket* ticket = state.find(ticket_id_of(known.event));
        CallRecord call;
        call.event_id = known.event.envelope.event_id;
        call.ticket_id = ticket->ticket.event_id;
        call.number = ticket->ticket.number.text();
        call.spoken = ticket->ticket.number.spoken_text();
        call.counter = ticket->counter;
        call.at_ms = event_time_ms(known);
        call.hub_seq = known.meta.hub_seq.value_or(0);
        call.recall = recall;
        calls.push_back(std::move(call));
    }
    return calls;
}

}  // namespace skranke
