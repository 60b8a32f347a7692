#include "hub/request_values.hpp"

#include <algorithm>
#include <charconv>

namespace skranke::hub {

namespace {

bool all_digits(std::string_view text) {
    if (text.empty()) return false;
    for (const char c : text)
        if (c < '0' || c > '9') return false;
    return true;
}

// HTTP allows spaces and tabs around a header's value; they are not part of it.
std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// Digits only, any length; beyond int64 it saturates (a wish, not an amount to store).
std::optional<std::int64_t> parse_count_saturating(std::string_view text) {
    if (!all_digits(text)) return std::nullopt;
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range) return INT64_MAX;
    if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return value;
}

BadValue bad(std::string_view name, std::string_view what) {
    return BadValue{std::string(name) + " must be " + std::string(what)};
}

// A count header: 0 to int64's top; absent: nothing.
ValueOr<std::optional<std::int64_t>> count_header(RawValue header, std::string_view name) {
    if (!header) return std::optional<std::int64_t>();
    const std::string_view text = trimmed(*header);
    const auto count = all_digits(text) ? parse_int64(text) : std::nullopt;
    if (!count) return bad(name, "a whole number from 0 to 9223372036854775807");
    return std::optional<std::int64_t>(*count);
}

// A query value from 1 to most; absent: fallback.
ValueOr<std::int64_t> whole_from_1(RawValue param, std::string_view name, std::int64_t fallback, std::int64_t most) {
    if (!param) return fallback;
    const auto value = all_digits(*param) ? parse_int64(*param) : std::nullopt;
    if (!value || *value < 1 || *value > most) return bad(name, "a whole number from 1 to " + std::to_string(most));
    return *value;
}

}  // namespace

std::optional<std::int64_t> parse_int64(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::int64_t value = 0;  // from_chars takes no '+', space or "0x", and says when it is out of range
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return value;
}

ValueOr<std::optional<std::int64_t>> device_clock_offset(RawValue header, std::int64_t hub_now_ms) {
    if (!header) return std::optional<std::int64_t>();
    const auto device_ms = parse_int64(trimmed(*header));
    if (!device_ms) return bad("X-Skranke-Device-Time", "the device clock in ms since 1970 as a whole number");
    std::int64_t offset = 0;
    if (__builtin_sub_overflow(*device_ms, hub_now_ms, &offset) || offset > max_clock_offset_ms ||
        offset < -max_clock_offset_ms)
        return std::optional<std::int64_t>();  // not a clock: its offset would mislead queue order
    return std::optional<std::int64_t>(offset);
}

ValueOr<std::optional<std::int64_t>> outbox_depth(RawValue header) { return count_header(header, "X-Skranke-Outbox-Depth"); }
ValueOr<std::optional<std::int64_t>> uptime_seconds(RawValue header) { return count_header(header, "X-Skranke-Uptime"); }
ValueOr<std::optional<std::int64_t>> dead_letters(RawValue header) { return count_header(header, "X-Skranke-Dead-Letters"); }
ValueOr<std::optional<std::int64_t>> disk_free_bytes(RawValue header) { return count_header(header, "X-Skranke-Disk-Free"); }

ValueOr<std::optional<std::int64_t>> last_sync_ms(RawValue header, std::int64_t hub_now_ms) {
    const auto age_s = count_header(header, "X-Skranke-Sync-Age");
    if (!age_s || !*age_s) return age_s;
    const std::int64_t now = std::max<std::int64_t>(hub_now_ms, 0);
    // age_s * 1000 only when it cannot pass now (and so INT64_MAX).
    const std::int64_t age_ms = **age_s > now / 1000 ? now : **age_s * 1000;
    return std::optional<std::int64_t>(now - age_ms);
}

ValueOr<std::optional<std::string>> program_version(RawValue header) {
    if (!header) return std::optional<std::string>();
    const std::string_view text = trimmed(*header);
    const bool fits = !text.empty() && text.size() <= 64 &&
                      text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.+~:_-") ==
                          std::string_view::npos;
    if (!fits) return bad("X-Skranke-Program-Version", "1 to 64 characters of A-Z, a-z, 0-9, . + ~ : _ -");
    return std::optional<std::string>(text);
}

ValueOr<std::optional<std::string>> printer_state(RawValue header) {
    if (!header) return std::optional<std::string>();
    const std::string_view text = trimmed(*header);
    for (const std::string_view state : printer_states)
        if (text == state) return std::optional<std::string>(text);
    return bad("X-Skranke-Printer", "one of ok, paper_low, paper_out, cover_open, offline");
}

ValueOr<std::int64_t> follows(RawValue header) {
    if (!header) return std::int64_t{0};
    const std::string_view text = trimmed(*header);
    const auto seq = all_digits(text) ? parse_int64(text) : std::nullopt;
    if (!seq) return bad("X-Skranke-Follows", "the last device_seq of the push this one follows, a whole number from 0");
    return *seq;
}

ValueOr<std::int64_t> log_cursor(RawValue param) {
    if (!param) return std::int64_t{0};
    const auto cursor = all_digits(*param) ? parse_int64(*param) : std::nullopt;
    if (!cursor || *cursor > max_cursor) return bad("after", "a whole number from 0 to 9007199254740991");
    return *cursor;
}

ValueOr<std::int64_t> page_limit(RawValue param, std::int64_t fallback, std::int64_t most) {
    return whole_from_1(param, "limit", fallback, most);
}

ValueOr<std::int64_t> silent_minutes_param(RawValue param, std::int64_t fallback, std::int64_t most) {
    return whole_from_1(param, "silent_minutes", fallback, most);
}

ValueOr<std::int64_t> long_poll_wait(RawValue param, std::int64_t longest) {
    if (!param) return std::int64_t{0};
    const auto wait = parse_count_saturating(*param);
    if (!wait) return bad("wait_ms", "a whole number of milliseconds, 0 or more");
    return std::min(*wait, longest);
}

ValueOr<bool> log_start_recent(RawValue param) {
    if (!param) return false;
    if (*param == "recent") return true;
    return BadValue{"start must be recent"};
}

ValueOr<std::string> service_day_param(RawValue param, const std::string& today) {
    if (!param) return today;
    const std::string_view text = *param;
    const auto field = [&](std::size_t at, std::size_t length) {
        const std::string_view part = text.substr(at, length);
        return all_digits(part) ? parse_int64(part).value_or(-1) : -1;
    };
    const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
    const std::int64_t year = shaped ? field(0, 4) : -1, month = shaped ? field(5, 2) : -1,
                       day = shaped ? field(8, 2) : -1;
    static constexpr int days_in[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > days_in[month - 1] ||
        (month == 2 && day == 29 && !leap))
        return bad("day", "a date as YYYY-MM-DD");
    return std::string(text);
}

}  // namespace skranke::hub
