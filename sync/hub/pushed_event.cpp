#include "hub/pushed_event.hpp"

#include "domain/events.hpp"
#include "hub/hub_file.hpp"
#include "protocol/protocol.hpp"

namespace skranke::hub {

std::optional<PushedEvent> read_pushed_event(std::string_view text, protocol::IssueEventReader& reader) {
    if (auto issue = reader.read(text)) {
        PushedEvent pushed;
        pushed.text = text;
        pushed.hash = hash_hex(text);
        const EventEnvelope& envelope = issue->envelope;
        pushed.event_id = envelope.event_id;
        pushed.type = std::string(type_name(*issue));
        pushed.device_id = envelope.device_id;
        pushed.device_seq = envelope.device_seq;
        pushed.event = std::move(*issue);
        return pushed;
    }
    const nlohmann::json event = protocol::parse_json_text(text);
    if (event.is_discarded()) return std::nullopt;
    return pushed_event_of(event, text);
}

PushedEvent pushed_event_of(const nlohmann::json& event, std::string_view text) {
    PushedEvent pushed;
    pushed.text = text;
    pushed.hash = hash_hex(text);
    if (event.is_object()) {
        const auto text_field = [&](const char* key) -> std::optional<std::string> {
            const auto it = event.find(key);
            if (it == event.end() || !it->is_string()) return std::nullopt;
            return it->get<std::string>();
        };
        pushed.event_id = text_field("event_id");
        pushed.type = text_field("type");
        pushed.device_id = text_field("device_id");
        if (const auto seq = event.find("device_seq"); seq != event.end() && seq->is_number_integer())
            pushed.device_seq = seq->get<std::int64_t>();
    }
    pushed.event = protocol::event_from_json(event);  // the body's nesting was checked before it was parsed
    return pushed;
}

}  // namespace skranke::hub
