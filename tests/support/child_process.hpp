// Runs a program as a child for a while, then kills it with SIGKILL: the power cut of the
// crash tests. Returns what it wrote to stdout up to the kill.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace skranke::test {

struct KilledRun {
    std::string output;
    bool killed = false;  // false: the child ended on its own before the kill (status says how)
    int status = 0;
};

KilledRun run_and_kill(const std::string& program, const std::vector<std::string>& args,
                       std::chrono::milliseconds run_for);

// Kills the program `kills` times while it works: each run lasts a random window of
// [min_ms, max_ms]; every complete line it wrote goes to on_line (the last, cut by the kill,
// does not). On a loaded machine the program may need longer than a window just to start, so
// a run that wrote no complete line widens the windows that follow by 100 ms (at most 3 s);
// at most 4 * kills runs are made.
struct KillCampaign {
    int landed = 0;        // runs killed after writing at least one complete line
    int ended_early = 0;   // runs that ended on their own before the kill
};
KillCampaign kill_while_working(const std::string& program, const std::vector<std::string>& args, int kills,
                                int min_ms, int max_ms, std::uint32_t seed,
                                const std::function<void(const std::string&)>& on_line);

// A shell command run to its end (bounded by timeout 60), with what it printed on stdout
// and stderr and its exit status (-1: it did not exit normally).
struct RanCommand {
    int status = -1;
    std::string output;
};
RanCommand run_command(const std::string& command);

}  // namespace skranke::test
