#include "support/fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace skranke::test {
namespace {

int connect_to(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

void reset_and_close(int fd) {
    linger l{1, 0};  // close with RST, not FIN
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

bool send_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

// Reads one whole HTTP request (headers, then Content-Length bytes); false if the peer left.
bool read_request(int fd) {
    std::string data;
    char buffer[65536];
    std::size_t header_end = std::string::npos;
    std::size_t need = 0;
    for (;;) {
        if (header_end == std::string::npos) {
            header_end = data.find("\r\n\r\n");
            if (header_end != std::string::npos) {
                std::string lower = data.substr(0, header_end);
                std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
                const auto at = lower.find("content-length:");
                need = header_end + 4 + (at == std::string::npos ? 0 : std::stoul(lower.substr(at + 15)));
            }
        }
        if (header_end != std::string::npos && data.size() >= need) return true;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0) return false;
        const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) return false;
        data.append(buffer, static_cast<std::size_t>(n));
    }
}

}  // namespace

FaultProxy::FaultProxy(int target_port) : target_port_(target_port) {
    if (pipe(wake_) != 0) throw std::runtime_error("proxy: pipe failed");
    listen_socket();
    acceptor_ = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() {
    stopping_ = true;
    const char c = 'x';
    (void)write(wake_[1], &c, 1);
    acceptor_.join();
    {
        std::lock_guard lock(mutex_);
        for (int fd : live_) shutdown(fd, SHUT_RDWR);
    }
    for (auto& w : workers_) w.join();
    if (listen_fd_ >= 0) close(listen_fd_);
    close(wake_[0]);
    close(wake_[1]);
}

void FaultProxy::listen_socket() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int on = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 64) != 0)
        throw std::runtime_error(std::string("proxy: cannot listen: ") + std::strerror(errno));
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
}

void FaultProxy::set_fault(Fault fault) {
    std::lock_guard lock(mutex_);
    fault_ = fault;
    for (int fd : live_) shutdown(fd, SHUT_RDWR);  // nothing carries on under the old fault
    const char c = 'f';
    (void)write(wake_[1], &c, 1);
}

std::vector<std::chrono::steady_clock::time_point> FaultProxy::faulted_times() {
    std::lock_guard lock(mutex_);
    return faulted_times_;
}

void FaultProxy::track(int fd, bool add) {
    std::lock_guard lock(mutex_);
    if (add) live_.push_back(fd);
    else live_.erase(std::remove(live_.begin(), live_.end(), fd), live_.end());
}

void FaultProxy::accept_loop() {
    while (!stopping_) {
        // Refusing: nothing listens on the port, so connects fail at once.
        const Fault fault = fault_;
        if (fault == Fault::refuse && listen_fd_ >= 0) {
            close(listen_fd_);
            listen_fd_ = -1;
        } else if (fault != Fault::refuse && listen_fd_ < 0) {
            listen_socket();
        }
        pollfd fds[2] = {{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
        const int n = poll(fds, listen_fd_ >= 0 ? 2 : 1, 1000);
        if (n <= 0) continue;
        if (fds[0].revents & POLLIN) {
            char drain[64];
            (void)read(wake_[0], drain, sizeof drain);
            continue;
        }
        if (listen_fd_ >= 0 && (fds[1].revents & POLLIN)) {
            const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) continue;
            ++connections_;
            if (fault_ != Fault::none) {
                ++faulted_;
                std::lock_guard lock(mutex_);
                faulted_times_.push_back(std::chrono::steady_clock::now());
            }
            track(client, true);
            const Fault current = fault_;
            workers_.emplace_back([this, client, current] { serve(client, current); });
        }
    }
}

void FaultProxy::serve(int client, Fault fault) {
    const auto finish = [&](int upstream, bool reset) {
        track(client, false);
        if (reset) reset_and_close(client);
        else close(client);
        if (upstream >= 0) {
            track(upstream, false);
            close(upstream);
        }
    };
    switch (fault) {
        case Fault::hang: {
            char buffer[4096];
            for (;;) {  // swallow the request, never answer
                pollfd p{client, POLLIN, 0};
                if (stopping_ || poll(&p, 1, 200) < 0) break;
                if ((p.revents & (POLLIN | POLLHUP | POLLERR)) && recv(client, buffer, sizeof buffer, 0) <= 0) break;
            }
            return finish(-1, false);
        }
        case Fault::reset_before: {
            char buffer[4096];
            pollfd p{client, POLLIN, 0};
            if (poll(&p, 1, 2000) > 0) (void)recv(client, buffer, sizeof buffer, 0);
            return finish(-1, true);
        }
        case Fault::http_500:
        case Fault::http_503:
        case Fault::http_429: {
            if (read_request(client)) {
                const char* status = fault == Fault::http_500 ? "500 Internal Server Error"
                                     : fault == Fault::http_503 ? "503 Service Unavailable"
                                                                : "429 Too Many Requests";
                const std::string body = R"({"code":"injected","message":"fault proxy"})";
                std::string reply = std::string("HTTP/1.1 ") + status + "\r\nContent-Type: application/json\r\n" +
                                    (fault == Fault::http_500 ? "" : "Retry-After: 1\r\n") +
                                    "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
                send_all(client, reply.data(), reply.size());
            }
            return finish(-1, false);
        }
        default: break;
    }
    const int upstream = connect_to(target_port_);
    if (upstream < 0) return finish(-1, true);
    track(upstream, true);
    char buffer[65536];
    for (;;) {
        pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
        if (poll(fds, 2, 1000) < 0 || stopping_) break;
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = recv(client, buffer, sizeof buffer, 0);
            if (n <= 0 || !send_all(upstream, buffer, static_cast<std::size_t>(n))) break;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (fault == Fault::cut_after_commit) return finish(upstream, true);  // the hub has answered
            const std::size_t chunk = fault == Fault::trickle ? 1 : sizeof buffer;
            const ssize_t n = recv(upstream, buffer, chunk, 0);
            if (n <= 0 || !send_all(client, buffer, static_cast<std::size_t>(n))) break;
            if (fault == Fault::trickle) {
                pollfd idle{wake_[0], 0, 0};
                poll(&idle, 1, 100);  // the timer between trickled bytes
            }
        }
    }
    finish(upstream, false);
}

}  // namespace skranke::test
