// The one queue-ordering rule: urgent first, then due appointments, then first come first
// served, with an ageing bound; fair even when one device's clock is a day off.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "domain/queue_order.hpp"

using namespace skranke;

namespace {

constexpr std::int64_t minute = 60 * 1000;
constexpr std::int64_t day = 24 * 60 * minute;
constexpr std::int64_t t0 = 1'772'442'000'000;  // 2026-03-02 09:00 UTC, the reference clock

// A ticket from a kiosk whose clock is right, seen by the hub when it was made.
QueueEntry walk_in(std::string key, std::int64_t at, std::string device = "kiosk-a", std::int64_t seq = 0) {
    QueueEntry e;
    e.key = std::move(key);
    e.device_id = std::move(device);
    e.device_seq = seq != 0 ? seq : at / 1000;
    e.device_created_ms = at;
    e.device_clock_offset_ms = 0;
    e.received_ms = at;
    return e;
}

QueueEntry urgent(std::string key, std::int64_t at) {
    QueueEntry e = walk_in(std::move(key), at);
    e.urgent = true;
    return e;
}

std::vector<std::string> keys(const std::vector<QueueEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.key);
    return out;
}

}  // namespace

TEST_CASE("walk-ins are called first come, first served") {
    const auto order = order_queue({walk_in("c", t0 + 2 * minute), walk_in("a", t0), walk_in("b", t0 + minute)},
                                   t0 + 3 * minute);
    CHECK(keys(order) == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("an urgent ticket goes before every waiting walk-in") {
    const auto order = order_queue({walk_in("a", t0), walk_in("b", t0 + minute), urgent("u", t0 + 5 * minute)},
                                   t0 + 6 * minute);
    CHECK(keys(order) == std::vector<std::string>{"u", "a", "b"});
}

TEST_CASE("an appointment that is due goes before walk-ins; one that is not due waits its turn") {
    QueueEntry due = walk_in("due", t0 + 10 * minute);
    due.appointment_ms = t0 + 12 * minute;  // due: within 5 minutes of now
    QueueEntry later = walk_in("later", t0 + 1 * minute);
    later.appointment_ms = t0 + 60 * minute;  // an hour early: an ordinary walk-in for now
    const auto order = order_queue({walk_in("a", t0), later, due, urgent("u", t0 + 11 * minute)}, t0 + 11 * minute);
    CHECK(keys(order) == std::vector<std::string>{"u", "due", "a", "later"});
}

TEST_CASE("nobody waits for ever behind a stream of urgent tickets") {
    QueuePolicy policy;  // 45-minute bound
    std::vector<QueueEntry> entries{walk_in("patient", t0)};
    // A new urgent ticket every minute for two hours.
    for (int i = 1; i <= 120; ++i) entries.push_back(urgent(std::string("u").append(std::to_string(i)), t0 + i * minute));

    // Before the bound the walk-in is behind every urgent ticket ...
    auto order = order_queue(entries, t0 + 44 * minute, policy);
    CHECK(order.back().key == "patient");
    // ... at the bound it joins the urgent tier after those that came before the bound ran
    // out, and before every urgent ticket that came later.
    order = order_queue(entries, t0 + 46 * minute, policy);
    const auto k = keys(order);
    const auto pos = std::find(k.begin(), k.end(), "patient") - k.begin();
    CHECK(pos == 44);  // u1 .. u44 came before t0 + 45 min; at a tie the longer wait wins
    CHECK(k[static_cast<std::size_t>(pos) + 1] == "u45");
}

TEST_CASE("order is deterministic whatever order the entries arrive in") {
    std::vector<QueueEntry> entries{walk_in("x", t0, "kiosk-b", 7), walk_in("y", t0, "kiosk-a", 9),
                                    urgent("z", t0), walk_in("w", t0 + minute)};
    const auto first = keys(order_queue(entries, t0 + 2 * minute));
    std::reverse(entries.begin(), entries.end());
    CHECK(keys(order_queue(entries, t0 + 2 * minute)) == first);
    std::swap(entries[0], entries[2]);
    CHECK(keys(order_queue(entries, t0 + 2 * minute)) == first);
}

TEST_CASE("a kiosk whose clock is a day behind does not jump the queue") {
    // kiosk-b's clock reads one day early. The hub measured that at its last sync.
    QueueEntry skewed = walk_in("skewed", t0 + 10 * minute - day, "kiosk-b");
    skewed.device_clock_offset_ms = -day;
    skewed.received_ms = t0 + 10 * minute;
    CHECK(corrected_arrival_ms(skewed) == t0 + 10 * minute);
    auto order = order_queue({walk_in("a", t0), skewed, walk_in("b", t0 + 20 * minute)}, t0 + 30 * minute);
    CHECK(keys(order) == std::vector<std::string>{"a", "skewed", "b"});

    // Not yet measured: the device clock is ignored and the hub's receive time counts.
    skewed.device_clock_offset_ms.reset();
    CHECK(corrected_arrival_ms(skewed) == t0 + 10 * minute);
    order = order_queue({walk_in("a", t0), skewed, walk_in("b", t0 + 20 * minute)}, t0 + 30 * minute);
    CHECK(keys(order) == std::vector<std::string>{"a", "skewed", "b"});
}

TEST_CASE("a kiosk whose clock is a day ahead is not pushed to the back, nor aged at once") {
    QueueEntry skewed = walk_in("skewed", t0 + 10 * minute + day, "kiosk-b");
    skewed.device_clock_offset_ms = day;
    skewed.received_ms = t0 + 10 * minute;
    auto order = order_queue({walk_in("a", t0), skewed, walk_in("b", t0 + 20 * minute)}, t0 + 30 * minute);
    CHECK(keys(order) == std::vector<std::string>{"a", "skewed", "b"});
    // An unmeasured clock a day ahead cannot place the ticket later than when it was received.
    skewed.device_clock_offset_ms.reset();
    order = order_queue({walk_in("a", t0), skewed, walk_in("b", t0 + 20 * minute)}, t0 + 30 * minute);
    CHECK(keys(order) == std::vector<std::string>{"a", "skewed", "b"});
}

TEST_CASE("a ticket issued offline keeps its place once the offset is known") {
    // The kiosk was offline for 30 minutes; its clock is right; the hub sees the ticket late.
    QueueEntry offline = walk_in("offline", t0 + 5 * minute, "kiosk-b");
    offline.received_ms = t0 + 35 * minute;
    auto order = order_queue({walk_in("a", t0), offline, walk_in("b", t0 + 20 * minute)}, t0 + 36 * minute);
    CHECK(keys(order) == std::vector<std::string>{"a", "offline", "b"});
}

TEST_CASE("a device's own order is kept even when its clock steps backwards") {
    QueueEntry first = walk_in("first", t0 + 10 * minute, "kiosk-b", 1);
    QueueEntry second = walk_in("second", t0 + 2 * minute, "kiosk-b", 2);  // clock stepped back 8 minutes
    auto order = order_queue({second, walk_in("a", t0 + 5 * minute), first}, t0 + 20 * minute);
    CHECK(keys(order) == std::vector<std::string>{"a", "first", "second"});
}
