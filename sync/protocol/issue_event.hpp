// The hub's quick reading of the event it gets most: a ticket issued at a kiosk.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/ticket.hpp"

namespace skranke::protocol {

// A ticket.issued or callback.requested event whose shape is known to be right
// (event_shape_problem would find nothing, and the fold can read its ticket).
struct IssueEvent {
    std::string type;
    Ticket ticket;  // with event_id, device_id and device_seq of the event
};

// Reads an issue event's text straight into an IssueEvent, without building a JSON tree
// (simdjson's on-demand parser). It takes only the text a kiosk writes: no line breaks or
// escapes, exactly the known fields, each once, with their exact types, and a shape
// event_shape_problem accepts. For any other text it gives nothing, and the caller reads
// the text as a JSON tree the general way, which also says what is wrong with it. So the
// quick reading never accepts what the general one would refuse.
class IssueEventReader {
public:
    IssueEventReader();
    ~IssueEventReader();
    IssueEventReader(const IssueEventReader&) = delete;
    IssueEventReader& operator=(const IssueEventReader&) = delete;

    std::optional<IssueEvent> read(std::string_view text);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace skranke::protocol
