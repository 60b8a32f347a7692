#include "printer/printer_link.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char** environ;

namespace skranke::printer {

namespace {

using Clock = std::chrono::steady_clock;

struct Fd {
    int fd = -1;
    explicit Fd(int f = -1) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::string system_error(const std::string& what) { return what + ": " + std::strerror(errno); }

// Waits for events on fd until the deadline; false on timeout or error.
bool wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return false;
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, static_cast<int>(left));
        if (n > 0) return (p.revents & events) != 0;
        if (n < 0 && errno != EINTR) return false;
    }
}

bool write_all(int fd, std::string_view bytes, Clock::time_point deadline, std::string& error) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!wait_for(fd, POLLOUT, deadline)) {
                error = "the printer took no more data within the time allowed";
                return false;
            }
        } else {
            error = system_error("writing to the printer");
            return false;
        }
    }
    return true;
}

// A printer answers a status query at once; one that has not within this does not answer.
constexpr int status_answer_ms = 1000;

// The three DLE EOT answers; nothing when the printer does not answer them in time.
std::optional<PrinterState> query_state(int fd, int timeout_ms) {
    std::uint8_t answers[3] = {};
    for (int i = 0; i < 3; ++i) {
        const auto deadline = Clock::now() + std::chrono::milliseconds(std::min(timeout_ms, status_answer_ms));
        std::string error;
        if (!write_all(fd, status_queries[i], deadline, error)) return std::nullopt;
        for (;;) {
            if (!wait_for(fd, POLLIN, deadline)) return std::nullopt;
            const ssize_t n = ::read(fd, &answers[i], 1);
            if (n == 1) break;
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return std::nullopt;
        }
    }
    return state_from_status(answers[0], answers[1], answers[2]);
}

// A printer reached through a file descriptor: a TCP socket or a device node. One
// connection per print, so a printer restarted between tickets is simply found again.
class FdLink : public PrinterLink {
public:
    explicit FdLink(PrinterSettings settings) : settings_(std::move(settings)) {}

    std::optional<PrinterState> check() override {
        std::string error;
        const Fd fd(connect(error));
        if (fd.fd < 0) return PrinterState::offline;
        const auto state = query_state(fd.fd, settings_.timeout_ms);
        answers_status_ = state.has_value();
        return state;
    }

    PrintOutcome print(std::string_view commands) override {
        PrintOutcome out;
        const Fd fd(connect(out.error));
        if (fd.fd < 0) {
            out.state = PrinterState::offline;
            return out;
        }
        // A printer that answered no status query is not asked before each ticket (the
        // visitor would wait for nothing); check(), every 30 s, asks it again.
        if (answers_status_) {
            out.state = query_state(fd.fd, settings_.timeout_ms);
            answers_status_ = out.state.has_value();
        }
        if (out.state && !can_print(*out.state)) return out;
        const auto deadline = Clock::now() + std::chrono::milliseconds(settings_.timeout_ms);
        out.printed = write_all(fd.fd, commands, deadline, out.error);
        if (!out.printed) out.state = PrinterState::offline;
        return out;
    }

protected:
    virtual int connect(std::string& error) = 0;
    PrinterSettings settings_;

private:
    bool answers_status_ = true;
};

class NetworkLink : public FdLink {
public:
    using FdLink::FdLink;

protected:
    int connect(std::string& error) override {
        const std::string& a = settings_.address;
        const auto colon = a.rfind(':');
        std::string host = colon == std::string::npos ? a : a.substr(0, colon);
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);  // [::1]
        const std::string port = colon == std::string::npos ? "9100" : a.substr(colon + 1);
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* found = nullptr;
        if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
            error = "the printer's address " + a + ": " + ::gai_strerror(rc);
            return -1;
        }
        const auto deadline = Clock::now() + std::chrono::milliseconds(settings_.timeout_ms);
        int result = -1;
        for (addrinfo* ai = found; ai != nullptr && result < 0; ai = ai->ai_next) {
            const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) continue;
            int err = 0;
            if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
                err = errno;
                if (err == EINPROGRESS && wait_for(fd, POLLOUT, deadline)) {
                    socklen_t len = sizeof err;
                    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
                } else if (err == EINPROGRESS) {
                    err = ETIMEDOUT;
                }
            }
            if (err == 0) {
                result = fd;
            } else {
                errno = err;
                error = system_error("connecting to the printer at " + a);
                ::close(fd);
            }
        }
        ::freeaddrinfo(found);
        return result;
    }
};

class DeviceLink : public FdLink {
public:
    using FdLink::FdLink;

protected:
    int connect(std::string& error) override {
        const int fd = ::open(settings_.device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            error = system_error("opening the printer " + settings_.device);
            return -1;
        }
        termios t{};
        if (::tcgetattr(fd, &t) == 0) {  // a serial or USB-serial printer: bytes as they are
            ::cfmakeraw(&t);
            ::tcsetattr(fd, TCSANOW, &t);
        }
        return fd;
    }
};

// CUPS: the job goes to `lp -d <queue> -o raw`; CUPS keeps the printer's state itself.
class CupsLink : public PrinterLink {
public:
    explicit CupsLink(PrinterSettings settings) : settings_(std::move(settings)) {}

    std::optional<PrinterState> check() override { return std::nullopt; }

    PrintOutcome print(std::string_view commands) override {
        PrintOutcome out;
        int pipe_fds[2];
        if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
            out.error = system_error("a pipe to lp");
            return out;
        }
        const Fd read_end(pipe_fds[0]);
        Fd write_end(pipe_fds[1]);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, read_end.fd, 0);
        std::string program = settings_.lp_program, d = "-d", queue = settings_.queue, o = "-o", raw = "raw";
        char* argv[] = {program.data(), d.data(), queue.data(), o.data(), raw.data(), nullptr};
        pid_t pid = 0;
        const int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            errno = rc;
            out.error = system_error("starting " + settings_.lp_program);
            out.state = PrinterState::offline;
            return out;
        }
        ::fcntl(write_end.fd, F_SETFL, O_NONBLOCK);  // an lp that stops reading meets the deadline
        const auto deadline = Clock::now() + std::chrono::milliseconds(settings_.timeout_ms);
        const bool sent = write_all(write_end.fd, commands, deadline, out.error);
        ::close(write_end.fd);
        write_end.fd = -1;
        const int status = ended(pid, Clock::now() + std::chrono::milliseconds(settings_.timeout_ms), out.error);
        out.printed = sent && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (!out.printed) {
            if (out.error.empty()) out.error = settings_.lp_program + " did not take the job for queue " + settings_.queue;
            out.state = PrinterState::offline;
        }
        return out;
    }

private:
    // lp's exit status. An lp that has not ended by the deadline (a CUPS that does not
    // answer) is stopped, so the visitor is told to write the number down and the next
    // ticket is not held behind it.
    int ended(pid_t pid, Clock::time_point deadline, std::string& error) const {
        // Debian 12's <sys/pidfd.h> declares pidfd_open without C linkage: the system call.
        const Fd process(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
        if (process.fd >= 0 && !wait_for(process.fd, POLLIN, deadline)) {
            ::kill(pid, SIGKILL);
            if (error.empty()) error = settings_.lp_program + " did not end within " + std::to_string(settings_.timeout_ms) + " ms";
        }
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return status;
    }

    PrinterSettings settings_;
};

}  // namespace

std::unique_ptr<PrinterLink> open_link(const PrinterSettings& settings) {
    // A printer that closes its connection, or an lp that stops reading, is an error on
    // write, not a signal that ends the kiosk.
    if (settings.connection != PrinterSettings::Connection::none) ::signal(SIGPIPE, SIG_IGN);
    switch (settings.connection) {
        case PrinterSettings::Connection::none: return nullptr;
        case PrinterSettings::Connection::network: return std::make_unique<NetworkLink>(settings);
        case PrinterSettings::Connection::device: return std::make_unique<DeviceLink>(settings);
        case PrinterSettings::Connection::cups: return std::make_unique<CupsLink>(settings);
    }
    return nullptr;
}

}  // namespace skranke::printer
