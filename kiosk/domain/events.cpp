#include "domain/events.hpp"

#include <array>

#include "domain/overloaded.hpp"

namespace skranke {

bool is_known_event_type(std::string_view type) {
    constexpr std::array known{event_type::ticket_issued,   event_type::ticket_called,
                               event_type::ticket_recalled, event_type::ticket_served,
                               event_type::ticket_no_show,  event_type::ticket_transferred,
                               event_type::ticket_cancelled, event_type::callback_requested,
                               event_type::ticket_notified};
    for (auto k : known)
        if (k == type) return true;
    return false;
}

std::string make_event_id(std::string_view device_id, std::int64_t device_seq) {
    return std::string(device_id) + ":" + std::to_string(device_seq);
}

std::string_view type_name(const Event& event) {
    return std::visit(overloaded{
                          [](const TicketIssued& e) {
                              return e.ticket.request.channel == Channel::callback ? event_type::callback_requested
                                                                                   : event_type::ticket_issued;
                          },
                          [](const TicketCalled&) { return event_type::ticket_called; },
                          [](const TicketRecalled&) { return event_type::ticket_recalled; },
                          [](const TicketServed&) { return event_type::ticket_served; },
                          [](const TicketNoShow&) { return event_type::ticket_no_show; },
                          [](const TicketTransferred&) { return event_type::ticket_transferred; },
                          [](const TicketCancelled&) { return event_type::ticket_cancelled; },
                          [](const TicketNotified&) { return event_type::ticket_notified; },
                      },
                      event.body);
}

const std::string& ticket_id_of(const Event& event) {
    return std::visit(overloaded{
                          [&](const TicketIssued&) -> const std::string& { return event.envelope.event_id; },
                          [](const auto& action) -> const std::string& { return action.ticket_id; },
                      },
                      event.body);
}

std::string_view to_string(NotifyKind kind) {
    return kind == NotifyKind::called ? "called" : "near_front";
}

std::string_view to_string(NotifyOutcome outcome) {
    switch (outcome) {
        case NotifyOutcome::sending: return "sending";
        case NotifyOutcome::sent: return "sent";
        case NotifyOutcome::failed: return "failed";
    }
    return "sending";
}

std::optional<NotifyKind> notify_kind_from_string(std::string_view text) {
    for (NotifyKind kind : {NotifyKind::near_front, NotifyKind::called})
        if (to_string(kind) == text) return kind;
    return std::nullopt;
}

std::optional<NotifyOutcome> notify_outcome_from_string(std::string_view text) {
    for (NotifyOutcome outcome : {NotifyOutcome::sending, NotifyOutcome::sent, NotifyOutcome::failed})
        if (to_string(outcome) == text) return outcome;
    return std::nullopt;
}

bool is_issue(const Event& event) { return std::holds_alternative<TicketIssued>(event.body); }

Event issued_event(const Ticket& ticket) {
    return Event{{ticket.event_id, ticket.device_id, ticket.device_seq, ticket.created_ms, {}}, TicketIssued{ticket}};
}

Event staff_event(EventBody body, const std::string& device_id, std::int64_t device_seq, std::int64_t created_ms,
                  std::string staff_id) {
    return Event{{make_event_id(device_id, device_seq), device_id, device_seq, created_ms, std::move(staff_id)},
                 std::move(body)};
}

void remove_visitor_answers(Event& event) {
    if (auto* issued = std::get_if<TicketIssued>(&event.body)) {
        issued->ticket.request.name.clear();
        issued->ticket.request.phone.clear();
        issued->ticket.request.description.clear();
    }
}

void remove_personal_fields(Event& event) {
    remove_visitor_answers(event);
    event.envelope.staff_id.clear();  // who signed in names a person too
    if (auto* issued = std::get_if<TicketIssued>(&event.body))
        issued->ticket.status_token.clear();  // the key to its status page: for the visitor's phone only
}

}  // namespace skranke
