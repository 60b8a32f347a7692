// `skranke-notify run --config FILE` as a child process, stopped with SIGTERM as systemd
// stops it (SIGKILL if it does not end within 20 s).
#pragma once

#include <filesystem>

#include <sys/types.h>

namespace skranke::test {

class NotifierProcess {
public:
    explicit NotifierProcess(const std::filesystem::path& config_file);
    ~NotifierProcess();  // stop()
    NotifierProcess(const NotifierProcess&) = delete;
    NotifierProcess& operator=(const NotifierProcess&) = delete;
    // Its exit status after SIGTERM (-1: it had to be killed, or was not running).
    int stop();

private:
    pid_t pid_ = -1;
};

}  // namespace skranke::test
