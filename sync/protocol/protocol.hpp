// Skranke sync protocol v1: the shapes both the hub and the sync engine speak.
// The prose version, with every endpoint and error code, is sync/PROTOCOL.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/event_codec.hpp"

namespace skranke::protocol {

inline constexpr int version = 1;

// Request headers.
inline constexpr const char* device_time_header = "X-Skranke-Device-Time";   // device wall clock, ms
inline constexpr const char* outbox_depth_header = "X-Skranke-Outbox-Depth";  // for IT's health view
// A push sent while the device's previous push is still on its way names the last
// device_seq of that previous push: the hub stores it only after that one (section 4).
inline constexpr const char* follows_header = "X-Skranke-Follows";
// What a device says about its health on every request (PROTOCOL.md section 3), for IT's
// fleet view: all optional, each strictly checked by the hub.
inline constexpr const char* program_version_header = "X-Skranke-Program-Version";  // "0.1.0"
inline constexpr const char* uptime_header = "X-Skranke-Uptime";                    // seconds
inline constexpr const char* sync_age_header = "X-Skranke-Sync-Age";  // seconds since the last successful sync
inline constexpr const char* dead_letters_header = "X-Skranke-Dead-Letters";        // events the hub refused
inline constexpr const char* disk_free_header = "X-Skranke-Disk-Free";  // bytes free for the store's file system
inline constexpr const char* printer_header = "X-Skranke-Printer";  // ok, paper_low, paper_out, cover_open, offline

// Limits the hub enforces (and the engine stays under).
inline constexpr std::size_t max_batch_events = 500;
inline constexpr std::size_t max_body_bytes = 4 * 1024 * 1024;
inline constexpr int max_json_depth = 16;
inline constexpr std::size_t max_log_page = 1000;
// What a device keeps of the log: entries received this long ago (the hub's two-day action
// window and a day to spare), and a device with no log yet starts there (start=recent).
inline constexpr std::int64_t device_log_window_ms = 3LL * 24 * 3600 * 1000;

// notify: the office's SMS notifier (skranke-notify), which reads the log with the phones and
// records only ticket.notified.
enum class Role { kiosk, reception, display, admin, notify };
std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view text);

// Error bodies: {"code": "...", "message": "..."}; the code is stable, the message is for people.
std::string error_body(std::string_view code, std::string_view message);

// True when the text nests arrays/objects no deeper than max_depth (checked before parsing,
// so hostile input never reaches a recursive parser or destructor).
bool nesting_within(std::string_view json_text, int max_depth);

// The value of a JSON text as RFC 8259 defines one, or a discarded value. Every JSON text
// Skranke reads from the network or its files goes through here: nlohmann-json alone takes
// a NUL byte as the end of its input (so "{...}\0anything" would read as "{...}") and
// skips a leading byte order mark.
nlohmann::json parse_json_text(std::string_view text);

// The events of a push body, as the texts the device sent them.
struct EventBatchTexts {
    std::vector<std::string_view> events;  // one JSON value's text each, not yet parsed
    bool too_deep = false;                 // nests deeper than allowed: refuse the body
};
// Splits a body of exactly the shape {"events": [...]} (any whitespace) in one pass,
// without parsing the events, checking the nesting limit on the way. Nothing when the
// body has any other shape: the caller then parses it whole and says what is wrong.
std::optional<EventBatchTexts> split_event_batch(std::string_view body, int max_depth);

// Device ids: 1-64 characters of [a-z0-9-]; they appear in logs and event ids.
bool is_valid_device_id(std::string_view id);

// The items of a list as IT writes one in an option or a setting (several hub URLs, several
// office ids): separated by commas or white space, empty items left out, in their order.
std::vector<std::string_view> list_items(std::string_view list);

// One result inside a push reply.
struct EventResult {
    std::string event_id;
    std::string status;  // "stored" or "rejected"
    std::optional<std::int64_t> hub_seq;
    std::string code;     // for rejected: "conflict", "already_called", ...
    std::string message;
};
nlohmann::json to_json(const EventResult& result);
std::optional<EventResult> event_result_from_json(const nlohmann::json& json);

// A push reply, {"hub_time_ms": N, "results": [...]}: the same text as writing it with
// nlohmann-json, but a plain "stored" result (the usual one, with an id that needs no
// escaping) is written straight into the text instead of through a JSON tree.
std::string push_reply_json(const std::vector<EventResult>& results, std::int64_t hub_time_ms);
// The results of a push reply, in order; nothing when the text is not a push reply or a
// result is malformed. A reply as the hub writes it is read with simdjson's on-demand
// parser; anything else (escapes, other fields) as a JSON tree.
std::optional<std::vector<EventResult>> push_reply_results(std::string_view body);

// One entry of the merged log as the hub serves it: the event as its JSON text.
struct LogEntry {
    std::int64_t hub_seq = 0;
    std::int64_t received_ms = 0;
    std::optional<std::int64_t> device_clock_offset_ms;
    std::string event_json;  // one JSON object (the hub stored only events that parsed)
};
// {"hub_seq":..,"received_ms":..,"device_clock_offset_ms":..,"event":{..}} on one line.
std::string log_entry_json(const LogEntry& entry);

// An entry of a log page as a device reads it: where it stands in the log, and its event,
// or why the event cannot be read (the device skips it and says so; the cursor moves on).
struct ReadLogEntry {
    std::int64_t hub_seq = 0;
    std::int64_t received_ms = 0;
    std::optional<std::int64_t> device_clock_offset_ms;
    Result<Event, EventProblem> event = EventProblem{};
};
// Nothing when the entry itself (hub_seq, received_ms, offset) is malformed.
std::optional<ReadLogEntry> read_log_entry(const nlohmann::json& json);

}  // namespace skranke::protocol
