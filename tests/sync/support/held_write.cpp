#include "support/held_write.hpp"

#include <sqlite3.h>

#include <atomic>
#include <exception>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/sample_events.hpp"

namespace skranke::test {

FileWriteLock::FileWriteLock(const std::filesystem::path& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK ||
        sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
        release();
        throw std::runtime_error("cannot hold the write lock of " + file.string());
    }
}

void FileWriteLock::release() {
    if (db_ == nullptr) return;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
}

sync::HttpReply patient_push(HubFixture& hub, const std::string& token, const std::vector<nlohmann::json>& events) {
    auto patient = hub.connection(token);
    patient.request_timeout_ms = 15000;
    patient.low_speed_time_s = 15;
    sync::HttpCall call;
    call.prepare(patient, "POST", "/v1/events", batch(events), {"Content-Type: application/json"});
    return call.perform();
}

HeldPush while_a_batch_waits(HubFixture& hub, const std::string& kiosk_token, const std::vector<nlohmann::json>& events,
                             const std::function<void()>& calls) {
    const auto watch = std::make_shared<LineWatch>("events=" + std::to_string(events.size()) + " storing");
    const LogTo watching(watch);
    const auto blocker = hub.hold_writes();
    std::atomic<bool> push_answered = false;
    HeldPush held;
    std::thread pusher([&] {
        held.pushed = patient_push(hub, kiosk_token, events);
        push_answered = true;
    });
    std::exception_ptr failed;  // the push is always joined, whatever the calls did
    held.storing = watch->wait(std::chrono::seconds(10));
    try {
        if (held.storing) calls();
    } catch (...) {
        failed = std::current_exception();
    }
    held.calls_first = !push_answered;
    blocker->release();
    pusher.join();
    if (failed) std::rethrow_exception(failed);
    return held;
}

namespace {

// Every line to the logger's own sinks (at their level) and to the sinks tests attach.
class Relay : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit Relay(std::vector<spdlog::sink_ptr> own) : own_(std::move(own)) {}
    void attach(const spdlog::sink_ptr& to) {
        std::lock_guard lock(mutex_);
        attached_.push_back(to);
    }
    void detach(const spdlog::sink_ptr& to) {
        std::lock_guard lock(mutex_);
        std::erase(attached_, to);
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        for (const auto& to : own_)
            if (to->should_log(msg.level)) to->log(msg);
        for (const auto& to : attached_) to->log(msg);
    }
    void flush_() override {}

private:
    std::vector<spdlog::sink_ptr> own_;
    std::vector<spdlog::sink_ptr> attached_;
};

Relay& relay() {
    static Relay& installed = []() -> Relay& {
        const auto previous = spdlog::default_logger();
        for (const auto& own : previous->sinks()) own->set_level(previous->level());
        auto made = std::make_shared<Relay>(previous->sinks());
        auto logger = std::make_shared<spdlog::logger>(previous->name(), made);
        logger->set_level(previous->level());
        spdlog::set_default_logger(logger);
        return *made;
    }();
    return installed;
}

const bool relay_before_main = (relay(), true);

}  // namespace

LogTo::LogTo(spdlog::sink_ptr sink) : sink_(std::move(sink)), previous_level_(spdlog::get_level()) {
    (void)relay_before_main;
    relay().attach(sink_);
    spdlog::set_level(spdlog::level::trace);
}

LogTo::~LogTo() {
    spdlog::set_level(previous_level_);
    relay().detach(sink_);
}

bool LineWatch::wait(std::chrono::seconds limit) {
    std::unique_lock lock(seen_mutex_);
    return seen_changed_.wait_for(lock, limit, [&] { return seen_; });
}

void LineWatch::sink_it_(const spdlog::details::log_msg& msg) {
    if (std::string_view(msg.payload.data(), msg.payload.size()).find(text_) == std::string_view::npos) return;
    {
        std::lock_guard lock(seen_mutex_);
        seen_ = true;
    }
    seen_changed_.notify_all();
}

}  // namespace skranke::test
