// The hub's quick reading of the event it gets most: a ticket issued at a kiosk.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/events.hpp"

namespace skranke::protocol {

// Reads an issue event's text straight into an IssueEvent, without building a JSON tree
// (simdjson's on-demand parser). It takes only the text a kiosk writes: no line breaks or
// escapes, exactly the known fields, each once, with their exact types and values. For any
// other text it gives nothing, and the caller reads the text with parse_event
// (event_codec.hpp), which also says what is wrong with it. What it gives is exactly what
// parse_event gives for the same text (the event_diff fuzz target checks this).
class IssueEventReader {
public:
    IssueEventReader();
    ~IssueEventReader();
    IssueEventReader(const IssueEventReader&) = delete;
    IssueEventReader& operator=(const IssueEventReader&) = delete;

    std::optional<Event> read(std::string_view text);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace skranke::protocol
