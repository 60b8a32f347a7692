#include "domain/queue_state.hpp"

#include "domain/events.hpp"

namespace skranke {
namespace {

std::string text_field(const nlohmann::json& event, const char* key) {
    const auto it = event.find(key);
    return it != event.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is_issue(const std::string& type) {
    return type == event_type::ticket_issued || type == event_type::callback_requested;
}

bool is_open(TicketState state) { return state == TicketState::waiting || state == TicketState::called; }

QueueConflict conflict(std::string code, std::string message) { return {std::move(code), std::move(message)}; }

}  // namespace

std::optional<std::string> ticket_id_of(const nlohmann::json& event) {
    if (!event.is_object()) return std::nullopt;
    const std::string type = text_field(event, "type");
    const std::string id = is_issue(type) ? text_field(event, "event_id") : text_field(event, "ticket_id");
    if (id.empty()) return std::nullopt;
    return id;
}

const QueueTicket* QueueState::find(const std::string& ticket_id) const {
    const auto it = tickets_.find(ticket_id);
    return it == tickets_.end() ? nullptr : &it->second;
}

std::optional<QueueConflict> QueueState::check(const nlohmann::json& event) const {
    const auto id = ticket_id_of(event);
    if (!id) return conflict("bad_event", "event names no ticket");
    const std::string type = text_field(event, "type");
    if (is_issue(type)) {
        if (tickets_.count(*id) != 0) return conflict("duplicate", "ticket " + *id + " already issued");
        if (!event.contains("ticket") || !ticket_from_json(event.at("ticket")))
            return conflict("bad_event", "ticket " + *id + " has a malformed ticket object");
        return std::nullopt;
    }
    const QueueTicket* ticket = find(*id);
    if (ticket == nullptr) return conflict("unknown_ticket", "no ticket " + *id);
    const TicketState state = ticket->state;
    if (type == event_type::ticket_called) {
        if (state == TicketState::called)
            return conflict("already_called", "ticket " + *id + " was already called by " + ticket->called_by);
        if (!is_open(state)) return conflict("ticket_closed", "ticket " + *id + " is " + std::string(to_string(state)));
        return std::nullopt;
    }
    if (type == event_type::ticket_recalled || type == event_type::ticket_served ||
        type == event_type::ticket_no_show) {
        if (state != TicketState::called) return conflict("not_called", "ticket " + *id + " is not called");
        return std::nullopt;
    }
    if (type == event_type::ticket_transferred) {
        if (!is_open(state)) return conflict("ticket_closed", "ticket " + *id + " is " + std::string(to_string(state)));
        if (text_field(event, "to_need_id").empty()) return conflict("bad_event", "transfer names no need");
        return std::nullopt;
    }
    if (type == event_type::ticket_cancelled) {
        if (!is_open(state)) return conflict("ticket_closed", "ticket " + *id + " is " + std::string(to_string(state)));
        return std::nullopt;
    }
    return conflict("bad_event", "unknown event type");
}

std::optional<QueueConflict> QueueState::apply(const nlohmann::json& event, const EventMeta& meta) {
    const std::string type = text_field(event, "type");
    if (is_issue(type)) {
        // Checked here rather than by check(), so the ticket object is parsed once.
        const auto id = ticket_id_of(event);
        if (!id) return conflict("bad_event", "event names no ticket");
        if (tickets_.count(*id) != 0) return conflict("duplicate", "ticket " + *id + " already issued");
        const auto it = event.find("ticket");
        auto parsed = it != event.end() ? ticket_from_json(*it) : std::nullopt;
        if (!parsed) return conflict("bad_event", "ticket " + *id + " has a malformed ticket object");
        parsed->event_id = *id;
        parsed->device_id = text_field(event, "device_id");
        const auto seq = event.find("device_seq");
        parsed->device_seq = seq != event.end() && seq->is_number_integer() ? seq->get<std::int64_t>() : 0;
        return apply_issue(std::move(*parsed), meta);
    }
    if (auto problem = check(event)) return problem;
    QueueTicket& ticket = tickets_.at(*ticket_id_of(event));
    if (type == event_type::ticket_called) {
        ticket.state = TicketState::called;
        ticket.counter = text_field(event, "counter");
        ticket.called_by = text_field(event, "device_id");
    } else if (type == event_type::ticket_recalled) {
        ++ticket.recalls;
    } else if (type == event_type::ticket_served) {
        ticket.state = TicketState::served;
    } else if (type == event_type::ticket_no_show) {
        ticket.state = TicketState::no_show;
    } else if (type == event_type::ticket_transferred) {
        // A transferred ticket waits again, in the queue of its new need, keeping its place.
        ticket.state = TicketState::waiting;
        ticket.ticket.request.need_id = text_field(event, "to_need_id");
        ticket.for_counter = text_field(event, "to_counter");  // optional
        ticket.counter.clear();
        ticket.called_by.clear();
    } else if (type == event_type::ticket_cancelled) {
        ticket.state = TicketState::cancelled;
    }
    ticket.ticket.state = ticket.state;
    return std::nullopt;
}

std::optional<QueueConflict> QueueState::apply_issue(Ticket ticket, const EventMeta& meta) {
    if (ticket.event_id.empty()) return conflict("bad_event", "event names no ticket");
    if (tickets_.count(ticket.event_id) != 0) return conflict("duplicate", "ticket " + ticket.event_id + " already issued");
    const std::string id = ticket.event_id;
    QueueTicket entry;
    entry.ticket = std::move(ticket);
    entry.state = TicketState::waiting;
    entry.issued = meta;
    tickets_.emplace(id, std::move(entry));
    return std::nullopt;
}

QueueEntry queue_entry_of(const QueueTicket& t) {
    QueueEntry e;
    e.key = t.ticket.event_id;
    e.urgent = t.ticket.request.urgent;
    e.appointment_ms = t.ticket.request.appointment_ms;
    e.device_id = t.ticket.device_id;
    e.device_seq = t.ticket.device_seq;
    e.device_created_ms = t.ticket.created_ms;
    e.device_clock_offset_ms = t.issued.device_clock_offset_ms;
    e.received_ms = t.issued.received_ms;
    return e;
}

void QueueState::forget_issued_before(std::int64_t cutoff_ms) {
    std::erase_if(tickets_, [&](const auto& entry) {
        return entry.second.issued.received_ms.value_or(entry.second.ticket.created_ms) < cutoff_ms;
    });
}

std::vector<QueueEntry> QueueState::waiting_entries() const {
    std::vector<QueueEntry> entries;
    for (const auto& [id, t] : tickets_)
        if (t.state == TicketState::waiting) entries.push_back(queue_entry_of(t));
    return entries;
}

bool waits_in_room(const QueueTicket& t) {
    return t.state == TicketState::waiting && t.ticket.request.channel != Channel::callback;
}

std::vector<QueueEntry> QueueState::room_entries(const std::string& service_day) const {
    std::vector<QueueEntry> entries;
    for (const auto& [id, t] : tickets_)
        if (waits_in_room(t) && t.ticket.service_day == service_day) entries.push_back(queue_entry_of(t));
    return entries;
}

QueueState fold_events(const std::vector<KnownEvent>& events) {
    QueueState state;
    for (const KnownEvent& known : events) state.apply(known.event, known.meta);
    return state;
}

}  // namespace skranke
