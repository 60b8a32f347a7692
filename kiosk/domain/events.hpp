// Events: everything that happens is an immutable event with a globally unique id chosen
// by the device that made it ("<device_id>:<device_seq>"), which is its idempotency key.
// Events are a closed set of types: a new one does not compile until every std::visit over
// Event handles it. Their JSON (docs/events.md, sync/PROTOCOL.md) is read and written in
// one place only, sync/protocol/event_codec.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/ticket.hpp"

namespace skranke {

namespace event_type {
inline constexpr std::string_view ticket_issued = "ticket.issued";
inline constexpr std::string_view ticket_called = "ticket.called";
inline constexpr std::string_view ticket_recalled = "ticket.recalled";
inline constexpr std::string_view ticket_served = "ticket.served";
inline constexpr std::string_view ticket_no_show = "ticket.no_show";
inline constexpr std::string_view ticket_transferred = "ticket.transferred";
inline constexpr std::string_view ticket_cancelled = "ticket.cancelled";
inline constexpr std::string_view callback_requested = "callback.requested";
inline constexpr std::string_view ticket_notified = "ticket.notified";
}  // namespace event_type

bool is_known_event_type(std::string_view type);

std::string make_event_id(std::string_view device_id, std::int64_t device_seq);

// What every event carries.
struct EventEnvelope {
    std::string event_id;  // make_event_id(device_id, device_seq)
    std::string device_id;
    std::int64_t device_seq = 0;
    std::int64_t created_ms = 0;  // the making device's wall clock
    std::string staff_id;         // staff actions: who was signed in at the console; else empty
    bool operator==(const EventEnvelope&) const = default;
};

// A ticket taken at a kiosk: "ticket.issued", or "callback.requested" when its channel is
// callback. The ticket's event_id, device_id, device_seq and created_ms are the envelope's.
struct TicketIssued {
    Ticket ticket;
    bool operator==(const TicketIssued&) const = default;
};
struct TicketCalled {
    std::string ticket_id;
    std::string counter;
    bool operator==(const TicketCalled&) const = default;
};
struct TicketRecalled {
    std::string ticket_id;
    std::string counter;
    bool operator==(const TicketRecalled&) const = default;
};
struct TicketServed {
    std::string ticket_id;
    std::string counter;  // may be empty
    bool operator==(const TicketServed&) const = default;
};
struct TicketNoShow {
    std::string ticket_id;
    std::string counter;  // may be empty
    bool operator==(const TicketNoShow&) const = default;
};
// The ticket waits again, in the queue of another need, keeping its place.
struct TicketTransferred {
    std::string ticket_id;
    std::string to_need_id;
    std::string to_counter;  // empty: any counter; else only that counter calls it next
    bool operator==(const TicketTransferred&) const = default;
};
// Why a ticket ended without a call: a callback request staff phoned (done), or phoned
// without reaching the visitor.
enum class CancelReason { none, callback_done, callback_not_reached };
struct TicketCancelled {
    std::string ticket_id;
    CancelReason reason = CancelReason::none;
    bool operator==(const TicketCancelled&) const = default;
};

// An SMS to a visitor who asked for one (TicketRequest::sms_wanted), made by the office's
// notifier (skranke-notify). Each kind is sent once per ticket: the notifier first records
// that it is sending (the hub stores only the first such claim of a kind, so two notifiers
// never both send), then sends, then records how it went.
enum class NotifyKind { near_front, called };
enum class NotifyOutcome { sending, sent, failed };
inline constexpr std::size_t notify_kind_count = 2;
std::string_view to_string(NotifyKind kind);
std::string_view to_string(NotifyOutcome outcome);
std::optional<NotifyKind> notify_kind_from_string(std::string_view text);
std::optional<NotifyOutcome> notify_outcome_from_string(std::string_view text);
struct TicketNotified {
    std::string ticket_id;
    NotifyKind kind = NotifyKind::near_front;
    NotifyOutcome outcome = NotifyOutcome::sending;
    std::string detail;  // failed: why, for staff and IT ("the gateway answered 503"); never personal
    bool operator==(const TicketNotified&) const = default;
};

using EventBody = std::variant<TicketIssued, TicketCalled, TicketRecalled, TicketServed, TicketNoShow,
                               TicketTransferred, TicketCancelled, TicketNotified>;

struct Event {
    EventEnvelope envelope;
    EventBody body;
    bool operator==(const Event&) const = default;
};

// The "type" the event has on the wire.
std::string_view type_name(const Event& event);
// The ticket the event is about: an issued ticket's own event id, else its ticket_id.
const std::string& ticket_id_of(const Event& event);
bool is_issue(const Event& event);

// The ticket.issued (or callback.requested) event of a ticket that has its event id,
// device id, device_seq and created_ms.
Event issued_event(const Ticket& ticket);
// A staff action made by device_id as its device_seq-th event at created_ms.
Event staff_event(EventBody body, const std::string& device_id, std::int64_t device_seq, std::int64_t created_ms,
                  std::string staff_id = {});

// Empties the personal fields: an issued ticket's name, phone and description, and the
// staff id of a staff action. Never logged, never shown on a display, never sent to kiosks
// and displays, removed from the kiosk once the hub has the event, and from the hub and
// every device after the hub's retention time. The ticket's status token goes with them: it is
// not personal, but it opens the ticket's status page, so only the hub and staff keep it.
void remove_personal_fields(Event& event);
// Empties only what the visitor answered (an issued ticket's name, phone and description): what
// a device keeps of its own ticket once the hub has it. Part of remove_personal_fields.
void remove_visitor_answers(Event& event);

}  // namespace skranke
