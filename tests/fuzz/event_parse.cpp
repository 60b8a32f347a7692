// The events' one reader and one writer (protocol::parse_event, write_event in
// sync/protocol/event_codec.hpp): whatever the reader accepts is a JSON text, has every
// value in the range docs/events.md and PROTOCOL.md give, and comes back as the same typed
// event when written out and read again; the writer's text is stable.
#include <string>
#include <variant>

#include "domain/validation.hpp"
#include "fuzz_check.hpp"
#include "protocol/event_codec.hpp"
#include "protocol/protocol.hpp"
#include "strict_json.hpp"

using namespace skranke;

namespace {

bool is_ticket_event_id(const std::string& id) {
    const auto colon = id.rfind(':');
    if (colon == std::string::npos || !protocol::is_valid_device_id(id.substr(0, colon))) return false;
    const std::string seq = id.substr(colon + 1);
    if (seq.empty() || seq.size() > 13 || seq[0] == '0') return false;
    for (const char c : seq)
        if (c < '0' || c > '9') return false;
    return std::stoll(seq) <= protocol::max_device_seq;
}

bool is_counter(const std::string& counter, bool may_be_empty) {
    if (counter.empty()) return may_be_empty;
    return counter.size() <= max_counter_bytes && !check_text(Field::name, counter, counter.size());
}

// Every value of an accepted event in its range (written out here, not taken from the reader).
void check_values(const Event& event) {
    const EventEnvelope& envelope = event.envelope;
    FUZZ_REQUIRE(protocol::is_valid_device_id(envelope.device_id));
    FUZZ_REQUIRE(envelope.device_seq >= 1 && envelope.device_seq <= protocol::max_device_seq);
    FUZZ_REQUIRE(envelope.event_id == envelope.device_id + ":" + std::to_string(envelope.device_seq));
    FUZZ_REQUIRE(envelope.created_ms >= protocol::min_event_time_ms && envelope.created_ms <= protocol::max_event_time_ms);
    FUZZ_REQUIRE(envelope.staff_id.size() <= 64 && !check_text(Field::name, envelope.staff_id, 64));
    if (const auto* issued = std::get_if<TicketIssued>(&event.body)) {
        const Ticket& t = issued->ticket;
        const TicketRequest& r = t.request;
        FUZZ_REQUIRE(envelope.staff_id.empty());
        FUZZ_REQUIRE(t.number.letter >= 'A' && t.number.letter <= 'Z');
        FUZZ_REQUIRE(t.number.sequence >= 1 && t.number.sequence <= protocol::max_ticket_sequence);
        FUZZ_REQUIRE(t.event_id == envelope.event_id && t.device_id == envelope.device_id &&
                     t.device_seq == envelope.device_seq && t.created_ms == envelope.created_ms);
        FUZZ_REQUIRE(t.state == TicketState::waiting);
        FUZZ_REQUIRE(!check_text(Field::name, r.name, max_name_chars));
        FUZZ_REQUIRE(!check_text(Field::description, r.description, max_description_chars));
        FUZZ_REQUIRE(!check_text(Field::appointment_reference, r.appointment_reference, max_reference_chars));
        FUZZ_REQUIRE(r.phone.empty() || !check_phone(r.phone));
        FUZZ_REQUIRE(!r.need_id.empty() && r.need_id.size() <= 64);
        if (r.appointment_ms) {
            // Both sides are bounded, so this difference cannot overflow.
            const std::int64_t distance = *r.appointment_ms - envelope.created_ms;
            FUZZ_REQUIRE(distance >= -protocol::max_appointment_distance_ms &&
                         distance <= protocol::max_appointment_distance_ms);
        }
        FUZZ_REQUIRE((type_name(event) == event_type::callback_requested) == (r.channel == Channel::callback));
        return;
    }
    FUZZ_REQUIRE(is_ticket_event_id(ticket_id_of(event)));
    std::visit([](const auto& body) {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, TicketCalled> || std::is_same_v<Body, TicketRecalled>)
            FUZZ_REQUIRE(is_counter(body.counter, false));
        if constexpr (std::is_same_v<Body, TicketServed> || std::is_same_v<Body, TicketNoShow>)
            FUZZ_REQUIRE(is_counter(body.counter, true));
        if constexpr (std::is_same_v<Body, TicketTransferred>)
            FUZZ_REQUIRE(!body.to_need_id.empty() && body.to_need_id.size() <= 64 && is_counter(body.to_counter, true));
    }, event.body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::as_text(data, size);
    const auto parsed = protocol::parse_event(text);
    if (!parsed) {
        FUZZ_REQUIRE(!parsed.error().message.empty());
        return 0;
    }
    // Accepted: a JSON text by RFC 8259 (no NUL byte, no byte order mark: see
    // crashes-found/README.md for what nlohmann-json alone takes).
    FUZZ_REQUIRE(!fuzz::strict_parse(text).is_discarded());
    const Event& event = *parsed;
    FUZZ_REQUIRE(!protocol::event_value_problem(event));
    check_values(event);
    // Written out and read again: the same event, and the same text again.
    const std::string written = protocol::write_event(event);
    const auto again = protocol::parse_event(written);
    FUZZ_REQUIRE(again && *again == event);
    FUZZ_REQUIRE(protocol::write_event(*again) == written);
    return 0;
}
