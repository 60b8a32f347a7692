// The hub's parsers of request headers and query values (sync/hub/request_values.hpp),
// against a reference written here with 128-bit arithmetic: each value is read exactly
// when it is what PROTOCOL.md allows, lands in its documented range, and a refusal names
// its header or parameter. No input may overflow (UBSan stops at any signed overflow).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <optional>
#include <string>

#include "calendar_check.hpp"
#include "fuzz_check.hpp"
#include "hub/request_values.hpp"

using namespace skranke;
using Wide = __int128;

namespace {

constexpr Wide int64_min = INT64_MIN;
constexpr Wide int64_max = INT64_MAX;

// Optional '-' then digits: the value, as wide as it needs (saturated far outside int64).
std::optional<Wide> reference_number(std::string_view text, bool sign_allowed) {
    const bool negative = sign_allowed && !text.empty() && text[0] == '-';
    if (negative) text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    Wide value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = std::min<Wide>(value * 10 + (c - '0'), int64_max * 100);
    }
    return negative ? -value : value;
}

std::string_view trim_spaces(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

bool names(const hub::BadValue& bad, std::string_view name) { return bad.message.find(name) != std::string::npos; }

template <typename T>
const hub::BadValue& refusal(const hub::ValueOr<T>& result) {
    FUZZ_REQUIRE(!result);
    return result.error();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    const auto raw = [&]() -> std::optional<std::string> {
        if (!input.ConsumeBool()) return std::nullopt;
        return input.ConsumeRandomLengthString(40);
    };
    const auto hub_now_ms = input.ConsumeIntegral<std::int64_t>();
    const auto most = input.ConsumeIntegralInRange<std::int64_t>(1, 100000);
    const auto fallback = input.ConsumeIntegralInRange<std::int64_t>(1, most);
    const auto longest = input.ConsumeIntegralInRange<std::int64_t>(0, INT64_MAX);
    const std::string today = "2026-11-25";
    const auto view = [](const std::optional<std::string>& text) -> hub::RawValue {
        return text ? hub::RawValue(*text) : std::nullopt;
    };

    // parse_int64: exactly optional '-' and digits within int64.
    {
        const std::string text = input.ConsumeRandomLengthString(40);
        const auto parsed = hub::parse_int64(text);
        const auto expected = reference_number(text, true);
        if (expected && *expected >= int64_min && *expected <= int64_max) FUZZ_REQUIRE(parsed && Wide{*parsed} == *expected);
        else FUZZ_REQUIRE(!parsed);
    }
    // X-Skranke-Device-Time: an offset only for a clock within ten years of the hub's.
    {
        const auto header = raw();
        const auto offset = hub::device_clock_offset(view(header), hub_now_ms);
        if (!header) {
            FUZZ_REQUIRE(offset && !*offset);
        } else if (const auto device = reference_number(trim_spaces(*header), true);
                   device && *device >= int64_min && *device <= int64_max) {
            FUZZ_REQUIRE(offset);
            const Wide expected = *device - hub_now_ms;
            const bool a_clock = expected >= -hub::max_clock_offset_ms && expected <= hub::max_clock_offset_ms;
            FUZZ_REQUIRE(offset->has_value() == a_clock);
            if (a_clock) FUZZ_REQUIRE(Wide{**offset} == expected);
        } else {
            FUZZ_REQUIRE(names(refusal(offset), "X-Skranke-Device-Time"));
        }
    }
    // X-Skranke-Outbox-Depth and X-Skranke-Follows: counts from 0.
    {
        const auto header = raw();
        const auto depth = hub::outbox_depth(view(header));
        const auto expected = header ? reference_number(trim_spaces(*header), false) : std::nullopt;
        if (!header) FUZZ_REQUIRE(depth && !*depth);
        else if (expected && *expected <= int64_max) FUZZ_REQUIRE(depth && **depth >= 0 && Wide{**depth} == *expected);
        else FUZZ_REQUIRE(names(refusal(depth), "X-Skranke-Outbox-Depth"));
    }
    {
        const auto header = raw();
        const auto seq = hub::follows(view(header));
        const auto expected = header ? reference_number(trim_spaces(*header), false) : std::nullopt;
        if (!header) FUZZ_REQUIRE(seq && *seq == 0);
        else if (expected && *expected <= int64_max) FUZZ_REQUIRE(seq && *seq >= 0 && Wide{*seq} == *expected);
        else FUZZ_REQUIRE(names(refusal(seq), "X-Skranke-Follows"));
    }
    // The health report's counts, from 0; the sync age as a time on the hub's clock, never
    // before 1970 or after now.
    {
        const struct {
            const char* name;
            hub::ValueOr<std::optional<std::int64_t>> (*parse)(hub::RawValue);
        } counts[] = {{"X-Skranke-Uptime", hub::uptime_seconds},
                      {"X-Skranke-Dead-Letters", hub::dead_letters},
                      {"X-Skranke-Disk-Free", hub::disk_free_bytes}};
        for (const auto& count : counts) {
            const auto header = raw();
            const auto value = count.parse(view(header));
            const auto expected = header ? reference_number(trim_spaces(*header), false) : std::nullopt;
            if (!header) FUZZ_REQUIRE(value && !*value);
            else if (expected && *expected <= int64_max) FUZZ_REQUIRE(value && Wide{**value} == *expected);
            else FUZZ_REQUIRE(names(refusal(value), count.name));
        }
        const auto header = raw();
        const auto synced = hub::last_sync_ms(view(header), hub_now_ms);
        const auto age = header ? reference_number(trim_spaces(*header), false) : std::nullopt;
        const Wide now = std::max<Wide>(hub_now_ms, 0);
        if (!header) FUZZ_REQUIRE(synced && !*synced);
        else if (age && *age <= int64_max) FUZZ_REQUIRE(synced && Wide{**synced} == std::max<Wide>(now - *age * 1000, 0));
        else FUZZ_REQUIRE(names(refusal(synced), "X-Skranke-Sync-Age"));
    }
    // X-Skranke-Program-Version and X-Skranke-Printer: kept only as their sets allow.
    {
        const auto header = raw();
        const auto version = hub::program_version(view(header));
        if (!header) {
            FUZZ_REQUIRE(version && !*version);
        } else if (version) {
            const std::string_view kept = **version;
            FUZZ_REQUIRE(kept == trim_spaces(*header) && !kept.empty() && kept.size() <= 64);
            for (const char c : kept)
                FUZZ_REQUIRE(std::isalnum(static_cast<unsigned char>(c)) || std::string_view(".+~:_-").find(c) != std::string_view::npos);
        } else {
            FUZZ_REQUIRE(names(version.error(), "X-Skranke-Program-Version"));
        }
        const auto printer_header = raw();
        const auto printer = hub::printer_state(view(printer_header));
        if (!printer_header) FUZZ_REQUIRE(printer && !*printer);
        else if (printer) FUZZ_REQUIRE(std::find(std::begin(hub::printer_states), std::end(hub::printer_states), **printer) != std::end(hub::printer_states));
        else FUZZ_REQUIRE(names(printer.error(), "X-Skranke-Printer"));
    }
    // silent_minutes=: 1 to most.
    {
        const auto param = raw();
        const auto minutes = hub::silent_minutes_param(view(param), fallback, most);
        const auto expected = param ? reference_number(*param, false) : std::nullopt;
        if (!param) FUZZ_REQUIRE(minutes && *minutes == fallback);
        else if (expected && *expected >= 1 && *expected <= most) FUZZ_REQUIRE(minutes && Wide{*minutes} == *expected);
        else FUZZ_REQUIRE(names(refusal(minutes), "silent_minutes"));
    }
    // after=: 0 to 2^53-1.
    {
        const auto param = raw();
        const auto cursor = hub::log_cursor(view(param));
        const auto expected = param ? reference_number(*param, false) : std::nullopt;
        if (!param) FUZZ_REQUIRE(cursor && *cursor == 0);
        else if (expected && *expected <= hub::max_cursor) FUZZ_REQUIRE(cursor && Wide{*cursor} == *expected);
        else FUZZ_REQUIRE(names(refusal(cursor), "after"));
    }
    // limit=: 1 to most.
    {
        const auto param = raw();
        const auto limit = hub::page_limit(view(param), fallback, most);
        const auto expected = param ? reference_number(*param, false) : std::nullopt;
        if (!param) FUZZ_REQUIRE(limit && *limit == fallback);
        else if (expected && *expected >= 1 && *expected <= most) FUZZ_REQUIRE(limit && Wide{*limit} == *expected);
        else FUZZ_REQUIRE(names(refusal(limit), "limit"));
    }
    // wait_ms=: any count of milliseconds, served as at most the longest.
    {
        const auto param = raw();
        const auto wait = hub::long_poll_wait(view(param), longest);
        const auto expected = param ? reference_number(*param, false) : std::nullopt;
        if (!param) FUZZ_REQUIRE(wait && *wait == 0);
        else if (expected) FUZZ_REQUIRE(wait && Wide{*wait} == std::min<Wide>(*expected, longest));
        else FUZZ_REQUIRE(names(refusal(wait), "wait_ms"));
    }
    // day=: a calendar date from 1970 on, kept as it was written.
    {
        const auto param = raw();
        const auto day = hub::service_day_param(view(param), today);
        if (!param) FUZZ_REQUIRE(day && *day == today);
        else if (fuzz::is_calendar_date(*param) && *param >= "1970") FUZZ_REQUIRE(day && *day == *param);
        else FUZZ_REQUIRE(names(refusal(day), "day"));
    }
    return 0;
}
