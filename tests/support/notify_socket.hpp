// What a program tells systemd: a datagram socket the test makes and names in NOTIFY_SOCKET
// for the program it starts, read back message by message (READY=1, WATCHDOG=1, ...).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace skranke::test {

class NotifySocket {
public:
    explicit NotifySocket(const std::filesystem::path& path);  // binds it; throws on failure
    ~NotifySocket();
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // The next message, or nothing when none came within the timeout.
    std::optional<std::string> next(std::chrono::milliseconds timeout);
    // Reads messages until one contains `line` as a whole line; false when the timeout passed.
    bool wait_for(const std::string& line, std::chrono::milliseconds timeout);

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

}  // namespace skranke::test
