// The kiosk's wait estimate reads how long recent services took from the merged log.
#include <doctest/doctest.h>

#include "store/store.hpp"
#include "store/sync_store.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;

namespace {

MergedEvent merged(std::int64_t seq, std::int64_t received_ms, const std::string& type, const std::string& ticket) {
    MergedEvent e;
    e.hub_seq = seq;
    e.received_ms = received_ms;
    const EventBody action = type == "ticket.called"     ? EventBody(TicketCalled{ticket, "Skranke 2"})
                             : type == "ticket.recalled" ? EventBody(TicketRecalled{ticket, "Skranke 2"})
                                                         : EventBody(TicketServed{ticket, "Skranke 2"});
    e.event = staff_event(action, "console-1", seq, received_ms);
    return e;
}

}  // namespace

TEST_CASE("recent service times come from served minus the last call, newest first") {
    test::TempDir dir;
    StoreOptions options;
    options.path = dir / "kiosk.db";
    auto store = Store::open(options);
    REQUIRE(store.ok());
    SyncStore sync(**store);
    constexpr std::int64_t minute = 60'000, t0 = 1'772'442'000'000;
    // Ticket a: called at 0, recalled at 2, served at 10 -> 8 minutes from the recall.
    // Ticket b: called at 5, served at 17 -> 12 minutes. Ticket c: served with no call -> skipped.
    // Ticket d: served long ago -> outside the window.
    const std::vector<MergedEvent> page = {
        merged(1, t0 - 300 * minute, "ticket.called", "k:d"), merged(2, t0 - 290 * minute, "ticket.served", "k:d"),
        merged(3, t0, "ticket.called", "k:a"),                 merged(4, t0 + 2 * minute, "ticket.recalled", "k:a"),
        merged(5, t0 + 5 * minute, "ticket.called", "k:b"),   merged(6, t0 + 10 * minute, "ticket.served", "k:a"),
        merged(7, t0 + 12 * minute, "ticket.served", "k:c"),  merged(8, t0 + 17 * minute, "ticket.served", "k:b"),
    };
    REQUIRE(sync.apply_log(page, 8).ok());
    auto durations = sync.recent_service_ms(t0 - 60 * minute, 20);
    REQUIRE(durations.ok());
    CHECK(*durations == std::vector<std::int64_t>{12 * minute, 8 * minute});
    auto newest = sync.recent_service_ms(t0 - 60 * minute, 1);
    REQUIRE(newest.ok());
    CHECK(*newest == std::vector<std::int64_t>{12 * minute});
    auto none = sync.recent_service_ms(t0 + 60 * minute, 20);
    REQUIRE(none.ok());
    CHECK(none->empty());
}
