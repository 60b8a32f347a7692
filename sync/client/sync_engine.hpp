// The sync engine every device runs beside its UI, on its own thread and its own SQLite
// connection: pushes the outbox in batches, applies the hub's merged log by long-poll, and
// backs off (capped, exponential, full jitter; Retry-After honoured) while the hub is away.
// It sleeps in curl_multi_poll, so it wakes at once for a new local event and costs
// nothing while offline. Whether to push is read from the outbox itself (rows not yet
// acknowledged), never from a wake-up: a failed push is retried with no new event.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "client/hub_client.hpp"
#include "domain/numbering.hpp"
#include "store/store.hpp"

namespace skranke::sync {

struct SyncOptions {
    Connection connection;
    std::size_t batch_size = protocol::max_batch_events;
    std::size_t log_page = 500;
    bool pull = true;                       // read the merged log (every role does; tests may not)
    long long_poll_wait_ms = 20000;
    std::int64_t backoff_initial_ms = 250;
    std::int64_t backoff_cap_ms = 30000;     // also how often an idle engine looks at its outbox unprompted
    std::int64_t retry_after_cap_ms = 300000;
    std::function<std::int64_t()> device_clock;  // this device's wall clock; empty: the real one
    // The monotonic clock and boot id beside it (read_device_clocks); empty: the real ones.
    std::function<ClockReading()> monotonic_clock;
    std::uint32_t jitter_seed = 0;              // 0: random
    std::int64_t outbox_keep_ms = 24LL * 3600 * 1000;  // acknowledged events older than this leave the outbox
    std::int64_t tidy_every_ms = 3600LL * 1000;        // how often that is done (and once at start, after the first pushes)
    // Log entries received longer ago than this (on the hub's clock) leave the device once
    // their ticket is closed: the hub's two-day action window and a day to spare.
    std::int64_t log_window_ms = protocol::device_log_window_ms;
    // Called on the engine's thread after it wrote what the screens show (a log page, the
    // hub's answers, the window or the retention), before its status says so: the device's
    // queue view (store/queue_view.hpp) reads it there, off the UI thread.
    std::function<void()> store_written;
    // Set: the engine keeps the office's configuration from the hub (its service catalogue
    // and office file, client/office_config_fetch.hpp) in the store, and calls this on its
    // thread after each new version is stored. Empty: it does not fetch it.
    std::function<void()> office_config_stored;
    // The printer's state for IT's health view ("ok", "paper_low", "paper_out", "cover_open",
    // "offline"; nothing: not known). Empty: this device has no printer and says nothing.
    std::function<std::optional<std::string>()> printer_state;
};

struct SyncStatus {
    bool online = false;                     // the last push and the last log read both got through
    std::int64_t outbox_depth = 0;
    std::optional<std::int64_t> last_sync_ms;  // last successful push or log read (device clock)
    std::int64_t dead_letters = 0;
    std::int64_t cursor = 0;                 // last hub sequence number applied here
    std::string last_error;                  // for IT: ids and codes only; kept until online again
    std::int64_t pushes = 0;                 // answered push calls
    std::int64_t failures = 0;               // calls that failed or were refused
    std::size_t largest_batch_bytes = 0;     // memory bound evidence: biggest body sent

    // What to tell a person: until the first call fails the hub counts as reachable, since
    // a long-poll with nothing new answers only at its end.
    bool reachable() const { return online || failures == 0; }
};

class SyncEngine {
public:
    // Opens its own connection to the store file (which must exist: the program made it) and
    // starts the thread.
    static Result<std::unique_ptr<SyncEngine>, std::string> start(const StoreOptions& store, SyncOptions options);
    ~SyncEngine();  // stops and joins (an in-flight call is abandoned; its events are resent later)
    SyncEngine(const SyncEngine&) = delete;
    SyncEngine& operator=(const SyncEngine&) = delete;

    // A new event is in the outbox: push now (cuts a backoff wait unless the hub asked
    // for one with Retry-After).
    void notify_local_event();
    SyncStatus status() const;

    struct Impl;

private:
    explicit SyncEngine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// What the engine does to its store once an hour (and at start): acknowledged events older
// than outbox_keep_ms leave the outbox, and a kiosk's own acknowledged tickets older than
// the log window leave its tickets table; once the hub's clock and retention are known
// (retention_ms > 0), log entries outside the window leave and personal fields past the
// retention are emptied (then the write-ahead log is emptied too); a file left mostly free
// by the window (a store that held a long log before) is compacted. True when the log changed.
// A free function so that a benchmark can age a store exactly as a year of running would.
bool tidy_store(Store& store, std::int64_t device_now_ms, std::int64_t hub_ahead_ms, std::int64_t retention_ms,
                const SyncOptions& options);

// This program's version (the CMake project version), as every request reports it.
std::string_view program_version();

// Bytes free to this program on the file system holding path (statvfs: what an unprivileged
// writer may use), saturated at int64's top; nothing when it cannot be read.
std::optional<std::int64_t> disk_free_bytes(const std::filesystem::path& path);

// Full-jitter backoff: a random wait in [0, min(cap, initial * 2^attempt)].
std::int64_t backoff_delay_ms(int attempt, std::int64_t initial_ms, std::int64_t cap_ms, std::uint64_t random);

}  // namespace skranke::sync
