#include "support/hub_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "domain/office_time.hpp"
#include "hub/hub_store.hpp"
#include "support/wait.hpp"

namespace skranke::test {

HubProcess::HubProcess(std::filesystem::path data_dir, int threads)
    : data_dir_(std::move(data_dir)), threads_(threads) {}

HubProcess::~HubProcess() {
    if (pid_ > 0) kill_hard();
}

void HubProcess::start() {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    const std::string port = std::to_string(port_);
    const std::string threads = std::to_string(threads_);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, STDERR_FILENO);
        close(out[0]);
        close(out[1]);
        for (const auto& [name, value] : environment_) setenv(name.c_str(), value.c_str(), 1);
        std::vector<std::string> words = {SKRANKE_HUB, "--data", data_dir_.string(), "--port", port};
        if (threads_ > 0) words.insert(words.end(), {"--threads", threads});  // else the hub's own default, as IT runs it
        words.insert(words.end(), arguments_.begin(), arguments_.end());
        std::vector<char*> argv;
        for (std::string& word : words) argv.push_back(word.data());
        argv.push_back(nullptr);
        execv(SKRANKE_HUB, argv.data());
        _exit(127);
    }
    close(out[1]);
    pid_ = pid;
    // The first line says where it listens; poll() bounds the wait.
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    char c;
    while (line.find('\n') == std::string::npos) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{out[0], POLLIN, 0};
        if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0 || read(out[0], &c, 1) != 1) {
            close(out[0]);
            throw std::runtime_error("skranke-hub did not start: " + line);
        }
        line += c;
    }
    close(out[0]);  // the hub ignores SIGPIPE; later prints go nowhere
    const auto colon = line.rfind(':', line.find(" data="));
    port_ = std::stoi(line.substr(colon + 1));
}

void HubProcess::kill_hard() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
}

int HubProcess::stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    if (!wait_until([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::seconds(20))) {
        kill_hard();
        return -1;
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void HubProcess::set_environment(const std::string& name, const std::string& value) {
    environment_.emplace_back(name, value);
}

void HubProcess::add_arguments(const std::vector<std::string>& arguments) {
    arguments_.insert(arguments_.end(), arguments.begin(), arguments.end());
}

std::string HubProcess::enrol_code(const std::string& role, const std::string& office) {
    // Where the hub's data is: hub.db, or the office database its arguments name.
    hub::HubData data{data_dir_, {}, {}};
    for (std::size_t i = 0; i + 1 < arguments_.size(); ++i) {
        if (arguments_[i] == "--db") data.database_url = arguments_[i + 1];
        if (arguments_[i] == "--office-id") {
            const auto served = hub::office_ids_in(arguments_[i + 1]);
            data.office_id = office.empty() && !served.empty() ? served.front() : office;
        }
    }
    auto store = hub::open_hub_store(data);
    if (!store) throw std::runtime_error("cannot open hub store: " + store.error().detail);
    auto code = (*store)->create_enrol_code(protocol::role_from_string(role).value_or(protocol::Role::kiosk),
                                           wall_clock_ms(), 60000);
    if (!code) throw std::runtime_error("cannot create code: " + code.error().detail);
    return *code;
}

HubCommand run_hub_command(const std::string& args, const std::filesystem::path& data_dir, const std::string& input) {
    const std::string command =
        "printf '" + input + "' | " + SKRANKE_HUB + " " + args + " --data '" + data_dir.string() + "' 2>&1";
    HubCommand result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) result.output += buffer;
    const int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace skranke::test
