#include "support/notify_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <sstream>
#include <stdexcept>

namespace skranke::test {

NotifySocket::NotifySocket(const std::filesystem::path& path) : path_(path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.native().size() >= sizeof address.sun_path) throw std::runtime_error("notify socket path too long");
    std::memcpy(address.sun_path, path.c_str(), path.native().size() + 1);
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        throw std::runtime_error("cannot bind the notify socket " + path.string());
}

NotifySocket::~NotifySocket() {
    if (fd_ >= 0) close(fd_);
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
}

std::optional<std::string> NotifySocket::next(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
    char buffer[4096];
    const ssize_t got = recv(fd_, buffer, sizeof buffer, 0);
    if (got < 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(got));
}

bool NotifySocket::wait_for(const std::string& line, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        const auto message = next(left);
        if (!message) return false;
        std::istringstream lines(*message);
        for (std::string each; std::getline(lines, each);)
            if (each == line) return true;
    }
}

}  // namespace skranke::test
