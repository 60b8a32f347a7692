// Runs a program as a child for a while, then kills it with SIGKILL: the power cut of the
// crash tests. Returns what it wrote to stdout up to the kill.
#pragma once

#include <chrono>
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

}  // namespace skranke::test
