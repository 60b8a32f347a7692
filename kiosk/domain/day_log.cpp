#include "domain/day_log.hpp"

#include <map>

#include "domain/events.hpp"
#include "domain/queue_order.hpp"

namespace skranke {
namespace {

std::string type_of(const nlohmann::json& event) {
    const auto it = event.find("type");
    return it != event.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::int64_t event_time_ms(const KnownEvent& known) {
    if (known.meta.received_ms) return *known.meta.received_ms;
    const auto it = known.event.find("created_ms");
    const std::int64_t created = it != known.event.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
    return created - known.meta.device_clock_offset_ms.value_or(0);
}

std::vector<TicketTimeline> day_timelines(const std::vector<KnownEvent>& events, const std::string& service_day) {
    QueueState state;
    std::vector<TicketTimeline> timelines;
    std::map<std::string, std::size_t> index;  // ticket id -> position in timelines
    for (const KnownEvent& known : events) {
        if (state.apply(known.event, known.meta)) continue;  // a conflict changes nothing
        const auto id = ticket_id_of(known.event);
        const QueueTicket* ticket = id ? state.find(*id) : nullptr;
        if (!ticket || ticket->ticket.service_day != service_day) continue;
        const std::string type = type_of(known.event);
        const std::int64_t at = event_time_ms(known);
        if (type == event_type::ticket_issued || type == event_type::callback_requested) {
            TicketTimeline t;
            t.number = ticket->ticket.number.text();
            t.need_id = ticket->ticket.request.need_id;
            t.channel = ticket->ticket.request.channel;
            t.urgent = ticket->ticket.request.urgent;
            t.issued_ms = corrected_arrival_ms(queue_entry_of(*ticket));
            index[*id] = timelines.size();
            timelines.push_back(std::move(t));
            continue;
        }
        const auto found = index.find(*id);
        if (found == index.end()) continue;
        TicketTimeline& t = timelines[found->second];
        t.state = ticket->state;
        t.need_id = ticket->ticket.request.need_id;
        if (type == event_type::ticket_called) {
            if (!t.first_called_ms) t.first_called_ms = at;
            t.last_called_ms = at;
        } else if (type == event_type::ticket_recalled) {
            t.last_called_ms = at;
        } else if (type == event_type::ticket_served || type == event_type::ticket_no_show ||
                   type == event_type::ticket_cancelled) {
            t.finished_ms = at;
        }
    }
    return timelines;
}

std::vector<CallRecord> call_history(const std::vector<KnownEvent>& events) {
    QueueState state;
    std::vector<CallRecord> calls;
    for (const KnownEvent& known : events) {
        if (state.apply(known.event, known.meta)) continue;
        const std::string type = type_of(known.event);
        if (type != event_type::ticket_called && type != event_type::ticket_recalled) continue;
        const QueueTicket* ticket = state.find(*ticket_id_of(known.event));
        CallRecord call;
        call.event_id = known.event.value("event_id", "");
        call.ticket_id = ticket->ticket.event_id;
        call.number = ticket->ticket.number.text();
        call.spoken = ticket->ticket.number.spoken_text();
        call.counter = ticket->counter;
        call.at_ms = event_time_ms(known);
        call.hub_seq = known.meta.hub_seq.value_or(0);
        call.recall = type == event_type::ticket_recalled;
        calls.push_back(std::move(call));
    }
    return calls;
}

}  // namespace skranke
