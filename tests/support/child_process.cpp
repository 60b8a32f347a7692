#include "support/child_process.hpp"

#include <doctest/doctest.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <sstream>
#include <stdexcept>

namespace skranke::test {

KilledRun run_and_kill(const std::string& program, const std::vector<std::string>& args,
                       std::chrono::milliseconds run_for) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(program.c_str(), argv.data());
        _exit(127);
    }
    close(fds[1]);
    KilledRun run;
    char buffer[4096];
    const auto deadline = std::chrono::steady_clock::now() + run_for;
    // Read what the child reports until the kill moment; poll() is the timer here.
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fds[0], POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        const ssize_t n = read(fds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        run.output.append(buffer, static_cast<std::size_t>(n));
    }
    kill(pid, SIGKILL);
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof buffer)) > 0) run.output.append(buffer, static_cast<std::size_t>(n));
    close(fds[0]);
    waitpid(pid, &run.status, 0);
    run.killed = WIFSIGNALED(run.status) && WTERMSIG(run.status) == SIGKILL;
    return run;
}

KillCampaign kill_while_working(const std::string& program, const std::vector<std::string>& args, int kills,
                                int min_ms, int max_ms, std::uint32_t seed,
                                const std::function<void(const std::string&)>& on_line) {
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> window(min_ms, max_ms);
    KillCampaign campaign;
    int slack_ms = 0;
    for (int round = 0; round < 4 * kills && campaign.landed < kills; ++round) {
        const KilledRun run = run_and_kill(program, args, std::chrono::milliseconds(slack_ms + window(random)));
        if (!run.killed) ++campaign.ended_early;
        std::istringstream lines(run.output);
        std::string line;
        int complete = 0;
        while (std::getline(lines, line)) {
            if (lines.eof()) break;  // the last line was cut by the kill
            on_line(line);
            ++complete;
        }
        if (complete > 0) ++campaign.landed;
        else slack_ms = std::min(slack_ms + 100, 3000);
    }
    return campaign;
}

RanCommand run_command(const std::string& command) {
    RanCommand ran;
    FILE* pipe = popen(("timeout 60 " + command + " 2>&1 </dev/null").c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) ran.output += buffer;
    const int status = pclose(pipe);
    ran.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return ran;
}

}  // namespace skranke::test
