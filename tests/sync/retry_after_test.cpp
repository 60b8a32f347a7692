// Retry-After on the device side: any text a hub (or something pretending to be one) sends
// is a bounded wait or no wait at all, never an overflow; the engine honours it up to its cap.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "client/hub_client.hpp"
#include "client/sync_engine.hpp"
#include "support/fault_proxy.hpp"
#include "support/hub_fixture.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using protocol::Role;

TEST_CASE("Retry-After: delay-seconds of any length become milliseconds, saturating instead of overflowing") {
    using sync::parse_retry_after_ms;
    CHECK(parse_retry_after_ms("0") == 0);
    CHECK(parse_retry_after_ms("1") == 1000);
    CHECK(parse_retry_after_ms(" 120\r\n") == 120000);
    CHECK(parse_retry_after_ms("9223372036854775") == 9223372036854775000);  // the last that fits
    for (const char* huge : {"9223372036854776", "9223372036854775807", "9223372036854775808",
                             "99999999999999999999", "000000000000000000000000000009223372036854775807"}) {
        CAPTURE(huge);
        CHECK(parse_retry_after_ms(huge) == INT64_MAX);
    }
    for (const char* bad : {"", " ", "-1", "-9223372036854775808", "+5", "0x10", "1.5", "5s", "soon", "1 2"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_retry_after_ms(bad));
    }
    // An HTTP-date counts from now: the past is no wait, the far future saturates or is a long wait.
    CHECK(parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT") == 0);
    const auto future = parse_retry_after_ms("Fri, 31 Dec 9999 23:59:59 GMT");
    REQUIRE(future);
    CHECK(*future > 0);
}

TEST_CASE("a hub asking for an endless Retry-After: the engine waits its cap, then delivers") {
    // The first overflowed when turned into ms; the second was read as no Retry-After at all.
    for (const char* retry_after : {"9223372036854775807", "99999999999999999999"}) {
        CAPTURE(retry_after);
        HubFixture hub;
        const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
        FaultProxy proxy(hub.hub().port());
        proxy.set_retry_after(retry_after);
        proxy.set_fault(Fault::http_503);
        const auto options = kiosk_options(hub.dir() / "kiosk.db", "kiosk-a", 'A');
        const auto ids = issue_named_tickets(options, 1);
        auto settings = engine_options(hub.connection(kiosk.token, proxy.url()), /*pull=*/false);
        settings.retry_after_cap_ms = 1000;
        auto engine = sync::SyncEngine::start(options, settings);
        REQUIRE(engine);
        // Two attempts, the cap apart: not the 20-400 ms backoff of a Retry-After read as absent.
        REQUIRE(wait_until([&] { return proxy.faulted_times().size() >= 2; }, 10s));
        const auto times = proxy.faulted_times();
        CHECK(times[1] - times[0] >= 900ms);
        CHECK(times[1] - times[0] < 5s);
        proxy.set_fault(Fault::none);
        CHECK(wait_until([&] { return (*engine)->status().outbox_depth == 0; }, 10s));
        CHECK(hub.copies_of(ids.front()) == 1);
    }
}
