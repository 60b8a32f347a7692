#include "support/notifier_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

#include "support/wait.hpp"

namespace skranke::test {

NotifierProcess::NotifierProcess(const std::filesystem::path& config_file) {
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        execl(SKRANKE_NOTIFY, SKRANKE_NOTIFY, "run", "--config", config_file.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    pid_ = pid;
}

NotifierProcess::~NotifierProcess() { stop(); }

int NotifierProcess::stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    if (!wait_until([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::seconds(20))) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return -1;
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace skranke::test
