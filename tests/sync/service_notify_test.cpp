// skranke-hub under systemd (Type=notify, WatchdogSec=): READY=1 once it serves, WATCHDOG=1
// only while it answers its own health request through its socket, STOPPING=1 on SIGTERM.
// The test is systemd's side: it makes the NOTIFY_SOCKET and reads what the real binary sends.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <vector>

#include "hub/service_loop.hpp"
#include "support/hub_process.hpp"
#include "support/loopback.hpp"
#include "support/notify_socket.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace std::chrono_literals;

namespace {

// The real hub with systemd's environment: its notify socket and a watchdog of 400 ms.
void run_as_service(test::HubProcess& hub, const test::NotifySocket& notify) {
    hub.set_environment("NOTIFY_SOCKET", notify.path().string());
    hub.set_environment("WATCHDOG_USEC", "400000");
    hub.start();
}

// Whether a WATCHDOG=1 comes within the time; every other message is read and dropped.
bool pinged_within(test::NotifySocket& notify, std::chrono::milliseconds time) {
    return notify.wait_for("WATCHDOG=1", time);
}

}  // namespace

TEST_CASE("the hub tells systemd it is ready, that it is alive, and that it stops") {
    test::TempDir dir;
    test::NotifySocket notify(dir / "notify");
    test::HubProcess hub(dir / "hub");
    run_as_service(hub, notify);
    CHECK(notify.wait_for("READY=1", 20s));
    // Half the 400 ms interval between pings: three come well within three seconds.
    for (int i = 0; i < 3; ++i) CHECK(pinged_within(notify, 3s));
    CHECK(hub.stop() == 0);
    CHECK(notify.wait_for("STOPPING=1", 5s));
}

TEST_CASE("a hub that does not answer its own health request is not reported alive") {
    test::TempDir dir;
    test::NotifySocket notify(dir / "notify");
    // Four connections at most, two from one address: two silent ones from loopback leave
    // the hub's own health request no place.
    test::HubProcess hub(dir / "hub", 4);
    run_as_service(hub, notify);
    REQUIRE(notify.wait_for("READY=1", 20s));
    REQUIRE(pinged_within(notify, 3s));
    std::vector<int> silent{test::connect_loopback(hub.port()), test::connect_loopback(hub.port())};
    for (const int fd : silent) REQUIRE(fd >= 0);  // they send nothing
    // Pings already on their way may still arrive for a moment; then none while the hub
    // cannot answer (it closes the silent connections only after its 10 s header timeout).
    const auto settled = std::chrono::steady_clock::now() + 1500ms;
    while (std::chrono::steady_clock::now() < settled) notify.next(100ms);
    CHECK_FALSE(pinged_within(notify, 2s));
    for (const int fd : silent) close(fd);
    CHECK(pinged_within(notify, 3s));
    CHECK(hub.stop() == 0);
}

TEST_CASE("the health check says no where nothing answers") {
    test::TempDir dir;
    test::HubProcess hub(dir / "hub");
    hub.start();
    CHECK(hub::answers_health("127.0.0.1", hub.port(), false, 2000ms));
    CHECK_FALSE(hub::answers_health("127.0.0.1", hub.port(), true, 2000ms));  // it speaks no TLS
    const int port = hub.port();
    hub.kill_hard();
    CHECK_FALSE(hub::answers_health("127.0.0.1", port, false, 2000ms));
}
