// Every value the hub reads from a request's headers and query string, parsed by pure
// functions that never overflow: a value is either usable, clamped where PROTOCOL.md says
// so, or refused with a message that names the header or parameter (400 bad_request).
// No HTTP types here, so the fuzz targets and unit tests call them directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace skranke::hub {

// A refused value: the message for people, naming the header or parameter.
struct BadValue {
    std::string message;
};
template <typename T>
using ValueOr = Result<T, BadValue>;

// A value as the request carried it: nothing when the header or parameter is absent.
using RawValue = std::optional<std::string_view>;

// A header or query value kept alive for RawValue; absent: nothing. Request is any type
// with cpp-httplib's has_header/get_header_value and has_param/get_param_value.
struct RequestText {
    std::optional<std::string> text;
    RawValue view() const { return text ? RawValue(*text) : std::nullopt; }
};
template <typename Request>
RequestText header_of(const Request& req, const char* name) {
    return req.has_header(name) ? RequestText{req.get_header_value(name)} : RequestText{};
}
template <typename Request>
RequestText param_of(const Request& req, const char* name) {
    return req.has_param(name) ? RequestText{req.get_param_value(name)} : RequestText{};
}

// Largest cursor a client may send: every JSON reader keeps it exact (2^53 - 1), and the
// hub's arithmetic on it (cursor + 1, cursor + limit) stays far from overflow.
inline constexpr std::int64_t max_cursor = 9007199254740991;
// A device clock further than this from the hub's is not a clock (ten years): its offset
// is not measured (PROTOCOL.md §7).
inline constexpr std::int64_t max_clock_offset_ms = static_cast<std::int64_t>(10 * 365.25 * 24 * 3600 * 1000);

// Decimal digits with an optional leading '-'; nothing for empty, '+', spaces, hex,
// fractions or anything outside int64.
std::optional<std::int64_t> parse_int64(std::string_view text);

// X-Skranke-Device-Time (ms since the epoch) -> the device clock's offset from hub_now_ms.
// Absent, or further than max_clock_offset_ms from the hub: no offset. Not a whole
// number: refused.
ValueOr<std::optional<std::int64_t>> device_clock_offset(RawValue header, std::int64_t hub_now_ms);

// X-Skranke-Outbox-Depth: a count, 0 or more; absent: nothing.
ValueOr<std::optional<std::int64_t>> outbox_depth(RawValue header);

// The device's health report (PROTOCOL.md section 3); absent: nothing, as the device said
// nothing. X-Skranke-Uptime, X-Skranke-Dead-Letters, X-Skranke-Disk-Free: counts, 0 or more.
ValueOr<std::optional<std::int64_t>> uptime_seconds(RawValue header);
ValueOr<std::optional<std::int64_t>> dead_letters(RawValue header);
ValueOr<std::optional<std::int64_t>> disk_free_bytes(RawValue header);
// X-Skranke-Sync-Age (seconds, 0 or more) -> when the device last synced, on the hub's
// clock; an age longer than the hub's clock reaches back is served as 1970, never wrapped.
ValueOr<std::optional<std::int64_t>> last_sync_ms(RawValue header, std::int64_t hub_now_ms);
// X-Skranke-Program-Version: 1 to 64 of A-Z a-z 0-9 . + ~ : _ - (a Debian version fits).
ValueOr<std::optional<std::string>> program_version(RawValue header);
// What X-Skranke-Printer may say (reserved: devices send it once they have printers).
inline constexpr std::string_view printer_states[] = {"ok", "paper_low", "paper_out", "cover_open", "offline"};
// X-Skranke-Printer: one of printer_states.
ValueOr<std::optional<std::string>> printer_state(RawValue header);

// X-Skranke-Follows: the last device_seq of the push this one follows; absent or 0: none.
ValueOr<std::int64_t> follows(RawValue header);

// after=: a log cursor, 0 to max_cursor; absent: 0.
ValueOr<std::int64_t> log_cursor(RawValue param);

// limit=: 1 to most; absent: fallback.
ValueOr<std::int64_t> page_limit(RawValue param, std::int64_t fallback, std::int64_t most);

// silent_minutes=: 1 to most; absent: fallback.
ValueOr<std::int64_t> silent_minutes_param(RawValue param, std::int64_t fallback, std::int64_t most);

// wait_ms=: 0 or more, any number of digits; a longer wish than longest is served as longest.
ValueOr<std::int64_t> long_poll_wait(RawValue param, std::int64_t longest);

// start=recent on a log read: begin at the device window (PROTOCOL.md section 5); absent:
// false; any other value refused.
ValueOr<bool> log_start_recent(RawValue param);

// day=: a calendar date YYYY-MM-DD (a service day); absent: today.
ValueOr<std::string> service_day_param(RawValue param, const std::string& today);

}  // namespace skranke::hub
