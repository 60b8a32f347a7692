// The kiosk session's start script (packaging/session/skranke-session, what xinit runs for
// skranke-session.service), run under Xvfb with systemd's environment as the unit gives it:
// the program shows its screen and says READY=1, pings the watchdog from its render loop
// while it sits idle (the script unsets xinit's WATCHDOG_PID so the pings count), stops
// pinging while its loop does not turn, and ends on SIGTERM.
#include <doctest/doctest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/notify_socket.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

extern char** environ;

using namespace skranke;
using namespace std::chrono_literals;

namespace {

const std::string session_script = std::string(SKRANKE_SOURCE_DIR) + "/packaging/session/skranke-session";

// The script with the unit's environment plus systemd's notify socket and watchdog.
pid_t start_session(const test::TempDir& dir, const test::NotifySocket& notify) {
    std::vector<std::string> env = {
        "NOTIFY_SOCKET=" + notify.path().string(),
        "WATCHDOG_USEC=1000000",
        "WATCHDOG_PID=1",  // xinit's, as systemd would set it: the script must unset it
        "SKRANKE_PROGRAM=" SKRANKE_BIN,
        "SKRANKE_DATA_DIR=" + (dir / "device").string(),
        "ASAN_OPTIONS=detect_leaks=0",  // Mesa's allocations kept until exit (see e2e_test.cpp)
    };
    for (char** e = environ; *e; ++e) {
        const std::string each(*e);
        if (each.rfind("ASAN_OPTIONS=", 0) != 0 && each.rfind("NOTIFY_SOCKET=", 0) != 0 &&
            each.rfind("WATCHDOG_", 0) != 0)
            env.push_back(each);
    }
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string program = session_script;
    char* argv[] = {program.data(), nullptr};  // the unit passes none
    pid_t pid = -1;
    REQUIRE(posix_spawn(&pid, session_script.c_str(), nullptr, nullptr, argv, envp.data()) == 0);
    return pid;
}

}  // namespace

TEST_CASE("the kiosk session shows its screen, pings the watchdog from its render loop and stops on SIGTERM") {
    test::TempDir dir;
    test::NotifySocket notify(dir / "notify");
    const pid_t session = start_session(dir, notify);  // the script execs the program: same pid
    CHECK(notify.wait_for("READY=1", 90s));
    // Idle, untouched: the loop still wakes every half second to ping.
    for (int i = 0; i < 3; ++i) CHECK(notify.wait_for("WATCHDOG=1", 3s));

    // A loop that does not turn pings no more: systemd would restart it.
    REQUIRE(kill(session, SIGSTOP) == 0);
    const auto settled = std::chrono::steady_clock::now() + 500ms;
    while (std::chrono::steady_clock::now() < settled) notify.next(50ms);
    CHECK_FALSE(notify.wait_for("WATCHDOG=1", 2500ms));
    REQUIRE(kill(session, SIGCONT) == 0);
    CHECK(notify.wait_for("WATCHDOG=1", 3s));

    REQUIRE(kill(session, SIGTERM) == 0);
    int status = 0;
    const bool ended = test::wait_until([&] { return waitpid(session, &status, WNOHANG) == session; }, 30s);
    if (!ended) {
        kill(session, SIGKILL);
        waitpid(session, &status, 0);
    }
    CHECK(ended);
}
