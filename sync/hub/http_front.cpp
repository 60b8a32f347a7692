#include "hub/http_front.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <type_traits>

#include "protocol/protocol.hpp"

namespace skranke::hub {

using Clock = std::chrono::steady_clock;

struct HttpFront::Shared {
    FrontOptions options;
    int stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);  // readable once the hub stops
    std::mutex mutex;
    std::size_t open = 0;                            // under mutex
    std::map<std::string, std::size_t> per_address;  // under mutex
    ~Shared() { close(stop_fd); }
};

namespace {

// [SECTION] Waiting on a socket

// 1: ready; 0: the deadline passed; -1: the hub is stopping (only when stoppable) or poll failed.
int wait_for(int fd, short events, int stop_fd, Clock::time_point deadline, bool stoppable = true) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left < 0) return 0;
        pollfd fds[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
        const int n = poll(fds, stoppable ? 2 : 1, static_cast<int>(std::min<std::int64_t>(left + 1, INT_MAX)));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 || (fds[1].revents & POLLIN) != 0) return -1;
        if (n > 0) return 1;  // POLLHUP and POLLERR too: the next recv or send says what happened
    }
}

std::string address_text(const sockaddr_storage& address, int& port) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
        inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
        port = ntohs(v4.sin_port);
    } else if (address.ss_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
        inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
        port = ntohs(v6.sin6_port);
    }
    return text;
}

// [SECTION] One connection as cpp-httplib's Stream

thread_local bool current_limit_hit = false;  // of the request this thread serves

class Connection final : public httplib::Stream {
public:
    Connection(int fd, SSL* ssl, const HttpFront::Shared& shared) : fd_(fd), ssl_(ssl), shared_(shared) {}
    ~Connection() override {
        if (ssl_ == nullptr) return;
        SSL_shutdown(ssl_);  // one close_notify, not waiting for the peer's
        SSL_free(ssl_);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    bool handshake(Clock::time_point deadline) {
        for (;;) {
            const int r = SSL_accept(ssl_);
            if (r == 1) return true;
            const int e = SSL_get_error(ssl_, r);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return false;
            if (wait_for(fd_, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, shared_.stop_fd, deadline) != 1) return false;
        }
    }

    enum class Head { ready, none, too_large };
    // Buffers the next request's line and headers: the first byte by first_byte_by, the
    // whole head by whole_by (unset: head_timeout after its first byte).
    Head read_head(Clock::time_point first_byte_by, std::optional<Clock::time_point> whole_by) {
        buffer_.erase(0, pos_);
        pos_ = 0;
        std::size_t scanned = 0;
        for (;;) {
            const std::size_t end = buffer_.find("\r\n\r\n", scanned > 3 ? scanned - 3 : 0);
            if (end != std::string::npos) {
                head_size_ = end + 4;
                return head_size_ > shared_.options.max_head_bytes ? Head::too_large : Head::ready;
            }
            if (buffer_.size() > shared_.options.max_head_bytes) return Head::too_large;
            if (!buffer_.empty() && !whole_by)
                whole_by = Clock::now() + std::chrono::milliseconds(shared_.options.head_timeout_ms);
            scanned = buffer_.size();
            if (fill(buffer_.empty() ? first_byte_by : *whole_by) <= 0) return Head::none;
        }
    }
    std::string_view head() const { return std::string_view(buffer_).substr(0, head_size_); }

    // The request whose head was read may have a body of up to body_cap bytes.
    void begin_body(std::uint64_t body_cap) {
        consumed_ = 0;
        body_cap_ = body_cap;
        body_start_ = Clock::now();
        current_limit_hit = false;
    }
    std::uint64_t body_read() const { return consumed_ > head_size_ ? consumed_ - head_size_ : 0; }

    // A whole answer from the front itself, written with the connection's io timeout.
    void reply(int status, const char* reason, std::string_view code, std::string_view message) {
        const std::string body = protocol::error_body(code, message);
        const std::string text = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                                 "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                                 (status == 503 ? "\r\nRetry-After: 1" : "") + "\r\nConnection: close\r\n\r\n" + body;
        (void)write(text.data(), text.size());
    }

    bool is_readable() const override {
        return pos_ < buffer_.size() || wait_for(fd_, POLLIN, shared_.stop_fd, io_deadline()) == 1;
    }
    bool is_writable() const override { return wait_for(fd_, POLLOUT, shared_.stop_fd, io_deadline(), false) == 1; }

    ssize_t read(char* data, std::size_t size) override {
        if (pos_ == buffer_.size()) {
            buffer_.clear();
            pos_ = 0;
            const Clock::time_point body_by =
                body_start_ + std::chrono::milliseconds(shared_.options.body_grace_ms) +
                std::chrono::milliseconds(body_read() * 1000 / std::max<std::size_t>(shared_.options.body_bytes_per_s, 1));
            const ssize_t n = fill(std::min(io_deadline(), body_by));
            if (n <= 0) return n;
        }
        // Past the route's limit nothing more is handed out, whatever the framing.
        const std::uint64_t allowed = head_size_ + body_cap_ - std::min(consumed_, head_size_ + body_cap_);
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>({size, buffer_.size() - pos_, allowed}));
        if (n == 0) {
            current_limit_hit = true;
            return -1;
        }
        std::memcpy(data, buffer_.data() + pos_, n);
        pos_ += n;
        consumed_ += n;
        return static_cast<ssize_t>(n);
    }

    ssize_t write(const char* data, std::size_t size) override {
        const Clock::time_point deadline = io_deadline();
        std::size_t sent = 0;
        while (sent < size) {
            const std::size_t chunk = std::min<std::size_t>(size - sent, INT_MAX);
            if (ssl_ != nullptr) {
                const int n = SSL_write(ssl_, data + sent, static_cast<int>(chunk));
                if (n > 0) {
                    sent += static_cast<std::size_t>(n);
                    continue;
                }
                const int e = SSL_get_error(ssl_, n);
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return -1;
                if (wait_for(fd_, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, shared_.stop_fd, deadline, false) != 1)
                    return -1;
            } else {
                const ssize_t n = send(fd_, data + sent, chunk, MSG_NOSIGNAL);
                if (n >= 0) {
                    sent += static_cast<std::size_t>(n);
                    continue;
                }
                if (errno == EINTR) continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
                if (wait_for(fd_, POLLOUT, shared_.stop_fd, deadline, false) != 1) return -1;
            }
        }
        return static_cast<ssize_t>(size);
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        if (getpeername(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) ip = address_text(address, port);
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        if (getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) ip = address_text(address, port);
    }
    socket_t socket() const override { return fd_; }

private:
    Clock::time_point io_deadline() const {
        return Clock::now() + std::chrono::milliseconds(shared_.options.io_timeout_ms);
    }

    // Appends what arrives by the deadline: bytes added, 0 at the peer's end, -1 on failure,
    // lateness or stop.
    ssize_t fill(Clock::time_point deadline) {
        constexpr std::size_t step = 16 * 1024;  // a whole TLS record fits: nothing stays pending in OpenSSL
        const std::size_t old = buffer_.size();
        buffer_.resize(old + step);
        const ssize_t n = receive(buffer_.data() + old, step, deadline);
        buffer_.resize(old + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
        return n;
    }

    ssize_t receive(char* data, std::size_t size, Clock::time_point deadline) {
        for (;;) {
            short wanted = POLLIN;
            if (ssl_ != nullptr) {
                const int n = SSL_read(ssl_, data, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
                if (n > 0) return n;
                const int e = SSL_get_error(ssl_, n);
                if (e == SSL_ERROR_ZERO_RETURN) return 0;
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return -1;
                if (e == SSL_ERROR_WANT_WRITE) wanted = POLLOUT;
            } else {
                const ssize_t n = recv(fd_, data, size, 0);
                if (n >= 0) return n;
                if (errno == EINTR) continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
            }
            if (wait_for(fd_, wanted, shared_.stop_fd, deadline) != 1) return -1;
        }
    }

    int fd_;
    SSL* ssl_;
    const HttpFront::Shared& shared_;
    std::string buffer_;  // bytes received and not yet handed to cpp-httplib start at pos_
    std::size_t pos_ = 0;
    std::size_t head_size_ = 0;
    std::uint64_t consumed_ = 0;  // handed out for the current request, head included
    std::uint64_t body_cap_ = 0;
    Clock::time_point body_start_;
};

// [SECTION] A request's framing, read from its head before cpp-httplib sees it

struct Framing {
    std::string_view method;
    std::string_view path;
    std::optional<std::uint64_t> content_length;
    bool chunked = false;
    std::string problem;  // not empty: refuse the request
    // cpp-httplib reads these methods' bodies even without Content-Length: to the end.
    bool until_end() const {
        return !content_length && !chunked && (method == "POST" || method == "PUT" || method == "PATCH");
    }
};

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

Framing framing_of(std::string_view head) {
    Framing f;
    std::size_t line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    const std::size_t space = line.find(' ');
    f.method = line.substr(0, space);
    if (space != std::string_view::npos) {
        const std::string_view target = line.substr(space + 1, line.find(' ', space + 1) - space - 1);
        f.path = target.substr(0, target.find('?'));
    }
    while (line_end != std::string_view::npos && line_end + 2 < head.size()) {
        const std::size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        const std::string_view header = head.substr(start, line_end - start);
        const std::size_t colon = header.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string_view name = header.substr(0, colon), value = trim(header.substr(colon + 1));
        if (same_name(name, "Content-Length")) {
            const bool digits = !value.empty() && value.size() <= 18 &&
                                value.find_first_not_of("0123456789") == std::string_view::npos;
            if (!digits || f.content_length) f.problem = "Content-Length must be one whole number";
            else f.content_length = std::stoull(std::string(value));
        } else if (same_name(name, "Transfer-Encoding")) {
            if (!same_name(value, "chunked") || f.chunked) f.problem = "only Transfer-Encoding: chunked is accepted";
            f.chunked = true;
        }
    }
    if (f.chunked && f.content_length) f.problem = "a request has Content-Length or Transfer-Encoding, not both";
    return f;
}

// [SECTION] Serving one connection

// Counts the connection in while under the caps; out again when it ends.
class Admission {
public:
    Admission(HttpFront::Shared& shared, std::string peer) : shared_(shared), peer_(std::move(peer)) {
        std::lock_guard lock(shared_.mutex);
        std::size_t& mine = shared_.per_address[peer_];
        admitted_ = shared_.open < shared_.options.max_connections &&
                    mine < shared_.options.max_connections_per_address;
        if (admitted_) {
            ++shared_.open;
            ++mine;
        } else if (mine == 0) {
            shared_.per_address.erase(peer_);
        }
    }
    ~Admission() {
        if (!admitted_) return;
        std::lock_guard lock(shared_.mutex);
        --shared_.open;
        if (--shared_.per_address[peer_] == 0) shared_.per_address.erase(peer_);
    }
    Admission(const Admission&) = delete;
    Admission& operator=(const Admission&) = delete;
    bool admitted() const { return admitted_; }

private:
    HttpFront::Shared& shared_;
    std::string peer_;
    bool admitted_ = false;
};

using Process = std::function<bool(httplib::Stream&, bool& connection_closed)>;

void serve_requests(HttpFront::Shared& shared, Connection& connection, Clock::time_point accepted,
                    const Process& process) {
    const FrontOptions& o = shared.options;
    const auto head_by = accepted + std::chrono::milliseconds(o.head_timeout_ms);
    for (bool first = true;; first = false) {
        const auto head = first ? connection.read_head(head_by, head_by)
                                : connection.read_head(Clock::now() + std::chrono::milliseconds(o.idle_timeout_ms),
                                                       std::nullopt);
        if (head == Connection::Head::none) return;  // closed, silent or too slow: nothing to answer
        if (head == Connection::Head::too_large)
            return connection.reply(431, "Request Header Fields Too Large", "headers_too_large",
                                    "the request line and headers are larger than the hub accepts");
        const Framing framing = framing_of(connection.head());
        if (!framing.problem.empty()) return connection.reply(400, "Bad Request", "bad_request", framing.problem);
        const std::size_t limit = o.body_limit ? o.body_limit(framing.method, framing.path) : 0;
        if (framing.content_length && *framing.content_length > limit)
            return connection.reply(413, "Payload Too Large", "body_too_large",
                                    "the body is larger than the hub accepts here (" + std::to_string(limit) +
                                        " bytes)");
        // Chunk sizes and line ends count too; the handler checks the decoded size exactly.
        connection.begin_body(framing.chunked ? limit + limit / 8 + 4096 : limit);
        const bool unframed = framing.chunked || framing.until_end();  // its views die with the buffer below
        bool closed = false;
        const bool answered = process(connection, closed);
        const bool body_left = unframed ||
                               connection.body_read() != framing.content_length.value_or(0);
        if (!answered || closed || current_limit_hit || body_left) return;  // what is left is no request
    }
}

// After a refusal the peer may still be sending: read a little before closing, so that the
// answer is not lost to a reset (bounded in bytes and time).
void close_gently(int fd, int stop_fd) {
    shutdown(fd, SHUT_WR);
    const auto deadline = Clock::now() + std::chrono::milliseconds(500);
    char sink[16 * 1024];
    for (std::size_t drained = 0; drained < 1024 * 1024;) {
        const ssize_t n = recv(fd, sink, sizeof sink, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) break;
        if (n > 0) drained += static_cast<std::size_t>(n);
        else if (wait_for(fd, POLLIN, stop_fd, deadline) != 1) break;
    }
    close(fd);
}

void serve_connection(HttpFront::Shared& shared, int fd, SSL* ssl, const Process& process) {
    const auto accepted = Clock::now();
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    int port = 0;
    const std::string address =
        getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) == 0 ? address_text(peer, port) : "";
    {
        Admission admission(shared, address);
        Connection connection(fd, ssl, shared);
        if (!admission.admitted()) {
            if (ssl == nullptr)
                connection.reply(503, "Service Unavailable", "too_many_connections",
                                 "the hub has too many connections open; try again");
        } else if (ssl == nullptr || connection.handshake(accepted + std::chrono::milliseconds(
                                                              shared.options.head_timeout_ms))) {
            serve_requests(shared, connection, accepted, process);
        }
    }
    close_gently(fd, shared.stop_fd);
}

// [SECTION] Threads made as connections come

// A thread per connection, made when no idle one is waiting; idle threads end after a while.
class GrowingPool final : public httplib::TaskQueue {
public:
    GrowingPool() : state_(std::make_shared<State>()) {}

    void enqueue(std::function<void()> job) override {
        std::unique_lock lock(state_->mutex);
        state_->jobs.push_back(std::move(job));
        if (state_->jobs.size() > state_->idle && start_worker()) return;
        state_->wake.notify_one();
        if (state_->workers == 0) {  // no thread could be made: serve it here rather than never
            auto only = std::move(state_->jobs.front());
            state_->jobs.pop_front();
            lock.unlock();
            only();
        }
    }

    void shutdown() override {
        std::unique_lock lock(state_->mutex);
        state_->stopping = true;
        state_->wake.notify_all();
        state_->ended.wait(lock, [&] { return state_->workers == 0; });
    }

private:
    struct State {
        std::mutex mutex;
        std::condition_variable wake;
        std::condition_variable ended;
        std::deque<std::function<void()>> jobs;
        std::size_t workers = 0;
        std::size_t idle = 0;
        bool stopping = false;
    };

    // Under the state's lock. Small stacks: a thread waiting on a long-poll costs little.
    bool start_worker() {
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attributes, 1024 * 1024);
        auto* held = new std::shared_ptr<State>(state_);
        pthread_t thread;
        const bool started = pthread_create(&thread, &attributes, &GrowingPool::work, held) == 0;
        pthread_attr_destroy(&attributes);
        if (!started) delete held;
        else ++state_->workers;
        return started;
    }

    static void* work(void* argument) {
        const std::shared_ptr<State> state = std::move(*static_cast<std::shared_ptr<State>*>(argument));
        delete static_cast<std::shared_ptr<State>*>(argument);
        std::unique_lock lock(state->mutex);
        for (;;) {
            ++state->idle;
            const bool woken = state->wake.wait_for(lock, std::chrono::seconds(30),
                                                    [&] { return !state->jobs.empty() || state->stopping; });
            --state->idle;
            if (state->jobs.empty()) {
                if (state->stopping || !woken) break;
                continue;
            }
            auto job = std::move(state->jobs.front());
            state->jobs.pop_front();
            lock.unlock();
            job();
            job = nullptr;
            lock.lock();
        }
        --state->workers;
        state->ended.notify_all();
        return nullptr;
    }

    std::shared_ptr<State> state_;
};

// cpp-httplib's server (plain or TLS) with the front's connection loop in place of its own.
template <typename Base>
class FrontServer final : public Base {
public:
    template <typename... Args>
    explicit FrontServer(std::shared_ptr<HttpFront::Shared> shared, Args&&... args)
        : Base(std::forward<Args>(args)...), shared_(std::move(shared)) {}

private:
    bool process_and_close_socket(socket_t sock) override {
        SSL* ssl = nullptr;
        if constexpr (std::is_same_v<Base, httplib::SSLServer>) {
            ssl = SSL_new(this->ssl_context());
            if (ssl == nullptr || SSL_set_fd(ssl, sock) != 1) {
                SSL_free(ssl);
                close(sock);
                return false;
            }
        }
        serve_connection(*shared_, sock, ssl, [this](httplib::Stream& stream, bool& closed) {
            return this->process_request(stream, false, closed, nullptr);
        });
        return true;
    }

    std::shared_ptr<HttpFront::Shared> shared_;
};

// Every connection is a descriptor: the default soft limit (1024) is below what the caps allow.
void raise_open_file_limit(std::size_t wanted) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, wanted);
    setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

std::unique_ptr<HttpFront> HttpFront::create(FrontOptions options, const std::string& cert_file,
                                             const std::string& key_file) {
    std::unique_ptr<HttpFront> front(new HttpFront());
    raise_open_file_limit(options.max_connections + 256);
    front->shared_ = std::make_shared<Shared>();
    front->shared_->options = std::move(options);
    std::signal(SIGPIPE, SIG_IGN);  // OpenSSL writes with write(2): a vanished peer must not end the hub
    if (!cert_file.empty() || !key_file.empty())
        front->server_ = std::make_unique<FrontServer<httplib::SSLServer>>(front->shared_, cert_file.c_str(),
                                                                           key_file.c_str());
    else
        front->server_ = std::make_unique<FrontServer<httplib::Server>>(front->shared_);
    front->server_->new_task_queue = [] { return new GrowingPool(); };
    return front;
}

HttpFront::~HttpFront() = default;

bool HttpFront::valid() const { return server_->is_valid(); }
httplib::Server& HttpFront::server() { return *server_; }

void HttpFront::stop() {
    const std::uint64_t one = 1;
    (void)!::write(shared_->stop_fd, &one, sizeof one);
    server_->stop();
}

std::size_t HttpFront::open_connections() const {
    std::lock_guard lock(shared_->mutex);
    return shared_->open;
}

bool HttpFront::body_limit_hit() { return current_limit_hit; }

}  // namespace skranke::hub
