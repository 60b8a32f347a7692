// Events: everything that happens is an immutable event with a globally unique id chosen
// by the device that made it ("<device_id>:<device_seq>"), which is its idempotency key.
// The JSON shape is documented in docs/events.md and sync/PROTOCOL.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

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
}  // namespace event_type

bool is_known_event_type(std::string_view type);

std::string make_event_id(std::string_view device_id, std::int64_t device_seq);

// The ticket's fields as JSON (the "ticket" object inside a ticket.issued event).
nlohmann::json ticket_to_json(const Ticket& ticket);
// Parses what ticket_to_json wrote; nothing on missing or mistyped fields.
std::optional<Ticket> ticket_from_json(const nlohmann::json& json);

// The whole ticket.issued (or callback.requested, for the callback channel) event.
nlohmann::json ticket_issued_event(const Ticket& ticket);

}  // namespace skranke
