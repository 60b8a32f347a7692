#include "protocol/issue_event.hpp"

#include <climits>
#include <initializer_list>
#include <utility>

#include <simdjson.h>

#include "protocol/event_codec.hpp"
#include "protocol/protocol.hpp"

namespace skranke::protocol {

namespace {

using simdjson::ondemand::object;
using simdjson::ondemand::value;

bool read_text(value& v, std::string& out) {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return false;
    out.assign(s);
    return true;
}

bool read_int(value& v, std::int64_t& out) { return v.get_int64().get(out) == simdjson::SUCCESS; }

bool read_bool(value& v, bool& out) { return v.get_bool().get(out) == simdjson::SUCCESS; }

// A string naming one of an enum's values (a channel, a state).
template <typename Enum, typename FromString>
bool read_named(value& v, FromString from_string, Enum& out) {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return false;
    const auto named = from_string(s);
    if (named) out = *named;
    return named.has_value();
}

// Visits every field of an object once; on_field(key, value) reads the ones it knows and
// says false for any other. Every name in `keys` must come exactly once, but those whose
// bit (1 << position in keys) is in `optional`, which may be left out.
template <typename OnField>
bool read_fields(object& fields, std::initializer_list<std::string_view> keys, OnField on_field,
                 std::uint32_t optional = 0) {
    std::uint32_t seen = 0;
    for (auto entry : fields) {
        simdjson::ondemand::field field;
        std::string_view key;
        if (std::move(entry).get(field) != simdjson::SUCCESS || field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
        std::uint32_t bit = 1;
        for (const std::string_view known : keys) {
            if (known == key) break;
            bit <<= 1;
        }
        if (bit >= (1u << keys.size()) || (seen & bit) != 0) return false;  // unknown, or twice
        seen |= bit;
        if (!on_field(key, field.value())) return false;
    }
    return (seen | optional) == (1u << keys.size()) - 1;
}

bool read_accessibility(value& v, AccessibilityNeeds& a) {
    object fields;
    if (v.get_object().get(fields) != simdjson::SUCCESS) return false;
    return read_fields(fields, {"hearing", "sight", "wheelchair"}, [&](std::string_view key, value field) {
        if (key == "hearing") return read_bool(field, a.hearing);
        if (key == "sight") return read_bool(field, a.sight);
        return read_bool(field, a.wheelchair);
    });
}

bool read_ticket(value& v, Ticket& t) {
    object fields;
    if (v.get_object().get(fields) != simdjson::SUCCESS) return false;
    TicketRequest& r = t.request;
    std::string text, number;
    return read_fields(
        fields,
        {"accessibility", "appointment_ms", "appointment_reference", "channel", "children_affected", "created_ms",
         "description", "interpreter_language", "interpreter_wanted", "language", "letter", "name", "need_id",
         "number", "phone", "sequence", "service_day", "state", "urgent", "status_token", "sms_wanted",
         "waits_outside"},
        [&](std::string_view key, value field) {
            if (key == "accessibility") return read_accessibility(field, r.accessibility);
            if (key == "appointment_ms") {
                bool null = false;
                if (field.is_null().get(null) != simdjson::SUCCESS) return false;
                if (null) return true;
                std::int64_t ms = 0;
                if (!read_int(field, ms)) return false;
                r.appointment_ms = ms;
                return true;
            }
            if (key == "appointment_reference") return read_text(field, r.appointment_reference);
            if (key == "channel") return read_named(field, channel_from_string, r.channel);
            if (key == "children_affected") return read_bool(field, r.children_affected);
            if (key == "created_ms") return read_int(field, t.created_ms);
            if (key == "description") return read_text(field, r.description);
            if (key == "interpreter_language") return read_text(field, r.interpreter_language);
            if (key == "interpreter_wanted") return read_bool(field, r.interpreter_wanted);
            if (key == "language") return read_text(field, r.language);
            if (key == "letter") {
                if (!read_text(field, text) || text.size() != 1) return false;
                t.number.letter = text[0];
                return true;
            }
            if (key == "name") return read_text(field, r.name);
            if (key == "need_id") return read_text(field, r.need_id);
            if (key == "number") return read_text(field, number);  // must follow from letter and sequence
            if (key == "phone") return read_text(field, r.phone);
            if (key == "sequence") {
                std::int64_t sequence = 0;
                if (!read_int(field, sequence) || sequence < INT_MIN || sequence > INT_MAX) return false;
                t.number.sequence = static_cast<int>(sequence);
                return true;
            }
            if (key == "service_day") return read_text(field, t.service_day);
            if (key == "state") return read_named(field, ticket_state_from_string, t.state);
            if (key == "status_token") return read_text(field, t.status_token);  // checked with the event's values
            if (key == "sms_wanted") return read_bool(field, r.sms_wanted);
            if (key == "waits_outside") return read_bool(field, r.waits_outside);
            return read_bool(field, r.urgent);
        },
        (1u << 19) | (1u << 20) | (1u << 21))  // written only when there is one (or true)
        && number == t.number.text();
}

}  // namespace

struct IssueEventReader::Impl {
    simdjson::ondemand::parser parser;
    std::string padded;  // the text, then the zero bytes simdjson may read past its end
};

IssueEventReader::IssueEventReader() : impl_(std::make_unique<Impl>()) {}

IssueEventReader::~IssueEventReader() = default;

std::optional<Event> IssueEventReader::read(std::string_view text) {
    // Kiosks write events on one line and, but for rare names, without escapes; a text with
    // a control character or an escape is left to the general reading, so that one strict
    // parser decides every string that is not plain.
    bool plain = true;  // no early exit: the compiler checks many bytes at a time
    for (const char c : text) plain &= static_cast<unsigned char>(c) >= 0x20 && c != '\\';
    if (!plain) return std::nullopt;
    impl_->padded.assign(text);
    impl_->padded.append(simdjson::SIMDJSON_PADDING, '\0');
    simdjson::ondemand::document doc;
    if (impl_->parser.iterate(impl_->padded.data(), text.size(), impl_->padded.size()).get(doc) != simdjson::SUCCESS)
        return std::nullopt;
    object fields;
    if (doc.get_object().get(fields) != simdjson::SUCCESS) return std::nullopt;
    Ticket t;
    std::string type;
    std::int64_t created_ms = 0;
    const bool read = read_fields(
        fields, {"created_ms", "device_id", "device_seq", "event_id", "ticket", "type"},
        [&](std::string_view key, value field) {
            if (key == "created_ms") return read_int(field, created_ms);
            if (key == "device_id") return read_text(field, t.device_id);
            if (key == "device_seq") return read_int(field, t.device_seq);
            if (key == "event_id") return read_text(field, t.event_id);
            if (key == "ticket") return read_ticket(field, t);
            return read_text(field, type);
        });
    const char* after = nullptr;  // nothing may follow the object
    if (!read || doc.current_location().get(after) != simdjson::OUT_OF_BOUNDS) return std::nullopt;
    if ((type == event_type::callback_requested) != (t.request.channel == Channel::callback) ||
        (type != event_type::ticket_issued && type != event_type::callback_requested))
        return std::nullopt;
    Event event{{t.event_id, t.device_id, t.device_seq, created_ms, {}}, TicketIssued{std::move(t)}};
    if (event_value_problem(event)) return std::nullopt;  // parse_event says what is wrong
    return event;
}

}  // namespace skranke::protocol
