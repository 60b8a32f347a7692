// The real skranke-hub binary as a child process, to kill with SIGKILL and start again on
// the same port and data folder. Used by the fault tests and the sync benchmark.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace skranke::test {

class HubProcess {
public:
    // threads: connections the hub serves at once (each long-polling device holds one); 0: the
    // hub's default.
    explicit HubProcess(std::filesystem::path data_dir, int threads = 16);
    ~HubProcess();  // SIGKILL if still running
    HubProcess(const HubProcess&) = delete;
    HubProcess& operator=(const HubProcess&) = delete;

    void start();    // first start picks a free port; later starts reuse it
    void kill_hard();  // SIGKILL and reap
    // SIGTERM, as systemd stops it; its exit status (-1: killed after 20 s or by a signal).
    int stop();
    // Set in the hub's environment at its next start (NOTIFY_SOCKET, WATCHDOG_USEC, ...).
    void set_environment(const std::string& name, const std::string& value);
    // Given to the hub after the others at its next start ("--office", file, ...).
    void add_arguments(const std::vector<std::string>& arguments);
    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // A one-time code written straight into the hub's data (what `skranke-hub enrol-code` does):
    // hub.db, or the office database of its --db and --office-id arguments (office: one of those;
    // empty: the first).
    std::string enrol_code(const std::string& role, const std::string& office = "");

private:
    std::filesystem::path data_dir_;
    int threads_ = 16;
    std::vector<std::pair<std::string, std::string>> environment_;
    std::vector<std::string> arguments_;
    int port_ = 0;
    pid_t pid_ = -1;
};

// Runs one `skranke-hub <args> --data <data_dir>` command to its end, with input on its
// standard input; its exit status and everything it printed (stdout and stderr).
struct HubCommand {
    int status = -1;
    std::string output;
};
HubCommand run_hub_command(const std::string& args, const std::filesystem::path& data_dir,
                           const std::string& input = "");

}  // namespace skranke::test
