#include "printer/ticket_printer.hpp"

#include <spdlog/spdlog.h>

#include "printer/escpos.hpp"

namespace skranke::printer {

namespace {

constexpr std::size_t kept_results = 64;

std::vector<std::string> texts_of(const PrintedTicket& t) {
    std::vector<std::string> texts{t.office, t.number, t.status_caption};
    for (const auto& l : t.visitor) texts.push_back(l.text);
    for (const auto& l : t.staff) texts.push_back(l.text);
    return texts;
}

}  // namespace

TicketPrinter::TicketPrinter(std::unique_ptr<PrinterLink> link, MakeRenderer make_renderer,
                             std::function<void()> changed, Options options)
    : link_(std::move(link)),
      make_renderer_(std::move(make_renderer)),
      changed_(std::move(changed)),
      options_(options),
      thread_([this] { run(); }) {}

TicketPrinter::~TicketPrinter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

std::uint64_t TicketPrinter::print(PrintedTicket ticket) {
    std::uint64_t id = 0;
    {
        std::lock_guard lock(mutex_);
        id = next_job_++;
        queue_.emplace_back(id, std::move(ticket));
        results_[id] = JobState::queued;
        while (results_.size() > kept_results) results_.erase(results_.begin());
    }
    wake_.notify_all();
    return id;
}

JobState TicketPrinter::job(std::uint64_t id) const {
    std::lock_guard lock(mutex_);
    const auto it = results_.find(id);
    return it == results_.end() ? JobState::failed : it->second;
}

std::optional<PrinterState> TicketPrinter::state() const {
    std::lock_guard lock(mutex_);
    return state_;
}

void TicketPrinter::note_state(std::optional<PrinterState> state) {
    bool changed = false;
    {
        std::lock_guard lock(mutex_);
        changed = state_ != state;
        state_ = state;
    }
    if (changed) {
        if (state) spdlog::info("printer: {}", to_string(*state));
        if (changed_) changed_();
    }
}

void TicketPrinter::finish(std::uint64_t id, const PrintOutcome& outcome) {
    if (!outcome.error.empty()) spdlog::warn("printer: {}", outcome.error);
    bool state_changed = false;
    {
        std::lock_guard lock(mutex_);
        if (const auto it = results_.find(id); it != results_.end())
            it->second = outcome.printed ? JobState::printed : JobState::failed;
        state_changed = state_ != outcome.state;
        state_ = outcome.state;
    }
    if (state_changed && outcome.state) spdlog::info("printer: {}", to_string(*outcome.state));
    if (!outcome.printed) spdlog::warn("printer: a ticket was not printed; the visitor was asked to write the number down");
    if (changed_) changed_();
}

void TicketPrinter::run() {
    // The fonts first, so the first visitor's ticket does not wait for them.
    if (auto made = make_renderer_({})) renderer_ = std::move(*made);
    else spdlog::error("printer: {}", made.error());
    auto next_check = std::chrono::steady_clock::now();
    for (;;) {
        std::optional<std::pair<std::uint64_t, PrintedTicket>> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait_until(lock, next_check, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            if (!queue_.empty()) {
                job = std::move(queue_.front());
                queue_.pop_front();
            }
        }
        if (!job) {
            note_state(link_->check());
            next_check = std::chrono::steady_clock::now() + options_.check_every;
            continue;
        }
        PrintOutcome outcome;
        if (!renderer_ || !renderer_->covers(job->second)) {
            auto made = make_renderer_(texts_of(job->second));
            if (made) {
                renderer_ = std::move(*made);
            } else {
                outcome.error = made.error();
                finish(job->first, outcome);
                continue;
            }
        }
        outcome = link_->print(ticket_commands(renderer_->render(job->second)));
        finish(job->first, outcome);
        next_check = std::chrono::steady_clock::now() + options_.check_every;
    }
}

}  // namespace skranke::printer
