#include "domain/day_log.hpp"

#include <algorithm>
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

void LogFold::apply(const KnownEvent& known) {
    if (queue_.apply(known.event, known.meta)) return;  // a conflict changes nothing
    const std::string& id = ticket_id_of(known.event);
    const QueueTicket* ticket = queue_.find(id);
    if (!ticket) return;
    const std::int64_t at = event_time_ms(known);
    if (is_issue(known.event)) {
        DayTimeline& entry = timelines_[id];
        entry.office_day = office_day_of(*ticket);
        entry.issue_order = issued_++;
        TicketTimeline& t = entry.timeline;
        t.number = ticket->ticket.number.text();
        t.need_id = ticket->ticket.request.need_id;
        t.channel = ticket->ticket.request.channel;
        t.urgent = ticket->ticket.request.urgent;
        t.issued_ms = corrected_arrival_ms(queue_entry_of(*ticket));
        return;
    }
    const auto found = timelines_.find(id);
    if (found == timelines_.end()) return;
    TicketTimeline& t = found->second.timeline;
    t.state = ticket->state;
    t.need_id = ticket->ticket.request.need_id;
    const auto call = [&](bool recall) {
        CallRecord record;
        record.event_id = known.event.envelope.event_id;
        record.ticket_id = ticket->ticket.event_id;
        record.number = ticket->ticket.number.text();
        record.spoken = ticket->ticket.number.spoken_text();
        record.counter = ticket->counter;
        record.at_ms = at;
        record.hub_seq = known.meta.hub_seq.value_or(0);
        record.recall = recall;
        calls_.push_back(std::move(record));
    };
    std::visit(overloaded{
                   [](const TicketIssued&) {},
                   [&](const TicketCalled&) {
                       if (!t.first_called_ms) t.first_called_ms = at;
                       t.last_called_ms = at;
                       call(false);
                   },
                   [&](const TicketRecalled&) {
                       t.last_called_ms = at;
                       call(true);
                   },
                   [&](const TicketServed&) { t.finished_ms = at; },
                   [&](const TicketNoShow&) { t.finished_ms = at; },
                   [](const TicketTransferred&) {},
                   [&](const TicketCancelled& e) {
                       t.finished_ms = at;
                       t.cancel_reason = e.reason;
                   },
                   [](const TicketNotified&) {},
               },
               known.event.body);
}

std::vector<TicketTimeline> LogFold::day_timelines(const std::string& office_day) const {
    std::vector<const DayTimeline*> of_day;
    for (const auto& [id, entry] : timelines_)
        if (entry.office_day == office_day) of_day.push_back(&entry);
    std::sort(of_day.begin(), of_day.end(),
              [](const DayTimeline* a, const DayTimeline* b) { return a->issue_order < b->issue_order; });
    std::vector<TicketTimeline> timelines;
    timelines.reserve(of_day.size());
    for (const DayTimeline* entry : of_day) timelines.push_back(entry->timeline);
    return timelines;
}

std::vector<std::int64_t> LogFold::recent_service_ms(std::int64_t since_ms, std::size_t limit) const {
    std::vector<std::pair<std::int64_t, std::int64_t>> served;  // (served at, took)
    for (const auto& [id, entry] : timelines_) {
        const TicketTimeline& t = entry.timeline;
        if (t.state != TicketState::served || !t.finished_ms || !t.last_called_ms || *t.finished_ms < since_ms) continue;
        if (*t.finished_ms >= *t.last_called_ms) served.emplace_back(*t.finished_ms, *t.finished_ms - *t.last_called_ms);
    }
    std::sort(served.begin(), served.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (served.size() > limit) served.resize(limit);
    std::vector<std::int64_t> took;
    took.reserve(served.size());
    for (const auto& [at, ms] : served) took.push_back(ms);
    return took;
}

std::vector<TicketTimeline> day_timelines(const std::vector<KnownEvent>& events, const std::string& service_day) {
    LogFold fold;
    for (const KnownEvent& known : events) fold.apply(known);
    return fold.day_timelines(service_day);
}

std::vector<CallRecord> call_history(const std::vector<KnownEvent>& events) {
    LogFold fold;
    for (const KnownEvent& known : events) fold.apply(known);
    return fold.calls();
}

}  // namespace skranke
