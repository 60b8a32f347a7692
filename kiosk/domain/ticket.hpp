// The ticket a visitor gets, and what the visitor told the kiosk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skranke {

enum class Channel { walk_in, appointment, callback };
enum class TicketState { waiting, called, served, no_show, cancelled, transferred };

std::string_view to_string(Channel channel);
std::string_view to_string(TicketState state);
std::optional<Channel> channel_from_string(std::string_view text);
std::optional<TicketState> ticket_state_from_string(std::string_view text);

struct AccessibilityNeeds {
    bool wheelchair = false;
    bool hearing = false;
    bool sight = false;
    bool operator==(const AccessibilityNeeds&) const = default;
};

// A number short enough to shout across a room: a kiosk letter and a per-day counter,
// shown as "B 017". Unique across kiosks because every kiosk in an office has its own letter.
struct TicketNumber {
    char letter = 'A';
    int sequence = 0;  // 1-based, resets every service day
    std::string text() const;           // "B 017" (at least three digits, more after 999)
    std::string spoken_text() const;    // "B 17" for announcements
    bool operator==(const TicketNumber&) const = default;
};

// What the visitor chose on the kiosk. Personal fields are optional and validated.
struct TicketRequest {
    std::string need_id;
    Channel channel = Channel::walk_in;
    bool urgent = false;                 // emergency needs force this to true
    bool children_affected = false;
    std::string language = "nb";         // visitor's chosen UI language
    bool interpreter_wanted = false;
    std::string interpreter_language;    // language code, empty if none
    AccessibilityNeeds accessibility;
    std::string name;                    // optional
    std::string phone;                   // optional
    std::string description;             // optional free text
    std::optional<std::int64_t> appointment_ms;  // appointment time, for check-ins
    std::string appointment_reference;   // optional
    // The visitor asked, with the phone above, for an SMS when near the front and when called
    // (skranke-notify sends them). Never for a callback request.
    bool sms_wanted = false;
    // Waits outside the waiting room for that SMS: not counted against the room's capacity.
    // Only with sms_wanted.
    bool waits_outside = false;
    bool operator==(const TicketRequest&) const = default;
};

struct Ticket {
    TicketNumber number;
    std::string service_day;             // "YYYY-MM-DD" in the office's local time
    TicketRequest request;
    std::int64_t created_ms = 0;         // issuing device's wall clock (not trusted alone)
    std::string device_id;
    std::int64_t device_seq = 0;         // per-device event sequence of the ticket.issued event
    std::string event_id;                // globally unique: "<device_id>:<device_seq>"
    TicketState state = TicketState::waiting;
    // The key of the ticket's status page on the visitor's phone (the QR on the paper ticket):
    // 32 lowercase hex digits (128 random bits), never the number. Empty: none (older kiosks).
    std::string status_token;
    bool operator==(const Ticket&) const = default;
};

inline constexpr std::size_t status_token_chars = 32;
// Exactly status_token_chars of 0-9 and a-f.
bool is_status_token(std::string_view text);

}  // namespace skranke
