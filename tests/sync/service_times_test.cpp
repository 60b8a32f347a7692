// The kiosk's wait estimate reads how long recent services took from the queue view: served
// minus the last call or recall, on the hub's clock, of tickets served lately.
#include <doctest/doctest.h>

#include "store/queue_view.hpp"
#include "store/store.hpp"
#include "store/sync_store.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;

namespace {

constexpr std::int64_t minute = 60'000;

struct LogWriter {
    SyncStore& sync;
    std::int64_t seq = 0;

    void issue(const std::string& ticket_device, std::int64_t at) {
        MergedEvent e;
        e.hub_seq = ++seq;
        e.received_ms = at;
        Ticket t;
        t.device_id = ticket_device;
        t.device_seq = 1;
        t.event_id = ticket_device + ":1";
        t.number = TicketNumber{'A', static_cast<int>(seq)};
        t.service_day = "2026-03-02";
        t.created_ms = at;
        t.request = test::plain_request();
        e.event = issued_event(t);
        REQUIRE(sync.apply_log({e}, seq).ok());
    }
    void act(EventBody action, std::int64_t at) {
        MergedEvent e;
        e.hub_seq = ++seq;
        e.received_ms = at;
        e.event = staff_event(std::move(action), "console-1", seq, at);
        REQUIRE(sync.apply_log({e}, seq).ok());
    }
};

}  // namespace

TEST_CASE("recent service times come from served minus the last call, newest first") {
    test::TempDir dir;
    StoreOptions options;
    options.path = dir / "kiosk.db";
    auto store = Store::open(options);
    REQUIRE(store.ok());
    SyncStore sync(**store);
    const std::int64_t t0 = test::test_time_ms();
    // Ticket a: called at 0, recalled at 2, served at 10 -> 8 minutes from the recall.
    // Ticket b: called at 5, served at 17 -> 12 minutes. Ticket c: no-show -> skipped.
    // Ticket d: served long ago -> outside the window.
    LogWriter log{sync};
    for (const char* t : {"k-a", "k-b", "k-c", "k-d"}) log.issue(t, t0 - 400 * minute);
    log.act(TicketCalled{"k-d:1", "2"}, t0 - 300 * minute);
    log.act(TicketServed{"k-d:1", "2"}, t0 - 290 * minute);
    log.act(TicketCalled{"k-a:1", "2"}, t0);
    log.act(TicketRecalled{"k-a:1", "2"}, t0 + 2 * minute);
    log.act(TicketCalled{"k-b:1", "1"}, t0 + 5 * minute);
    log.act(TicketCalled{"k-c:1", "3"}, t0 + 6 * minute);
    log.act(TicketServed{"k-a:1", "2"}, t0 + 10 * minute);
    log.act(TicketNoShow{"k-c:1", "3"}, t0 + 12 * minute);
    log.act(TicketServed{"k-b:1", "1"}, t0 + 17 * minute);

    auto view = test::open_test_view(dir / "kiosk.db");
    const LogFold& fold = view->snapshot()->fold;
    CHECK(fold.recent_service_ms(t0 - 60 * minute, 20) == std::vector<std::int64_t>{12 * minute, 8 * minute});
    CHECK(fold.recent_service_ms(t0 - 60 * minute, 1) == std::vector<std::int64_t>{12 * minute});
    CHECK(fold.recent_service_ms(t0 + 60 * minute, 20).empty());
    CHECK(fold.recent_service_ms(t0 - 600 * minute, 20).size() == 3);
}
