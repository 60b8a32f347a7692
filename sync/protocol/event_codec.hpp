// The one reader and the one writer of events on the wire (docs/events.md). Every layer
// that meets an event's JSON (the hub, the sync engine, the device store) goes through
// here and gets a typed Event (domain/events.hpp), or a problem naming the field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "domain/events.hpp"
#include "domain/result.hpp"

namespace skranke {
class ServiceCatalogue;
}

namespace skranke::protocol {

// Bounds on values, so that nothing that passes can overflow a device's arithmetic.
inline constexpr std::int64_t max_device_seq = 1'000'000'000'000;  // 1000 events a second for 30 years
inline constexpr std::int64_t min_event_time_ms = 946'684'800'000;    // 2000-01-01
inline constexpr std::int64_t max_event_time_ms = 7'258'118'400'000;  // 2200-01-01
inline constexpr int max_ticket_sequence = 99'999;                    // tickets a kiosk gives in a day
inline constexpr std::int64_t max_appointment_distance_ms = 24LL * 3600 * 1000;
// created_ms further than this from the hub's clock is refused (PROTOCOL.md §4): a device
// that far off names the wrong service day, and its tickets would wait in no queue.
inline constexpr std::int64_t max_clock_distance_ms = 400LL * 24 * 3600 * 1000;
// The largest device clock offset a log entry may carry (PROTOCOL.md §7: ten years; the hub
// measures none beyond it).
inline constexpr std::int64_t max_entry_offset_ms = 315'576'000'000;
inline constexpr std::size_t max_notify_detail_chars = 200;  // ticket.notified's detail

// Why an event is refused: the field ("ticket.sequence", "" for the whole text) and a
// sentence for IT naming it. Never personal data: values of personal fields are not quoted.
struct EventProblem {
    std::string field;
    std::string message;
};

// Reads one event's JSON text: exactly the fields of its type, each with its JSON type
// and within its value rules (event_value_problem). Never throws.
Result<Event, EventProblem> parse_event(std::string_view text);

// The same, for an event already parsed as part of a larger JSON text (a log page).
Result<Event, EventProblem> event_from_json(const nlohmann::json& value);

// Writes an event as the protocol's JSON (keys sorted, one line). parse_event(write_event(e))
// gives e back for every e without a value problem.
std::string write_event(const Event& event);

// The value rules that need nothing but the event (parse_event applies them).
std::optional<EventProblem> event_value_problem(const Event& event);

// What the hub checks besides: needs and counters against the catalogue it serves (none:
// not checked), emergency needs marked urgent, and the device clock within
// max_clock_distance_ms.
std::optional<EventProblem> event_problem_at_hub(const Event& event, const ServiceCatalogue* catalogue,
                                                 std::int64_t hub_now_ms);

}  // namespace skranke::protocol
