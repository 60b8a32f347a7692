// Crash safety: a process issuing tickets is killed with SIGKILL at random moments; every
// ticket it reported (shown) survives, nothing is duplicated, the outbox matches.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <poll.h>
#include <random>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

struct Round {
    std::string output;
    bool killed = false;
};

// Starts the child, lets it run for run_for, kills it with SIGKILL and returns what it said.
Round run_and_kill(const std::filesystem::path& db, std::chrono::milliseconds run_for) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const std::string services = (asset_dir() / "services.toml").string();
    const std::string need = plain_request().need_id;
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(CRASH_CHILD, CRASH_CHILD, db.c_str(), services.c_str(), need.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    Round round;
    const auto deadline = std::chrono::steady_clock::now() + run_for;
    char buffer[4096];
    // Read what the child reports until the kill moment; poll() is the timer here.
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fds[0], POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        const ssize_t n = read(fds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        round.output.append(buffer, static_cast<std::size_t>(n));
    }
    round.killed = kill(pid, SIGKILL) == 0;
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof buffer)) > 0) round.output.append(buffer, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
        FAIL("child ended on its own with status " << status << " instead of being killed");
    }
    return round;
}

}  // namespace

TEST_CASE("tickets shown before a power cut survive 60 random SIGKILLs") {
    TempDir dir;
    const auto db = dir / "kiosk.db";
    std::mt19937 random(20261125);
    std::uniform_int_distribution<int> run_ms(30, 180);
    std::map<std::string, std::string> reported;  // event id -> number
    for (int round = 0; round < 60; ++round) {
        const Round r = run_and_kill(db, std::chrono::milliseconds(run_ms(random)));
        std::istringstream lines(r.output);
        std::string line;
        while (std::getline(lines, line)) {
            if (lines.eof()) break;  // the last line was cut by the kill
            const auto tab = line.find('\t');
            REQUIRE(tab != std::string::npos);
            const std::string number = line.substr(0, tab);
            const std::string event_id = line.substr(tab + 1);
            CHECK_MESSAGE(reported.emplace(event_id, number).second, "event id reported twice: " << event_id);
        }
    }
    MESSAGE(reported.size() << " tickets reported across 60 kills");
    REQUIRE(reported.size() > 60);

    CHECK(query_texts(db, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    for (const auto& [event_id, number] : reported) {
        const auto stored = query_texts(db, "SELECT letter || ' ' || printf('%03d', sequence) FROM tickets "
                                            "WHERE event_id = '" + event_id + "'");
        REQUIRE_MESSAGE(stored.size() == 1, "reported ticket missing: " << event_id);
        CHECK(stored.front() == number);
    }
    const auto tickets = query_int(db, "SELECT count(*) FROM tickets");
    CHECK(tickets >= static_cast<std::int64_t>(reported.size()));
    CHECK(query_int(db, "SELECT count(DISTINCT service_day || letter || sequence) FROM tickets") == tickets);
    CHECK(query_int(db, "SELECT count(*) FROM outbox") == tickets);
    CHECK(query_int(db, "SELECT count(*) FROM tickets t JOIN outbox o USING (event_id)") == tickets);
    // Numbers of one day have no gaps: the counter moves in the ticket's own transaction.
    CHECK(query_int(db, "SELECT count(*) FROM (SELECT service_day, max(sequence) - count(*) AS gap FROM "
                        "tickets GROUP BY service_day) WHERE gap != 0") == 0);
}
