// Prints tickets on a thread of its own, so the visitor's screen never waits for paper: the
// kiosk queues a ticket once it is stored and asks later how the job went. Between tickets
// it asks the printer's state now and then, for the device's health report and the console.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "domain/result.hpp"
#include "printer/printer_link.hpp"
#include "printer/ticket_raster.hpp"

namespace skranke::printer {

enum class JobState { queued, printed, failed };

class TicketPrinter {
public:
    // Makes the renderer, on the printer's thread, with these texts' characters besides
    // the ones it always has (office texts from the hub can bring new ones).
    using MakeRenderer =
        std::function<Result<std::unique_ptr<TicketRenderer>, std::string>(const std::vector<std::string>& texts)>;

    struct Options {
        std::chrono::milliseconds check_every{30'000};  // the printer's state between tickets
    };

    // changed is called on the printer's thread when a job ends or the state changes (the
    // kiosk wakes its screen loop with it).
    TicketPrinter(std::unique_ptr<PrinterLink> link, MakeRenderer make_renderer, std::function<void()> changed,
                  Options options);
    TicketPrinter(std::unique_ptr<PrinterLink> link, MakeRenderer make_renderer, std::function<void()> changed)
        : TicketPrinter(std::move(link), std::move(make_renderer), std::move(changed), Options{}) {}
    ~TicketPrinter();
    TicketPrinter(const TicketPrinter&) = delete;
    TicketPrinter& operator=(const TicketPrinter&) = delete;

    // Queues a ticket and returns its job number at once.
    std::uint64_t print(PrintedTicket ticket);
    // How a job went (a job older than the last 64 counts as failed: nobody asks that late).
    JobState job(std::uint64_t id) const;
    // The printer's last known state; nothing before the first answer, or through CUPS.
    std::optional<PrinterState> state() const;

private:
    void run();
    void finish(std::uint64_t id, const PrintOutcome& outcome);
    void note_state(std::optional<PrinterState> state);

    std::unique_ptr<PrinterLink> link_;
    MakeRenderer make_renderer_;
    std::function<void()> changed_;
    Options options_;
    std::unique_ptr<TicketRenderer> renderer_;  // the printer's thread only

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::uint64_t next_job_ = 1;
    std::deque<std::pair<std::uint64_t, PrintedTicket>> queue_;
    std::map<std::uint64_t, JobState> results_;
    std::optional<PrinterState> state_;
    std::thread thread_;  // last: starts after everything above exists
};

}  // namespace skranke::printer
