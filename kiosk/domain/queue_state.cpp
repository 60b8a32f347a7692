#include "domain/queue_state.hpp"

#include <type_traits>

#include "domain/office_time.hpp"
#include "domain/overloaded.hpp"

namespace skranke {
namespace {

bool is_open(TicketState state) { return state == TicketState::waiting || state == TicketState::called; }

QueueConflict conflict(std::string code, std::string message) { return {std::move(code), std::move(message)}; }

std::optional<QueueConflict> closed(const std::string& id, TicketState state) {
    return conflict("ticket_closed", "ticket " + id + " is " + std::string(to_string(state)));
}

// An SMS is claimed once per kind, while it still says something (near the front: waiting;
// called: called), and only for a visitor who asked; its outcome is told once, by the
// notifier that claimed it.
std::optional<QueueConflict> sms_conflict(const QueueTicket& ticket, const TicketNotified& e, const std::string& device) {
    const std::string& id = e.ticket_id;
    if (!ticket.ticket.request.sms_wanted) return conflict("no_sms_wanted", "ticket " + id + " asked for no SMS");
    const std::optional<QueueTicket::Sms>& sms = ticket.sms_of(e.kind);
    if (e.outcome == NotifyOutcome::sending) {
        if (sms) return conflict("already_notified", "the " + std::string(to_string(e.kind)) + " SMS of ticket " + id +
                                                         " was claimed by " + sms->by_device);
        const TicketState wanted = e.kind == NotifyKind::called ? TicketState::called : TicketState::waiting;
        if (ticket.state != wanted) return closed(id, ticket.state);
        return std::nullopt;
    }
    if (!sms || sms->by_device != device)
        return conflict("not_claimed", "the " + std::string(to_string(e.kind)) + " SMS of ticket " + id +
                                           " was not claimed by " + device);
    if (sms->outcome != NotifyOutcome::sending)
        return conflict("already_notified", "the " + std::string(to_string(e.kind)) + " SMS of ticket " + id +
                                                " was already " + std::string(to_string(sms->outcome)));
    return std::nullopt;
}

}  // namespace

const QueueTicket* QueueState::find(std::string_view ticket_id) const {
    const auto it = tickets_.find(ticket_id);
    return it == tickets_.end() ? nullptr : it->second.get();
}

QueueTicketRef QueueState::shared(std::string_view ticket_id) const {
    const auto it = tickets_.find(ticket_id);
    return it == tickets_.end() ? nullptr : it->second;
}

const QueueTicket* QueueState::find_by_status_token(std::string_view token) const {
    if (token.empty()) return nullptr;
    const auto it = by_status_token_.find(token);
    return it == by_status_token_.end() ? nullptr : it->second;
}

void QueueState::note_token(const QueueTicket& ticket) {
    if (!ticket.ticket.status_token.empty()) by_status_token_.emplace(ticket.ticket.status_token, &ticket);
}

void QueueState::drop_token(const QueueTicket& ticket) {
    const auto it = by_status_token_.find(ticket.ticket.status_token);
    if (it != by_status_token_.end() && it->second == &ticket) by_status_token_.erase(it);
}

void QueueState::put(QueueTickets::Map::iterator it, QueueTicketRef ticket) {
    drop_token(*it->second);
    it->second = std::move(ticket);
    note_token(*it->second);
}

std::optional<QueueConflict> QueueState::check(const Event& event, const EventMeta& meta) const {
    const std::string& id = ticket_id_of(event);
    if (is_issue(event)) {
        if (tickets_.count(id) != 0) return conflict("duplicate", "ticket " + id + " already issued");
        return std::nullopt;
    }
    const QueueTicket* ticket = find(id);
    if (ticket == nullptr) return conflict("unknown_ticket", "no ticket " + id);
    // Both times are the hub's, bounded to years 2000-2200 by the protocol: no overflow.
    if (meta.received_ms && ticket->issued.received_ms &&
        *meta.received_ms - *ticket->issued.received_ms > action_window_ms)
        return conflict("unknown_ticket", "ticket " + id + " is older than two days");
    const TicketState state = ticket->state;
    return std::visit(
        overloaded{
            [](const TicketIssued&) -> std::optional<QueueConflict> { return std::nullopt; },
            [&](const TicketCalled&) -> std::optional<QueueConflict> {
                if (state == TicketState::called)
                    return conflict("already_called", "ticket " + id + " was already called by " + ticket->called_by);
                if (!is_open(state)) return closed(id, state);
                return std::nullopt;
            },
            [&](const auto& on_called) -> std::optional<QueueConflict> {
                using T = std::decay_t<decltype(on_called)>;
                if constexpr (std::is_same_v<T, TicketRecalled> || std::is_same_v<T, TicketServed> ||
                              std::is_same_v<T, TicketNoShow>) {
                    if (state != TicketState::called) return conflict("not_called", "ticket " + id + " is not called");
                } else if constexpr (std::is_same_v<T, TicketNotified>) {
                    return sms_conflict(*ticket, on_called, event.envelope.device_id);
                } else {
                    static_assert(std::is_same_v<T, TicketTransferred> || std::is_same_v<T, TicketCancelled>);
                    if (!is_open(state)) return closed(id, state);
                }
                return std::nullopt;
            },
        },
        event.body);
}

std::optional<QueueConflict> QueueState::apply(const Event& event, const EventMeta& meta) {
    if (auto problem = check(event, meta)) return problem;
    if (const auto* issued = std::get_if<TicketIssued>(&event.body)) {
        auto entry = std::make_shared<QueueTicket>();
        entry->ticket = issued->ticket;
        entry->state = TicketState::waiting;
        entry->issued = meta;
        note_token(*entry);
        tickets_.emplace(event.envelope.event_id, std::move(entry));
        return std::nullopt;
    }
    // A changed copy: states that share the ticket keep it as it was.
    const auto it = tickets_.find(ticket_id_of(event));
    auto changed = std::make_shared<QueueTicket>(*it->second);
    QueueTicket& ticket = *changed;
    std::visit(overloaded{
                   [](const TicketIssued&) {},
                   [&](const TicketCalled& e) {
                       ticket.state = TicketState::called;
                       ticket.counter = e.counter;
                       ticket.called_by = event.envelope.device_id;
                   },
                   [&](const TicketRecalled&) { ++ticket.recalls; },
                   [&](const TicketServed&) { ticket.state = TicketState::served; },
                   [&](const TicketNoShow&) { ticket.state = TicketState::no_show; },
                   [&](const TicketTransferred& e) {
                       // Waits again, in the queue of its new need, keeping its place.
                       ticket.state = TicketState::waiting;
                       ticket.ticket.request.need_id = e.to_need_id;
                       ticket.for_counter = e.to_counter;
                       ticket.counter.clear();
                       ticket.called_by.clear();
                   },
                   [&](const TicketCancelled&) { ticket.state = TicketState::cancelled; },
                   [&](const TicketNotified& e) {
                       auto& sms = ticket.sms[static_cast<std::size_t>(e.kind)];
                       if (e.outcome == NotifyOutcome::sending) {
                           sms = QueueTicket::Sms{event.envelope.device_id, event.envelope.event_id, e.outcome, {}};
                       } else {
                           sms->outcome = e.outcome;  // check() made sure there is a claim
                           sms->detail = e.detail;
                       }
                   },
               },
               event.body);
    ticket.ticket.state = ticket.state;
    put(it, std::move(changed));
    return std::nullopt;
}

void QueueState::restore(const std::string& ticket_id, QueueTicketRef before) {
    const auto it = tickets_.find(ticket_id);
    if (it == tickets_.end()) {
        if (!before) return;
        note_token(*before);
        tickets_.emplace(ticket_id, std::move(before));
    } else if (before) {
        put(it, std::move(before));
    } else {
        drop_token(*it->second);
        tickets_.erase(it);
    }
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
        const QueueTicket& t = *entry.second;
        const bool old = t.issued.received_ms.value_or(t.ticket.created_ms) < cutoff_ms;
        if (old) drop_token(t);
        return old;
    });
}

std::vector<QueueEntry> QueueState::waiting_entries() const {
    std::vector<QueueEntry> entries;
    for (const auto& [id, t] : tickets())
        if (t.state == TicketState::waiting) entries.push_back(queue_entry_of(t));
    return entries;
}

bool waits_in_room(const QueueTicket& t) {
    return t.state == TicketState::waiting && t.ticket.request.channel != Channel::callback;
}

std::string office_day_of(const QueueTicket& t) { return service_day_of(corrected_arrival_ms(queue_entry_of(t))); }

std::vector<QueueEntry> QueueState::room_entries(const std::string& office_day) const {
    std::vector<QueueEntry> entries;
    for (const auto& [id, t] : tickets())
        if (waits_in_room(t) && office_day_of(t) == office_day) entries.push_back(queue_entry_of(t));
    return entries;
}

std::optional<int> people_ahead_in_room(const QueueState& queue, const std::string& ticket_id, std::int64_t now_ms) {
    const QueueTicket* mine = queue.find(ticket_id);
    if (!mine || !waits_in_room(*mine)) return std::nullopt;
    int ahead = 0;
    for (const QueueEntry& e : order_queue(queue.room_entries(office_day_of(*mine)), now_ms)) {
        if (e.key == ticket_id) return ahead;
        ++ahead;
    }
    return std::nullopt;
}

int people_in_room(const QueueState& queue, std::int64_t now_ms) {
    int inside = 0;
    for (const QueueEntry& e : queue.room_entries(service_day_of(now_ms))) {
        const QueueTicket* t = queue.find(e.key);
        if (t && !t->ticket.request.waits_outside) ++inside;
    }
    return inside;
}

QueueState fold_events(const std::vector<KnownEvent>& events) {
    QueueState state;
    for (const KnownEvent& known : events) state.apply(known.event, known.meta);
    return state;
}

}  // namespace skranke
