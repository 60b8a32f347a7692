// Events as devices make them, for tests that talk to the hub directly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/events.hpp"

namespace skranke::test {

// A ticket.issued event with personal fields filled in.
nlohmann::json issued_event(const std::string& device_id, std::int64_t seq, std::int64_t created_ms,
                            bool urgent = false, char letter = 'A');
// A staff action (ticket.called, ...) about a ticket.
nlohmann::json staff_event(const std::string& type, const std::string& device_id, std::int64_t seq,
                           const std::string& ticket_id, std::int64_t created_ms);
// The typed event of a wire event, as every reader gets it (event_codec.hpp); throws with
// the problem when it does not read.
Event as_event(const nlohmann::json& wire);
// The same events typed, for folds.
Event issued_typed(const std::string& device_id, std::int64_t seq, std::int64_t created_ms, bool urgent = false,
                   char letter = 'A');
Event staff_typed(const std::string& type, const std::string& device_id, std::int64_t seq, const std::string& ticket_id,
                  std::int64_t created_ms);
// {"events": [...]} as text.
std::string batch(const std::vector<nlohmann::json>& events);

// A request to the hub.
struct Route {
    std::string method;
    std::string path;
    std::string body;
};
// Every route that takes a device token (PROTOCOL.md section 3), with a body it would accept.
const std::vector<Route>& token_routes();

}  // namespace skranke::test
