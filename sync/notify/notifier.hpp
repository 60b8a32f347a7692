// The notifier at work: the sync engine keeps the merged log (with phones: role notify) and
// the office's configuration in the notifier's own store; one loop thread folds each new page
// (QueueView) and, at least every second, claims the SMS that are due (notify_plan.hpp),
// sends the claims the hub stored as this device's through a few sender threads, and records
// how each went. Every decision is read again from the log, so a restart at any moment picks
// up where the last run stopped, and the gateway's idempotency key absorbs the one message
// that may have gone out just before a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "client/sync_engine.hpp"
#include "domain/result.hpp"
#include "domain/text_table.hpp"
#include "notify/notify_config.hpp"

namespace skranke::notify {

struct NotifierSetup {
    NotifyConfig config;
    Credentials credentials;
    TextTable texts;
    sync::Connection connection;                  // the hub, as enrolment saved it
    std::function<std::int64_t()> device_clock;   // empty: the real wall clock
};

struct NotifierCounts {
    std::int64_t claims = 0;    // claims recorded
    std::int64_t tries = 0;     // requests made to the gateway
    std::int64_t sent = 0;
    std::int64_t failed = 0;
};

// The store's device kind: its generated ids start with "notify-".
inline constexpr const char* device_kind = "notify";

StoreOptions notify_store_options(const std::filesystem::path& file, bool create_if_missing);

class Notifier {
public:
    static Result<std::unique_ptr<Notifier>, std::string> start(NotifierSetup setup);
    ~Notifier();  // stops the loop, the senders (each at most one gateway timeout) and the engine
    Notifier(const Notifier&) = delete;
    Notifier& operator=(const Notifier&) = delete;

    const std::string& device_id() const;
    NotifierCounts counts() const;
    sync::SyncStatus sync_status() const;

    struct Work;

private:
    explicit Notifier(std::unique_ptr<Work> work);
    std::unique_ptr<Work> work_;
};

}  // namespace skranke::notify
