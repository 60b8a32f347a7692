// A kiosk process issuing and syncing is killed with SIGKILL at random moments, 50 times:
// every ticket it showed reaches the hub exactly once, and no number is given twice.
#include <doctest/doctest.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>
#include <sstream>

#include "support/hub_fixture.hpp"
#include "support/store_fixture.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;

namespace {

// Runs the child for run_for, kills it with SIGKILL, returns what it printed.
std::string run_and_kill(const std::vector<std::string>& args, std::chrono::milliseconds run_for) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(KIOSK_CHILD));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(KIOSK_CHILD, argv.data());
        _exit(127);
    }
    close(fds[1]);
    std::string output;
    char buffer[4096];
    const auto deadline = std::chrono::steady_clock::now() + run_for;
    for (;;) {  // poll() is the timer
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fds[0], POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        const ssize_t n = read(fds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        output.append(buffer, static_cast<std::size_t>(n));
    }
    kill(pid, SIGKILL);
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof buffer)) > 0) output.append(buffer, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK_MESSAGE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL), "child ended on its own: " << status);
    return output;
}

}  // namespace

TEST_CASE("a kiosk killed 50 times during issue and sync loses and duplicates nothing at the hub") {
    HubFixture hub;
    const auto kiosk = hub.enrol(protocol::Role::kiosk, "kiosk-crash");
    const auto store_file = hub.dir() / "kiosk.db";
    const std::vector<std::string> args = {store_file.string(), (asset_dir() / "services.toml").string(),
                                           plain_request().need_id, hub.url(), kiosk.token};
    std::mt19937 random(20261125);
    std::uniform_int_distribution<int> run_ms(40, 200);
    std::set<std::string> shown;
    for (int round = 0; round < 50; ++round) {
        std::istringstream lines(run_and_kill(args, std::chrono::milliseconds(run_ms(random))));
        std::string line;
        while (std::getline(lines, line))
            if (!line.empty()) CHECK(shown.insert(line).second);  // an id is never shown twice
    }
    REQUIRE(shown.size() > 50);
    // A last, gentle run of the engine drains what the killed kiosks left behind.
    {
        auto engine = sync::SyncEngine::start(kiosk_options(store_file, "kiosk-crash", 'K'),
                                              engine_options(hub.connection(kiosk.token), false));
        REQUIRE(engine.ok());
        REQUIRE(wait_until([&] { return (*engine)->status().outbox_depth == 0; }, 60s));
    }
    const auto hub_db = hub.dir() / "hub" / "hub.db";
    const auto at_hub = query_texts(hub_db, "SELECT event_id FROM events ORDER BY device_seq");
    const std::set<std::string> hub_ids(at_hub.begin(), at_hub.end());
    CHECK(hub_ids.size() == at_hub.size());
    for (const auto& id : shown) CHECK_MESSAGE(hub_ids.count(id) == 1, id << " was shown but never reached the hub");
    // Everything the kiosk committed is at the hub, and no ticket number was given twice.
    CHECK(at_hub == outbox_ids(store_file));
    CHECK(query_int(hub_db, "SELECT count(DISTINCT json_extract(body, '$.ticket.service_day') || json_extract(body,"
                            " '$.ticket.number')) FROM events") == static_cast<std::int64_t>(at_hub.size()));
}
