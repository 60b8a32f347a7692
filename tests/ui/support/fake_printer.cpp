#include "support/fake_printer.hpp"

#include <algorithm>
#include <stdexcept>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

namespace skranke::test {

FakePrinter::FakePrinter(Transport transport) : transport_(transport) {
    if (::pipe(wake_) != 0) throw std::runtime_error("fake printer: pipe");
    if (transport == Transport::tcp) {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listener_, 8) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error("fake printer: cannot listen on 127.0.0.1");
        port_ = ntohs(a.sin_port);
    } else {
        pty_master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (pty_master_ < 0 || ::grantpt(pty_master_) != 0 || ::unlockpt(pty_master_) != 0)
            throw std::runtime_error("fake printer: no pseudo-terminal");
        device_ = ::ptsname(pty_master_);
        pty_slave_ = ::open(device_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        termios t{};
        ::tcgetattr(pty_slave_, &t);
        ::cfmakeraw(&t);
        ::tcsetattr(pty_slave_, TCSANOW, &t);
    }
    thread_ = std::thread([this] { run(); });
}

FakePrinter::~FakePrinter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    (void)!::write(wake_[1], "x", 1);
    thread_.join();
    for (int fd : {listener_, pty_master_, pty_slave_, wake_[0], wake_[1]})
        if (fd >= 0) ::close(fd);
}

void FakePrinter::set_answers(PrinterAnswers answers) {
    std::lock_guard lock(mutex_);
    answers_ = answers;
}

void FakePrinter::set_silent(bool silent) {
    std::lock_guard lock(mutex_);
    silent_ = silent;
}

void FakePrinter::switch_off() {
    {
        std::lock_guard lock(mutex_);
        switched_off_ = true;
    }
    (void)!::write(wake_[1], "x", 1);
    // The thread closes the listener (a connect is then refused) and says so.
    std::unique_lock lock(mutex_);
    printed_.wait_for(lock, std::chrono::seconds(10), [&] { return listener_ < 0; });
}

std::vector<PrintedJob> FakePrinter::jobs() const {
    std::lock_guard lock(mutex_);
    return jobs_;
}

int FakePrinter::status_queries() const {
    std::lock_guard lock(mutex_);
    return queries_;
}

bool FakePrinter::wait_for_jobs(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return printed_.wait_for(lock, timeout, [&] { return jobs_.size() >= n; });
}

// Reads ESC/POS as a printer does: outside a ticket, DLE EOT n is answered at once; from
// ESC @ on, raster bands are skipped by their stated size, and the cut ends the ticket.
void FakePrinter::take(Stream& s) {
    for (;;) {
        std::string& p = s.pending;
        const auto u = [&](std::size_t i) { return static_cast<unsigned char>(p[i]); };
        if (!s.in_job) {
            if (p.size() >= 3 && u(0) == 0x10 && u(1) == 0x04) {
                PrinterAnswers a;
                bool silent = false;
                {
                    std::lock_guard lock(mutex_);
                    a = answers_;
                    silent = silent_;
                    ++queries_;
                }
                const std::uint8_t answer = u(2) == 1 ? a.printer : u(2) == 2 ? a.offline_cause : a.paper;
                if (!silent) (void)!::write(s.fd, &answer, 1);
                p.erase(0, 3);
            } else if (p.size() >= 2 && u(0) == 0x1B && u(1) == '@') {
                s.in_job = true;
                s.job = PrintedJob{p.substr(0, 2), std::chrono::steady_clock::now()};
                p.erase(0, 2);
            } else if (p.size() >= 3 || (!p.empty() && u(0) != 0x10 && u(0) != 0x1B)) {
                p.erase(0, 1);  // noise between tickets
            } else {
                return;
            }
            continue;
        }
        std::size_t n = 0;
        bool cut = false;
        if (p.size() >= 8 && u(0) == 0x1D && u(1) == 'v' && u(2) == '0')
            n = 8 + static_cast<std::size_t>(u(4) | u(5) << 8) * static_cast<std::size_t>(u(6) | u(7) << 8);
        else if (p.size() >= 3 && u(0) == 0x1B && u(1) == 'd')
            n = 3;
        else if (p.size() >= 4 && u(0) == 0x1D && u(1) == 'V')
            n = 4, cut = true;
        else if (p.size() >= 8 || (!p.empty() && u(0) != 0x1D && u(0) != 0x1B))
            n = 1;  // a byte this printer does not know: kept, so the test sees it
        if (n == 0 || p.size() < n) return;
        s.job.bytes += p.substr(0, n);
        p.erase(0, n);
        if (cut) {
            s.in_job = false;
            std::lock_guard lock(mutex_);
            jobs_.push_back(std::move(s.job));
            printed_.notify_all();
        }
    }
}

void FakePrinter::run() {
    std::vector<Stream> streams;
    if (pty_master_ >= 0) streams.push_back(Stream{pty_master_, {}, false, {}});
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) break;
            if (switched_off_ && listener_ >= 0) {
                ::close(listener_);
                listener_ = -1;
                for (auto& s : streams) ::close(s.fd);
                streams.clear();
                printed_.notify_all();  // switch_off() waits for this
            }
        }
        std::vector<pollfd> fds{{wake_[0], POLLIN, 0}};
        if (listener_ >= 0) fds.push_back({listener_, POLLIN, 0});
        for (const auto& s : streams) fds.push_back({s.fd, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), 1000) <= 0) continue;
        if (fds[0].revents) {
            char buf[16];
            (void)!::read(wake_[0], buf, sizeof buf);
        }
        std::size_t first_stream = 1;
        if (listener_ >= 0) {
            first_stream = 2;
            if (fds[1].revents & POLLIN) {
                const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
                if (fd >= 0) streams.push_back(Stream{fd, {}, false, {}});
            }
        }
        std::vector<int> closed;
        for (std::size_t i = first_stream; i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            auto it = std::find_if(streams.begin(), streams.end(), [&](const Stream& s) { return s.fd == fds[i].fd; });
            char buf[65536];
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                it->pending.append(buf, static_cast<std::size_t>(n));
                take(*it);
            } else if (fds[i].fd != pty_master_) {
                closed.push_back(fds[i].fd);
            }
        }
        for (int fd : closed) {
            ::close(fd);
            streams.erase(std::remove_if(streams.begin(), streams.end(), [&](const Stream& s) { return s.fd == fd; }),
                          streams.end());
        }
    }
    for (auto& s : streams)
        if (s.fd != pty_master_) ::close(s.fd);
}

}  // namespace skranke::test
