#include "support/fault_proxy.hpp"
#include "support/loopback.hpp"

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

// Size of the first whole HTTP request in data (headers, then Content-Length bytes); 0
// while it is still coming.
std::size_t request_size(const std::string& data) {
    const std::size_t header_end = data.find("\r\n\r\n");
    if (header_end == std::string::npos) return 0;
    std::string lower = data.substr(0, header_end);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto at = lower.find("content-length:");
    const std::size_t need = header_end + 4 + (at == std::string::npos ? 0 : std::stoul(lower.substr(at + 15)));
    return data.size() >= need ? need : 0;
}

// Reads until data holds one whole request; false if the peer left or said nothing for 5 s.
bool read_request(int fd, std::string& data) {
    char buffer[65536];
    while (request_size(data) == 0) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0) return false;
        const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) return false;
        data.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
}

bool is_push(const std::string& request) { return request.rfind("POST /v1/events", 0) == 0; }

// Faults that answer (or not) in the hub's place, without passing the request on.
bool answers_itself(Fault fault) {
    return fault == Fault::hang || fault == Fault::reset_before || fault == Fault::http_500 ||
           fault == Fault::http_503 || fault == Fault::http_429 || fault == Fault::http_409;
}

// Wakes the proxy's loop through its pipe; a full pipe wakes it as well, so a short write is fine.
void wake(int fd, char c) { [[maybe_unused]] const ssize_t written = write(fd, &c, 1); }

}  // namespace

const char* fault_name(Fault fault) {
    switch (fault) {
        case Fault::none: return "no fault";
        case Fault::refuse: return "connection refused";
        case Fault::hang: return "timeout (the hub never answers)";
        case Fault::reset_before: return "reset before the request reaches the hub";
        case Fault::cut_after_commit: return "reply cut after the hub stored it";
        case Fault::trickle: return "slow trickle";
        case Fault::http_500: return "500";
        case Fault::http_503: return "503 with Retry-After";
        case Fault::http_429: return "429 with Retry-After";
        case Fault::http_409: return "409 out_of_sequence";
    }
    return "?";
}

FaultProxy::FaultProxy(int target_port) : target_port_(target_port) {
    if (pipe(wake_) != 0) throw std::runtime_error("proxy: pipe failed");
    listen_socket();
    acceptor_ = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() {
    stopping_ = true;
    wake(wake_[1], 'x');
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
    push_fault_ = Fault::none;
    for (int fd : live_) shutdown(fd, SHUT_RDWR);  // nothing carries on under the old fault
    wake(wake_[1], 'f');
}

void FaultProxy::set_retry_after(std::string value) {
    std::lock_guard lock(mutex_);
    retry_after_ = std::move(value);
}

void FaultProxy::fault_pushes(Fault fault, std::vector<std::string> event_ids, int count) {
    std::lock_guard lock(mutex_);
    push_fault_ = fault;
    push_fault_texts_.clear();
    for (const auto& id : event_ids) push_fault_texts_.push_back("\"" + id + "\"");  // "A:2" is not "A:20"
    push_fault_left_ = count;
}

void FaultProxy::count_fault() {
    ++faulted_;
    std::lock_guard lock(mutex_);
    faulted_times_.push_back(std::chrono::steady_clock::now());
}

// The fault this request meets: none, or the one aimed at this push.
Fault FaultProxy::fault_for(const std::string& request) {
    if (!is_push(request)) return Fault::none;
    std::lock_guard lock(mutex_);
    ++pushes_;
    if (push_fault_ == Fault::none || push_fault_left_ <= 0) return Fault::none;
    for (const auto& text : push_fault_texts_) {
        if (request.find(text) == std::string::npos) continue;
        --push_fault_left_;
        return push_fault_;
    }
    return Fault::none;
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
            [[maybe_unused]] const ssize_t drained = read(wake_[0], drain, sizeof drain);
            continue;
        }
        if (listen_fd_ >= 0 && (fds[1].revents & POLLIN)) {
            const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) continue;
            ++connections_;
            if (fault_ != Fault::none) count_fault();
            track(client, true);
            const Fault current = fault_;
            workers_.emplace_back([this, client, current] { serve(client, current); });
        }
    }
}

void FaultProxy::serve(int client, Fault fault) {
    int upstream = -1;
    bool reset = fault == Fault::refuse;  // accepted just before the port closed
    if (answers_itself(fault)) {
        std::string data;
        if (read_request(client, data)) reset = misbehave(client, -1, fault, data.substr(0, request_size(data)));
    } else if (!reset) {
        upstream = connect_loopback(target_port_);
        reset = upstream < 0;
        if (upstream >= 0) {
            track(upstream, true);
            reset = relay(client, upstream, fault);
        }
    }
    track(client, false);
    if (reset) reset_and_close(client);
    else close(client);
    if (upstream >= 0) {
        track(upstream, false);
        close(upstream);
    }
}

// Passes whole requests on and replies back until either side leaves; true: end with a reset.
bool FaultProxy::relay(int client, int upstream, Fault fault) {
    char buffer[65536];
    std::string data;  // the start of a request still coming from the client
    for (;;) {
        pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
        if (poll(fds, 2, 1000) < 0 || stopping_) return false;
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = recv(client, buffer, sizeof buffer, 0);
            if (n <= 0) return false;
            data.append(buffer, static_cast<std::size_t>(n));
            // One request at a time, so that a push can meet the fault aimed at it.
            while (const std::size_t size = request_size(data)) {
                const std::string request = data.substr(0, size);
                data.erase(0, size);
                if (const Fault aimed = fault_for(request); aimed != Fault::none) {
                    count_fault();
                    return misbehave(client, upstream, aimed, request);
                }
                if (!send_all(upstream, request.data(), request.size())) return false;
            }
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (fault == Fault::cut_after_commit) return true;  // the hub has answered
            const std::size_t chunk = fault == Fault::trickle ? 1 : sizeof buffer;
            const ssize_t n = recv(upstream, buffer, chunk, 0);
            if (n <= 0 || !send_all(client, buffer, static_cast<std::size_t>(n))) return false;
            if (fault == Fault::trickle) {
                pollfd idle{wake_[0], 0, 0};
                poll(&idle, 1, 100);  // the timer between trickled bytes
            }
        }
    }
}

// Treats one request (already read) the way the fault says; upstream is -1 when the
// connection never reached the hub. True: end the connection with a reset.
bool FaultProxy::misbehave(int client, int upstream, Fault fault, const std::string& request) {
    switch (fault) {
        case Fault::refuse: {
            // The port closes from now on; pushes on connections already open keep meeting
            // this fault, calls already on their way end as they will.
            std::lock_guard lock(mutex_);
            fault_ = Fault::refuse;
            wake(wake_[1], 'f');
            return true;
        }
        case Fault::hang: {
            char buffer[4096];
            for (;;) {  // swallow the rest, never answer; the hub going away ends it
                pollfd p[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
                if (stopping_ || poll(p, upstream >= 0 ? 2 : 1, 200) < 0) return false;
                const bool client_readable = p[0].revents & (POLLIN | POLLHUP | POLLERR);
                if (client_readable && recv(client, buffer, sizeof buffer, 0) <= 0) return false;
                if (upstream >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) return false;
            }
        }
        case Fault::cut_after_commit: {
            if (upstream < 0 || !send_all(upstream, request.data(), request.size())) return true;
            pollfd p{upstream, POLLIN, 0};
            (void)poll(&p, 1, 10000);  // until the hub answers: it has stored the batch
            return true;
        }
        case Fault::http_500:
        case Fault::http_503:
        case Fault::http_429:
        case Fault::http_409: {
            const char* status = fault == Fault::http_500   ? "500 Internal Server Error"
                                 : fault == Fault::http_503 ? "503 Service Unavailable"
                                 : fault == Fault::http_429 ? "429 Too Many Requests"
                                                            : "409 Conflict";
            const std::string body = fault == Fault::http_409
                                         ? R"({"code":"out_of_sequence","message":"fault proxy"})"
                                         : R"({"code":"injected","message":"fault proxy"})";
            std::string retry_after;
            if (fault == Fault::http_503 || fault == Fault::http_429) {
                std::lock_guard lock(mutex_);
                retry_after = "Retry-After: " + retry_after_ + "\r\n";
            }
            std::string reply = std::string("HTTP/1.1 ") + status + "\r\nContent-Type: application/json\r\n" +
                                retry_after + "Content-Length: " +
                                std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
            send_all(client, reply.data(), reply.size());
            return false;
        }
        default:  // reset_before; none and trickle are not aimed at single pushes
            return true;
    }
}

}  // namespace skranke::test
