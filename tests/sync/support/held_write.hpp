// Holding the hub's writer from outside, to prove what does not wait for it: another
// connection's write lock on hub.db (the hub's next batch waits inside the store), a push
// that waits it out as a kiosk would, and the hub's log lines watched for the moment the
// batch is storing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "support/hub_fixture.hpp"

struct sqlite3;

namespace skranke::test {

// Another connection's write lock on the hub's file, held until released: the hub's next
// write waits for it (at most its 5 s busy timeout). Throws when the lock cannot be taken.
class FileWriteLock {
public:
    explicit FileWriteLock(const std::filesystem::path& file);
    ~FileWriteLock() { release(); }
    FileWriteLock(const FileWriteLock&) = delete;
    FileWriteLock& operator=(const FileWriteLock&) = delete;
    void release();

private:
    sqlite3* db_ = nullptr;
};

// A push that waits out the hub's 5 s busy timeout, as a kiosk would.
sync::HttpReply patient_push(HubFixture& hub, const std::string& token, const std::vector<nlohmann::json>& events);

// What came of running calls while a kiosk's push waited for the file.
struct HeldPush {
    bool storing = false;       // the push reached the store and waited there
    bool calls_first = false;   // every call was answered before the push was
    sync::HttpReply pushed;     // the push's answer, once the file was free
};
// Pushes events with the kiosk's token while another connection holds the file's write
// lock, runs calls once the batch waits inside the store, then frees the file.
HeldPush while_a_batch_waits(HubFixture& hub, const std::string& kiosk_token, const std::vector<nlohmann::json>& events,
                             const std::function<void()>& calls);

// Sends the hub's log lines (at every level) to one sink as well while it lives. The
// process's logger is never swapped (hub threads may be logging): one installed before main
// passes every line on to the sinks attached.
class LogTo {
public:
    explicit LogTo(spdlog::sink_ptr sink);
    ~LogTo();
    LogTo(const LogTo&) = delete;
    LogTo& operator=(const LogTo&) = delete;

private:
    spdlog::sink_ptr sink_;
    spdlog::level::level_enum previous_level_;
};

// A log sink that tells when a line containing some text was written.
class LineWatch : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit LineWatch(std::string text) : text_(std::move(text)) {}
    bool wait(std::chrono::seconds limit);

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override {}

private:
    std::string text_;
    std::mutex seen_mutex_;
    std::condition_variable seen_changed_;
    bool seen_ = false;
};

}  // namespace skranke::test
