// Every header and query value the hub reads: at the edges of int64 and past them, empty,
// signed, spaced, hex and garbage, first as the pure functions, then through a real hub.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "client/staff_client.hpp"
#include "domain/office_time.hpp"
#include "hub/request_values.hpp"
#include "hub/staff_store.hpp"
#include "support/hub_fixture.hpp"
#include "support/sample_events.hpp"

using namespace skranke;
using namespace skranke::hub;
using namespace skranke::test;
using protocol::Role;

namespace {

constexpr std::int64_t now_ms = 1760000000000;  // a hub clock in 2025

// Texts no numeric value may take: the parser must refuse each, never read part of it.
const std::vector<std::string> not_numbers = {
    "", " ", "+5", "+", "-", "--5", "0x10", "1e3", "1.5", "12abc", "abc", "5 5", "\t", "١٢", "9223372036854775807x",
};
const std::string int64_max = "9223372036854775807";
const std::string one_past_max = "9223372036854775808";
const std::string int64_min = "-9223372036854775808";
const std::string one_below_min = "-9223372036854775809";
const std::string twenty_digits = "99999999999999999999";

std::string message_of(const BadValue& bad) { return bad.message; }

}  // namespace

TEST_CASE("parse_int64 takes exactly the decimal whole numbers int64 holds") {
    CHECK(parse_int64("0") == 0);
    CHECK(parse_int64("-0") == 0);
    CHECK(parse_int64("42") == 42);
    CHECK(parse_int64("007") == 7);
    CHECK(parse_int64(int64_max) == INT64_MAX);
    CHECK(parse_int64(int64_min) == INT64_MIN);
    for (const std::string& text : {one_past_max, one_below_min, twenty_digits, std::string("-") + twenty_digits}) {
        CAPTURE(text);
        CHECK_FALSE(parse_int64(text));
    }
    for (const std::string& text : not_numbers) {
        CAPTURE(text);
        CHECK_FALSE(parse_int64(text));
    }
}

TEST_CASE("X-Skranke-Device-Time: an offset only for a clock within ten years of the hub's, never an overflow") {
    CHECK(device_clock_offset(std::nullopt, now_ms)->has_value() == false);
    CHECK(**device_clock_offset("1760000000500", now_ms) == 500);
    CHECK(**device_clock_offset(" 1759913600000\t", now_ms) == -86400000);  // spaces around a header are not its value
    CHECK(**device_clock_offset(std::to_string(now_ms + max_clock_offset_ms), now_ms) == max_clock_offset_ms);
    CHECK(**device_clock_offset(std::to_string(now_ms - max_clock_offset_ms), now_ms) == -max_clock_offset_ms);
    // Not a clock: no offset, and the request is still served (a kiosk with a dead RTC keeps syncing).
    for (const std::string& text : {int64_min, int64_max, std::string("0"), std::string("-1"),
                                    std::to_string(now_ms + max_clock_offset_ms + 1),
                                    std::to_string(now_ms - max_clock_offset_ms - 1)}) {
        CAPTURE(text);
        const auto offset = device_clock_offset(text, now_ms);
        REQUIRE(offset);
        CHECK_FALSE(offset->has_value());
    }
    CHECK_FALSE(device_clock_offset(int64_max, INT64_MIN)->has_value());  // even a hub clock at the edge
    for (const std::string& text : not_numbers) {
        if (text.find_first_not_of(" \t") == std::string::npos && !text.empty()) continue;  // only spaces: empty
        CAPTURE(text);
        const auto offset = device_clock_offset(text, now_ms);
        REQUIRE_FALSE(offset);
        CHECK(message_of(offset.error()).find("X-Skranke-Device-Time") != std::string::npos);
    }
    for (const std::string& text : {one_past_max, one_below_min, twenty_digits, std::string(" "), std::string("\t")})
        CHECK_FALSE(device_clock_offset(text, now_ms));
}

TEST_CASE("X-Skranke-Outbox-Depth and X-Skranke-Follows: counts from 0 to int64's top, nothing else") {
    CHECK_FALSE(outbox_depth(std::nullopt)->has_value());
    CHECK(**outbox_depth("0") == 0);
    CHECK(**outbox_depth(int64_max) == INT64_MAX);
    CHECK(*follows(std::nullopt) == 0);
    CHECK(*follows("17") == 17);
    CHECK(*follows(int64_max) == INT64_MAX);
    for (const std::string& text : [] {
             auto bad = not_numbers;
             for (const char* more : {"-1", "-9223372036854775808", "9223372036854775808", "99999999999999999999"})
                 bad.emplace_back(more);
             return bad;
         }()) {
        CAPTURE(text);
        const auto depth = outbox_depth(text);
        REQUIRE_FALSE(depth);
        CHECK(message_of(depth.error()).find("X-Skranke-Outbox-Depth") != std::string::npos);
        const auto seq = follows(text);
        REQUIRE_FALSE(seq);
        CHECK(message_of(seq.error()).find("X-Skranke-Follows") != std::string::npos);
    }
}

TEST_CASE("the health report's headers: counts up to int64's top, a sync age that never wraps, versions and printer states from their sets") {
    const struct {
        const char* name;
        ValueOr<std::optional<std::int64_t>> (*parse)(RawValue);
    } counts[] = {{"X-Skranke-Uptime", uptime_seconds},
                  {"X-Skranke-Dead-Letters", dead_letters},
                  {"X-Skranke-Disk-Free", disk_free_bytes}};
    for (const auto& count : counts) {
        CAPTURE(count.name);
        CHECK_FALSE(count.parse(std::nullopt)->has_value());
        CHECK(**count.parse("0") == 0);
        CHECK(**count.parse(" 17\t") == 17);
        CHECK(**count.parse(int64_max) == INT64_MAX);
        for (const std::string& text : {std::string("-1"), one_past_max, twenty_digits, std::string("1e3")}) {
            CAPTURE(text);
            REQUIRE_FALSE(count.parse(text));
            CHECK(message_of(count.parse(text).error()).find(count.name) != std::string::npos);
        }
        for (const std::string& text : not_numbers) {
            CAPTURE(text);
            CHECK_FALSE(count.parse(text));
        }
    }
    CHECK_FALSE(last_sync_ms(std::nullopt, now_ms)->has_value());
    CHECK(**last_sync_ms("0", now_ms) == now_ms);
    CHECK(**last_sync_ms("90", now_ms) == now_ms - 90000);
    CHECK(**last_sync_ms(std::to_string(now_ms / 1000), now_ms) == now_ms % 1000);
    CHECK(**last_sync_ms(std::to_string(now_ms / 1000 + 1), now_ms) == 0);
    CHECK(**last_sync_ms(int64_max, now_ms) == 0);  // never wrapped: 1970 at the earliest
    CHECK(**last_sync_ms(int64_max, INT64_MAX) == 0);
    CHECK(**last_sync_ms(std::to_string(INT64_MAX / 1000), INT64_MAX) == INT64_MAX % 1000);
    CHECK(**last_sync_ms("5", INT64_MIN) == 0);
    CHECK(message_of(last_sync_ms("-1", now_ms).error()).find("X-Skranke-Sync-Age") != std::string::npos);

    CHECK_FALSE(program_version(std::nullopt)->has_value());
    CHECK(**program_version(" 0.1.0 ") == "0.1.0");
    CHECK(**program_version("1:0.2.0~rc1+deb12u1_amd64-x") == "1:0.2.0~rc1+deb12u1_amd64-x");
    CHECK(**program_version(std::string(64, '9')) == std::string(64, '9'));
    for (const std::string& text : {std::string(65, '9'), std::string(""), std::string("0.1 0"), std::string("0.1/0"),
                                    std::string("0.1.0\n"), std::string("versjon-\xC3\xA6"), std::string("0.1;0")}) {
        CAPTURE(text);
        REQUIRE_FALSE(program_version(text));
        CHECK(message_of(program_version(text).error()).find("X-Skranke-Program-Version") != std::string::npos);
    }
    CHECK_FALSE(printer_state(std::nullopt)->has_value());
    for (const std::string_view state : printer_states) CHECK(**printer_state(state) == std::string(state));
    CHECK(**printer_state(" paper_low ") == "paper_low");
    for (const char* text : {"OK", "Ok", "jammed", "paper low", "ok,offline", "", "okay"}) {
        CAPTURE(text);
        REQUIRE_FALSE(printer_state(text));
        CHECK(message_of(printer_state(text).error()).find("X-Skranke-Printer") != std::string::npos);
    }
    CHECK(*silent_minutes_param(std::nullopt, 10, 10080) == 10);
    CHECK(*silent_minutes_param("1", 10, 10080) == 1);
    CHECK(*silent_minutes_param("10080", 10, 10080) == 10080);
    for (const char* text : {"0", "10081", "-5", "", "5m", "99999999999999999999"})
        CHECK(message_of(silent_minutes_param(text, 10, 10080).error()).find("silent_minutes") != std::string::npos);
}

TEST_CASE("after=, limit= and wait_ms=: cursors up to 2^53-1, limits in their range, waits clamped to the longest") {
    CHECK(*log_cursor(std::nullopt) == 0);
    CHECK(*log_cursor("0") == 0);
    CHECK(*log_cursor("9007199254740991") == max_cursor);
    CHECK(*page_limit(std::nullopt, 500, 1000) == 500);
    CHECK(*page_limit("1", 500, 1000) == 1);
    CHECK(*page_limit("1000", 500, 1000) == 1000);
    CHECK(*long_poll_wait(std::nullopt, 25000) == 0);
    CHECK(*long_poll_wait("0", 25000) == 0);
    CHECK(*long_poll_wait("24999", 25000) == 24999);
    for (const std::string& text : {int64_max, one_past_max, twenty_digits, std::string(400, '9')}) {
        CAPTURE(text.size());
        CHECK(*long_poll_wait(text, 25000) == 25000);
    }
    const auto refused = [](const auto& result, const char* name) {
        return !result && message_of(result.error()).find(name) != std::string::npos;
    };
    for (const std::string& text : {std::string("9007199254740992"), int64_max, one_past_max, twenty_digits,
                                    std::string("-1"), int64_min})
        CHECK(refused(log_cursor(text), "after"));
    for (const std::string& text : {std::string("0"), std::string("1001"), std::string("-1"), int64_max,
                                    one_past_max, twenty_digits, int64_min})
        CHECK(refused(page_limit(text, 500, 1000), "limit"));
    for (const std::string& text : {std::string("-1"), int64_min, one_below_min})
        CHECK(refused(long_poll_wait(text, 25000), "wait_ms"));
    for (const std::string& text : not_numbers) {
        CAPTURE(text);
        CHECK(refused(log_cursor(text), "after"));
        CHECK(refused(page_limit(text, 500, 1000), "limit"));
        CHECK(refused(long_poll_wait(text, 25000), "wait_ms"));
    }
}

TEST_CASE("day=: a real calendar date, else refused") {
    CHECK(*service_day_param(std::nullopt, "2025-10-09") == "2025-10-09");
    for (const char* day : {"2025-10-09", "2024-02-29", "2000-02-29", "2025-12-31", "1970-01-01"})
        CHECK(*service_day_param(day, "x") == day);
    for (const char* day : {"2025-02-29", "1900-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "2025-01-00",
                            "1969-12-31", "2025-1-01", "+025-01-01", "2025-01-+1", "9999999999", "", "2025/01/01",
                            "2025-01-01 "}) {
        CAPTURE(day);
        const auto refused = service_day_param(day, "x");
        REQUIRE_FALSE(refused);
        CHECK(message_of(refused.error()).find("day") != std::string::npos);
    }
}

// Through a real hub over HTTP: each bad value is a 400 naming it, each edge is served.
TEST_CASE("a real hub answers every extreme header and query value with 200 or a 400 that names it") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-values");
    const auto desk = hub.enrol(Role::reception, "desk-values");
    const auto push = [&](std::int64_t seq, const std::vector<std::string>& headers) {
        return hub.call("POST", "/v1/events", kiosk.token, batch({issued_event(kiosk.device_id, seq, wall_clock_ms())}),
                        headers);
    };
    const auto names_it = [](const sync::HttpReply& reply, const char* name) {
        return reply.status == 400 && reply.error_code() == "bad_request" && reply.body.find(name) != std::string::npos;
    };

    SUBCASE("device time at int64's edges is stored as no offset, never a wrapped one") {
        for (const std::string& time : {int64_min, int64_max}) {
            CAPTURE(time);
            REQUIRE(push(hub.event_count() + 1, {"X-Skranke-Device-Time: " + time}).status == 200);
        }
        REQUIRE(push(3, {"X-Skranke-Device-Time: " + std::to_string(wall_clock_ms() + 3600000)}).status == 200);
        const auto log = nlohmann::json::parse(hub.call("GET", "/v1/events?after=0", desk.token).body);
        REQUIRE(log["events"].size() == 3);
        CHECK(log["events"][0]["device_clock_offset_ms"].is_null());
        CHECK(log["events"][1]["device_clock_offset_ms"].is_null());
        const auto hour = log["events"][2]["device_clock_offset_ms"].get<std::int64_t>();
        CHECK(hour > 3600000 - 60000);
        CHECK(hour <= 3600000);
    }
    SUBCASE("malformed header values are refused, naming the header, and nothing is stored") {
        for (const char* header : {"X-Skranke-Device-Time", "X-Skranke-Outbox-Depth", "X-Skranke-Follows"}) {
            for (const std::string& value : {std::string("+5"), std::string("0x10"), one_past_max, twenty_digits,
                                             std::string("abc"), std::string("1.5")}) {
                CAPTURE(header);
                CAPTURE(value);
                CHECK(names_it(push(1, {std::string(header) + ": " + value}), header));
            }
        }
        CHECK(names_it(push(1, {"X-Skranke-Follows: -1"}), "X-Skranke-Follows"));
        CHECK(names_it(hub.call("GET", "/v1/events?after=0", desk.token, "", {"X-Skranke-Device-Time: 12abc"}),
                       "X-Skranke-Device-Time"));
        CHECK(hub.event_count() == 0);
        CHECK(push(1, {"X-Skranke-Outbox-Depth: " + int64_max, "X-Skranke-Follows: 0"}).status == 200);
        // An empty header (curl's "Name;") is dropped by cpp-httplib: served as absent.
        CHECK(push(1, {"X-Skranke-Device-Time;", "X-Skranke-Outbox-Depth;", "X-Skranke-Follows;"}).status == 200);
    }
    SUBCASE("cursors, limits and waits at their edges") {
        const auto read = [&](const std::string& query) { return hub.call("GET", "/v1/events?" + query, desk.token); };
        CHECK(read("after=9007199254740991").status == 200);
        CHECK(nlohmann::json::parse(read("after=9007199254740991").body)["cursor"] == max_cursor);
        for (const std::string& after : {std::string("9007199254740992"), int64_max, one_past_max, twenty_digits,
                                         std::string("-1"), std::string("%2B1"), std::string("0x1"), std::string("")})
            CHECK(names_it(read("after=" + after), "after"));
        for (const std::string& limit : {std::string("0"), std::string("1001"), int64_max, twenty_digits})
            CHECK(names_it(read("limit=" + limit), "limit"));
        for (const std::string& wait : {std::string("-1"), int64_min, std::string("%201"), std::string("abc")})
            CHECK(names_it(read("wait_ms=" + wait), "wait_ms"));
        // A huge wish is served as the longest wait; the log grows, so it answers at once.
        REQUIRE(push(1, {}).status == 200);
        CHECK(read("after=0&wait_ms=" + twenty_digits).status == 200);
        const auto admin = hub.enrol(Role::admin, "admin-values");
        CHECK(names_it(hub.call("GET", "/v1/export?after=" + int64_max, admin.token), "after"));
        CHECK(names_it(hub.call("GET", "/v1/export?limit=100001", admin.token), "limit"));
        CHECK(hub.call("GET", "/v1/export?after=9007199254740991&limit=100000", admin.token).status == 200);
    }
    SUBCASE("a figures day that is no date is refused, naming day") {
        REQUIRE(hub.staff_store()->add({"kari", "Kari N.", hub::StaffRole::reception}, "246813", wall_clock_ms()).ok());
        const auto session = sync::staff_sign_in(hub.connection(desk.token), "kari", "246813", "2");
        REQUIRE(session.ok());
        const std::string header = "X-Skranke-Staff-Session: " + session->session;
        for (const char* day : {"2025-02-29", "2025-13-01", "9999999999", "2025-1-011"})
            CHECK(names_it(hub.call("GET", std::string("/v1/figures?day=") + day, desk.token, "", {header}), "day"));
        CHECK(hub.call("GET", "/v1/figures?day=2024-02-29", desk.token, "", {header}).status == 200);
    }
}
