#include "domain/events.hpp"

#include <array>

namespace skranke {

bool is_known_event_type(std::string_view type) {
    constexpr std::array known{event_type::ticket_issued,   event_type::ticket_called,
                               event_type::ticket_recalled, event_type::ticket_served,
                               event_type::ticket_no_show,  event_type::ticket_transferred,
                               event_type::ticket_cancelled, event_type::callback_requested};
    for (auto k : known)
        if (k == type) return true;
    return false;
}

std::string make_event_id(std::string_view device_id, std::int64_t device_seq) {
    return std::string(device_id) + ":" + std::to_string(device_seq);
}

nlohmann::json ticket_to_json(const Ticket& ticket) {
    const TicketRequest& r = ticket.request;
    nlohmann::json json = {
        {"number", ticket.number.text()},
        {"letter", std::string(1, ticket.number.letter)},
        {"sequence", ticket.number.sequence},
        {"service_day", ticket.service_day},
        {"need_id", r.need_id},
        {"channel", to_string(r.channel)},
        {"urgent", r.urgent},
        {"children_affected", r.children_affected},
        {"language", r.language},
        {"interpreter_wanted", r.interpreter_wanted},
        {"interpreter_language", r.interpreter_language},
        {"accessibility",
         {{"wheelchair", r.accessibility.wheelchair},
          {"hearing", r.accessibility.hearing},
          {"sight", r.accessibility.sight}}},
        {"name", r.name},
        {"phone", r.phone},
        {"description", r.description},
        {"appointment_reference", r.appointment_reference},
        {"appointment_ms", r.appointment_ms ? nlohmann::json(*r.appointment_ms) : nlohmann::json()},
        {"created_ms", ticket.created_ms},
        {"state", to_string(ticket.state)},
    };
    return json;
}

std::optional<Ticket> ticket_from_json(const nlohmann::json& json) {
    if (!json.is_object()) return std::nullopt;
    try {
        Ticket t;
        const std::string letter = json.at("letter").get<std::string>();
        if (letter.size() != 1) return std::nullopt;
        t.number.letter = letter[0];
        t.number.sequence = json.at("sequence").get<int>();
        t.service_day = json.at("service_day").get<std::string>();
        TicketRequest& r = t.request;
        r.need_id = json.at("need_id").get<std::string>();
        auto channel = channel_from_string(json.at("channel").get<std::string>());
        if (!channel) return std::nullopt;
        r.channel = *channel;
        r.urgent = json.at("urgent").get<bool>();
        r.children_affected = json.at("children_affected").get<bool>();
        r.language = json.at("language").get<std::string>();
        r.interpreter_wanted = json.at("interpreter_wanted").get<bool>();
        r.interpreter_language = json.at("interpreter_language").get<std::string>();
        const auto& a = json.at("accessibility");
        r.accessibility.wheelchair = a.at("wheelchair").get<bool>();
        r.accessibility.hearing = a.at("hearing").get<bool>();
        r.accessibility.sight = a.at("sight").get<bool>();
        r.name = json.value("name", "");
        r.phone = json.value("phone", "");
        r.description = json.value("description", "");
        r.appointment_reference = json.value("appointment_reference", "");
        if (json.contains("appointment_ms") && !json.at("appointment_ms").is_null())
            r.appointment_ms = json.at("appointment_ms").get<std::int64_t>();
        t.created_ms = json.at("created_ms").get<std::int64_t>();
        auto state = ticket_state_from_string(json.value("state", "waiting"));
        if (!state) return std::nullopt;
        t.state = *state;
        return t;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

nlohmann::json ticket_issued_event(const Ticket& ticket) {
    const bool callback = ticket.request.channel == Channel::callback;
    return {
        {"event_id", ticket.event_id},
        {"type", callback ? event_type::callback_requested : event_type::ticket_issued},
        {"device_id", ticket.device_id},
        {"device_seq", ticket.device_seq},
        {"created_ms", ticket.created_ms},
        {"ticket", ticket_to_json(ticket)},
    };
}

}  // namespace skranke
