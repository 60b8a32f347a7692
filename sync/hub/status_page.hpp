// The status page a visitor opens on their phone from the QR code on the paper ticket
// (GET /status/<token>, hub/status_routes.hpp): the number, whether it is called and to which
// counter, people ahead and the estimated wait, in the visitor's language. Plain HTML for old
// phones: no JavaScript, a meta refresh, large text, high contrast. It never carries a name,
// phone, description or need: only what the waiting-room display shows anyway, and the wait.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.hpp"
#include "domain/text_table.hpp"
#include "domain/ticket.hpp"

namespace skranke::hub {

// The page's texts: the status.* keys of every language (domain/text_table.hpp).
using StatusTexts = TextTable;
Result<StatusTexts, std::string> load_status_texts(const std::filesystem::path& translations_dir);

// What the page says about one ticket.
struct TicketStatus {
    std::string number;      // "B 017"
    std::string language;    // the visitor's (the ticket's language), else Norwegian bokmål
    TicketState state = TicketState::waiting;
    bool callback = false;   // a callback request: staff phone, nobody waits in the room
    std::string counter;     // while called: where to go
    std::optional<int> people_ahead;  // waiting in the room: in the one call order
    std::optional<int> wait_minutes;  // nothing: too few services today to say
    std::string updated;     // "14:05", the office's time of the figures
};

inline constexpr int status_refresh_seconds = 30;

// The page for one ticket (200).
std::string status_page_html(const StatusTexts& texts, const TicketStatus& status);
// The one page for every token that opens nothing: unknown, malformed, expired, another
// office's (404). In Norwegian and English, the same bytes whatever the token was.
std::string unknown_ticket_html(const StatusTexts& texts);
// Too many requests from one address (429).
std::string too_many_requests_html(const StatusTexts& texts);

// The text with &, <, >, " and ' as character references: safe inside elements and quoted
// attributes.
std::string html_escaped(std::string_view text);

}  // namespace skranke::hub
