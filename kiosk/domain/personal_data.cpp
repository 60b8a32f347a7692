#include "domain/personal_data.hpp"

namespace skranke {

void remove_personal_fields(nlohmann::json& event) {
    if (!event.is_object()) return;
    const auto ticket = event.find("ticket");
    if (ticket == event.end() || !ticket->is_object()) return;
    for (const char* key : {"name", "phone", "description"})
        if (ticket->contains(key)) (*ticket)[key] = "";
}

}  // namespace skranke
