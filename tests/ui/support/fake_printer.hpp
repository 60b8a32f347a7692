// A receipt printer for tests: listens on 127.0.0.1 (or behind a pseudo-terminal, as a USB
// printer's device node), answers the DLE EOT status queries with the state it is set to,
// and records each ticket's bytes, from ESC @ to the cut. Its own reading of ESC/POS, not
// the kiosk's, so the two check each other.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace skranke::test {

// The three status answers (DLE EOT 1, 2, 4) of a printer in each state.
struct PrinterAnswers {
    std::uint8_t printer = 0x12, offline_cause = 0x12, paper = 0x12;
};
inline constexpr PrinterAnswers printer_ok{};
inline constexpr PrinterAnswers printer_paper_low{0x12, 0x12, 0x1E};
inline constexpr PrinterAnswers printer_paper_out{0x1A, 0x32, 0x72};
inline constexpr PrinterAnswers printer_cover_open{0x1A, 0x16, 0x12};

struct PrintedJob {
    std::string bytes;                                // ESC @ ... the cut command
    std::chrono::steady_clock::time_point started;    // when ESC @ arrived
};

class FakePrinter {
public:
    enum class Transport { tcp, pty };
    explicit FakePrinter(Transport transport = Transport::tcp);
    ~FakePrinter();
    FakePrinter(const FakePrinter&) = delete;
    FakePrinter& operator=(const FakePrinter&) = delete;

    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }  // tcp
    std::string device() const { return device_; }                               // pty
    void set_answers(PrinterAnswers answers);
    // Status queries are read and counted but never answered (a printer without them).
    void set_silent(bool silent);
    // Nothing answers on the address any more (the printer is switched off).
    void switch_off();

    std::vector<PrintedJob> jobs() const;
    int status_queries() const;
    // Waits until n tickets have been printed; false after timeout.
    bool wait_for_jobs(std::size_t n, std::chrono::milliseconds timeout) const;

private:
    struct Stream {
        int fd = -1;
        std::string pending;  // bytes not yet understood
        bool in_job = false;
        PrintedJob job;
    };
    void run();
    void take(Stream& s);

    Transport transport_;
    int listener_ = -1;
    int port_ = 0;
    int pty_master_ = -1;
    int pty_slave_ = -1;  // held open so the master never sees a hang-up between tickets
    std::string device_;
    int wake_[2] = {-1, -1};
    mutable std::mutex mutex_;
    mutable std::condition_variable printed_;
    PrinterAnswers answers_;
    bool stopping_ = false;
    bool silent_ = false;
    bool switched_off_ = false;
    int queries_ = 0;
    std::vector<PrintedJob> jobs_;
    std::thread thread_;
};

}  // namespace skranke::test
