// What a device's screens read of the queue: one immutable snapshot, made by a thread of its
// own that applies each new page of the merged log to an incremental fold (LogFold) as the
// sync engine stores it. The screens take the newest snapshot (a pointer copy): no SQL and no
// fold of the log on the UI thread, whatever the history. The fold starts again from the
// store only when entries already in the log changed or left it (the window, the retention:
// SyncStore::log_generation_key), which the window keeps small.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/day_log.hpp"
#include "domain/statistics.hpp"
#include "store/store.hpp"
#include "store/sync_store.hpp"

namespace skranke {

struct QueueSnapshot {
    std::uint64_t version = 0;            // grows with each snapshot made
    std::int64_t cursor = 0;              // the last hub sequence number folded in
    std::int64_t hub_ahead_ms = 0;        // the hub's clock minus this device's (0 until measured)
    LogFold fold;                         // the merged log in hub order, then own events not merged yet
    std::vector<std::string> own_unmerged;  // ids of the own events counted from the outbox
    std::vector<DeadLetter> refused;      // the hub's refusals of this device's events
    std::string office_day;               // the office day on the reference clock when it was made
    DayFigures figures;                   // of office_day (when the view makes them)
    std::vector<std::int64_t> recent_service_ms;  // the last three hours, newest first (wait estimate)

    const QueueState& queue() const { return fold.queue(); }
    // Now on the office's reference clock, from this device's clock.
    std::int64_t reference_now(std::int64_t device_now_ms) const { return device_now_ms + hub_ahead_ms; }
    // An own event is counted from the outbox: the hub has not sent its copy back yet.
    bool awaits_hub_copy(const std::string& event_id) const;
};

class QueueView {
public:
    struct Options {
        std::function<std::int64_t()> device_clock;  // empty: the real wall clock
        int poll_ms = 1000;   // how often the thread looks for writes nobody told it of; 0: never
        bool thread = true;   // false: no thread; changed() and update_now() work on the caller's
        bool day_figures = true;  // false: snapshots leave `figures` empty (only the console shows them)
    };

    // Opens its own connection to an existing store and makes the first snapshot before it
    // returns, so the screens never start empty.
    static StoreResult<std::unique_ptr<QueueView>> open(const StoreOptions& store, Options options);
    ~QueueView();  // stops and joins the thread
    QueueView(const QueueView&) = delete;
    QueueView& operator=(const QueueView&) = delete;

    // The newest snapshot; never waits for the store.
    std::shared_ptr<const QueueSnapshot> snapshot() const;
    // Waits until a snapshot shows what `shows` looks for, or the timeout passes (then
    // nothing): for whoever must know the view has taken a write in (tests, benchmarks).
    std::shared_ptr<const QueueSnapshot> wait_for(const std::function<bool(const QueueSnapshot&)>& shows,
                                                  std::chrono::milliseconds timeout) const;
    // Something was written to the store: the thread looks now (any thread may call it).
    // Without a thread the caller's thread looks (errors keep the last snapshot).
    void changed();
    // Brings the snapshot up to date on the calling thread: after a write of this device whose
    // result the screen shows next (a staff action, a ticket), and in tests. Reads only what is
    // new since the last snapshot.
    StoreResult<Done> update_now();
    // How many log entries the fold has applied since it last started from the store.
    std::size_t applied() const;

private:
    struct Work;
    explicit QueueView(std::unique_ptr<Work> work);
    void run();
    std::unique_ptr<Work> work_;
    mutable std::mutex published_mutex_;
    mutable std::condition_variable published_cv_;  // each new snapshot
    std::shared_ptr<const QueueSnapshot> published_;
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    bool poked_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace skranke
