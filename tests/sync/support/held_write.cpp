#include "support/held_write.hpp"

#include <sqlite3.h>

#include <atomic>
#include <exception>
#include <stdexcept>
#include <thread>

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
    FileWriteLock blocker(hub.dir() / "hub" / "hub.db");
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
    blocker.release();
    pusher.join();
    if (failed) std::rethrow_exception(failed);
    return held;
}

LogTo::LogTo(spdlog::sink_ptr sink) : previous_(spdlog::default_logger()), previous_level_(spdlog::get_level()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", std::move(sink)));
    spdlog::set_level(spdlog::level::trace);
}

LogTo::~LogTo() {
    spdlog::set_default_logger(previous_);
    spdlog::set_level(previous_level_);
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
