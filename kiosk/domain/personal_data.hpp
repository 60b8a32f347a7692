// Which fields of an event are personal data (name, phone, description): never logged,
// never shown on a display, removed from the kiosk once the hub has the event.
#pragma once

#include <nlohmann/json.hpp>

namespace skranke {

// Empties the personal fields of a ticket.issued / callback.requested event in place.
void remove_personal_fields(nlohmann::json& event);

}  // namespace skranke
