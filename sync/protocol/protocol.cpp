#include "protocol/protocol.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>

#include <simdjson.h>

#include "domain/events.hpp"

namespace skranke::protocol {

std::string_view to_string(Role role) {
    switch (role) {
        case Role::kiosk: return "kiosk";
        case Role::reception: return "reception";
        case Role::display: return "display";
        case Role::admin: return "admin";
        case Role::notify: return "notify";
    }
    return "display";
}

std::optional<Role> role_from_string(std::string_view text) {
    for (Role role : {Role::kiosk, Role::reception, Role::display, Role::admin, Role::notify})
        if (to_string(role) == text) return role;
    return std::nullopt;
}

std::string error_body(std::string_view code, std::string_view message) {
    return nlohmann::json{{"code", code}, {"message", message}}.dump();
}

namespace {

// Follows a JSON text one character at a time and tells which characters are structure
// (outside every string).
struct StringTracker {
    bool in_string = false;
    bool escaped = false;
    bool structural(char c) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            return false;
        }
        if (c == '"') in_string = true;
        return !in_string;
    }
};

bool is_json_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

nlohmann::json parse_json_text(std::string_view text) {
    if (text.find('\0') != std::string_view::npos || text.substr(0, 3) == "\xEF\xBB\xBF")
        return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(text, nullptr, false);
}

bool nesting_within(std::string_view json_text, int max_depth) {
    int depth = 0;
    StringTracker tracker;
    for (const char c : json_text) {
        if (!tracker.structural(c)) continue;
        if (c == '[' || c == '{') {
            if (++depth > max_depth) return false;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

std::optional<EventBatchTexts> split_event_batch(std::string_view body, int max_depth) {
    std::size_t i = 0;
    const auto skip_space = [&] {
        while (i < body.size() && is_json_space(body[i])) ++i;
    };
    const auto take = [&](std::string_view token) {
        skip_space();
        if (body.substr(i, token.size()) != token) return false;
        i += token.size();
        return true;
    };
    if (!take("{") || !take("\"events\"") || !take(":") || !take("[")) return std::nullopt;
    constexpr int list_depth = 2;  // the outer object and the list
    EventBatchTexts texts;
    skip_space();
    if (i < body.size() && body[i] == ']') {
        ++i;
    } else {
        for (;;) {
            skip_space();
            const std::size_t start = i;
            int depth = 0;
            StringTracker tracker;
            for (; i < body.size(); ++i) {
                const char c = body[i];
                if (!tracker.structural(c)) continue;
                if (c == '[' || c == '{') {
                    if (++depth + list_depth > max_depth) {
                        texts.too_deep = true;
                        return texts;
                    }
                } else if (c == ']' || c == '}') {
                    if (depth == 0) break;
                    --depth;
                } else if (c == ',' && depth == 0) {
                    break;
                }
            }
            if (i >= body.size()) return std::nullopt;  // unterminated: the whole parse says why
            std::size_t end = i;
            while (end > start && is_json_space(body[end - 1])) --end;
            texts.events.push_back(body.substr(start, end - start));
            if (body[i] == '}') return std::nullopt;
            if (body[i++] == ']') break;
        }
    }
    if (!take("}")) return std::nullopt;
    skip_space();
    if (i != body.size()) return std::nullopt;
    return texts;
}

std::vector<std::string_view> list_items(std::string_view list) {
    std::vector<std::string_view> items;
    std::size_t at = 0;
    while (at < list.size()) {
        const std::size_t end = std::min(list.find_first_of(", \t\r\n", at), list.size());
        if (end > at) items.push_back(list.substr(at, end - at));
        at = end + 1;
    }
    return items;
}

bool is_valid_device_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (const char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

nlohmann::json to_json(const EventResult& result) {
    nlohmann::json json = {{"event_id", result.event_id}, {"status", result.status}};
    if (result.hub_seq) json["hub_seq"] = *result.hub_seq;
    if (!result.code.empty()) json["code"] = result.code;
    if (!result.message.empty()) json["message"] = result.message;
    return json;
}

std::optional<EventResult> event_result_from_json(const nlohmann::json& json) {
    if (!json.is_object()) return std::nullopt;
    try {
        EventResult r;
        r.event_id = json.at("event_id").get<std::string>();
        r.status = json.at("status").get<std::string>();
        if (r.status != "stored" && r.status != "rejected") return std::nullopt;
        if (json.contains("hub_seq")) r.hub_seq = json.at("hub_seq").get<std::int64_t>();
        r.code = json.value("code", "");
        r.message = json.value("message", "");
        return r;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

std::string push_reply_json(const std::vector<EventResult>& results, std::int64_t hub_time_ms) {
    const auto plain = [](const std::string& id) {
        return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == ':';
        });
    };
    std::string out = "{\"hub_time_ms\":" + std::to_string(hub_time_ms) + ",\"results\":[";
    for (std::size_t i = 0; i < results.size(); ++i) {
        const EventResult& r = results[i];
        if (i > 0) out += ',';
        if (r.status == "stored" && r.hub_seq && r.code.empty() && r.message.empty() && plain(r.event_id)) {
            out += "{\"event_id\":\"";
            out += r.event_id;
            out += "\",\"hub_seq\":";
            out += std::to_string(*r.hub_seq);
            out += ",\"status\":\"stored\"}";
        } else {
            out += to_json(r).dump();
        }
    }
    out += "]}";
    return out;
}

namespace {

// The results of a reply as the hub writes it, or nothing (then it is read as a JSON tree).
std::optional<std::vector<EventResult>> quick_push_reply_results(std::string_view body) {
    if (body.find('\\') != std::string_view::npos) return std::nullopt;
    const simdjson::padded_string padded(body);
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document doc;
    simdjson::ondemand::object reply;
    if (parser.iterate(padded).get(doc) != simdjson::SUCCESS || doc.get_object().get(reply) != simdjson::SUCCESS)
        return std::nullopt;
    std::optional<std::vector<EventResult>> results;
    for (auto entry : reply) {
        simdjson::ondemand::field field;
        std::string_view key;
        if (std::move(entry).get(field) != simdjson::SUCCESS || field.unescaped_key().get(key) != simdjson::SUCCESS)
            return std::nullopt;
        if (key == "hub_time_ms") {
            std::int64_t ms = 0;
            if (field.value().get_int64().get(ms) != simdjson::SUCCESS) return std::nullopt;
            continue;
        }
        simdjson::ondemand::array items;
        if (key != "results" || results || field.value().get_array().get(items) != simdjson::SUCCESS) return std::nullopt;
        results.emplace();
        for (auto item : items) {
            simdjson::ondemand::object fields;
            if (std::move(item).get(fields) != simdjson::SUCCESS) return std::nullopt;
            EventResult r;
            for (auto result_entry : fields) {
                simdjson::ondemand::field f;
                std::string_view name;
                std::string_view text;
                if (std::move(result_entry).get(f) != simdjson::SUCCESS || f.unescaped_key().get(name) != simdjson::SUCCESS)
                    return std::nullopt;
                if (name == "hub_seq") {
                    std::int64_t seq = 0;
                    if (f.value().get_int64().get(seq) != simdjson::SUCCESS) return std::nullopt;
                    r.hub_seq = seq;
                    continue;
                }
                if (f.value().get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
                if (name == "event_id") r.event_id = text;
                else if (name == "status") r.status = text;
                else if (name == "code") r.code = text;
                else if (name == "message") r.message = text;
                else return std::nullopt;
            }
            if (r.event_id.empty() || (r.status != "stored" && r.status != "rejected")) return std::nullopt;
            results->push_back(std::move(r));
        }
    }
    const char* after = nullptr;  // nothing may follow the object
    if (!results || doc.current_location().get(after) != simdjson::OUT_OF_BOUNDS) return std::nullopt;
    return results;
}

}  // namespace

std::optional<std::vector<EventResult>> push_reply_results(std::string_view body) {
    if (auto quick = quick_push_reply_results(body)) return quick;
    const nlohmann::json reply = parse_json_text(body);
    if (!reply.is_object() || !reply.contains("results") || !reply.at("results").is_array()) return std::nullopt;
    std::vector<EventResult> results;
    for (const auto& item : reply.at("results")) {
        auto r = event_result_from_json(item);
        if (!r) return std::nullopt;
        results.push_back(std::move(*r));
    }
    return results;
}

std::string log_entry_json(const LogEntry& entry) {
    return "{\"hub_seq\":" + std::to_string(entry.hub_seq) + ",\"received_ms\":" + std::to_string(entry.received_ms) +
           ",\"device_clock_offset_ms\":" +
           (entry.device_clock_offset_ms ? std::to_string(*entry.device_clock_offset_ms) : std::string("null")) +
           ",\"event\":" + entry.event_json + "}";
}

std::optional<ReadLogEntry> read_log_entry(const nlohmann::json& json) {
    if (!json.is_object()) return std::nullopt;
    const auto integer = [&](const char* key) -> std::optional<std::int64_t> {
        const auto it = json.find(key);
        if (it == json.end() || !it->is_number_integer() ||
            (it->is_number_unsigned() && it->get<std::uint64_t>() > std::uint64_t{INT64_MAX}))
            return std::nullopt;
        return it->get<std::int64_t>();
    };
    ReadLogEntry e;
    const auto seq = integer("hub_seq");
    if (!seq || *seq <= 0) return std::nullopt;  // without it the cursor cannot move on
    e.hub_seq = *seq;
    // Bounded like the event's own times, so that no arithmetic on them can overflow.
    const auto received = integer("received_ms");
    const auto offset_it = json.find("device_clock_offset_ms");
    const bool no_offset = offset_it == json.end() || offset_it->is_null();
    const auto offset = no_offset ? std::nullopt : integer("device_clock_offset_ms");
    const auto event = json.find("event");
    if (!received || *received < min_event_time_ms || *received > max_event_time_ms)
        e.event = EventProblem{"received_ms", "received_ms must be a time between the years 2000 and 2200"};
    else if (!no_offset && (!offset || *offset < -max_entry_offset_ms || *offset > max_entry_offset_ms))
        e.event = EventProblem{"device_clock_offset_ms", "device_clock_offset_ms must be null or within ten years"};
    else if (event == json.end())
        e.event = EventProblem{"event", "the entry has no event"};
    else
        e.event = event_from_json(*event);
    e.received_ms = received.value_or(0);
    if (!no_offset) e.device_clock_offset_ms = offset;
    return e;
}

}  // namespace skranke::protocol
