// One event of a push as the hub reads it, before anything is locked: the text it came as
// (what the log keeps), its hash, the typed event or why it is refused, and its envelope.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/event_codec.hpp"
#include "protocol/issue_event.hpp"

namespace skranke::hub {

struct PushedEvent {
    std::string_view text;
    std::string hash;  // of text
    // The typed event, value rules checked (event_codec.hpp), or why it is refused.
    Result<Event, protocol::EventProblem> event = protocol::EventProblem{};
    // The envelope as sent, where present with the right type (role checks and replies,
    // also for an event that is refused).
    std::optional<std::string> event_id;
    std::optional<std::string> type;
    std::optional<std::string> device_id;
    std::optional<std::int64_t> device_seq;
};
// Reads one event's text: an issue event the quick way, any other with parse_event.
// Nothing when the text is not JSON.
std::optional<PushedEvent> read_pushed_event(std::string_view text, protocol::IssueEventReader& reader);
// An event that came as part of a body parsed whole; text is its JSON written out again.
PushedEvent pushed_event_of(const nlohmann::json& event, std::string_view text);

}  // namespace skranke::hub
