// The merged event log. Pushes are stored by the log's one writer (LogStorage::exclusive),
// which owns the fold and each device's last sequence number; a batch that does not commit is
// undone exactly. After every commit the writer publishes a LogSnapshot: readers
// (long-polls, /v1/queue, figures) use the newest one and never wait for a write. Older
// parts of the log are read from the storage.
//
// Where several hubs write one office's log (PostgreSQL), each write first folds what the
// others committed since this hub's last look, so every decision is the one a single hub
// would have made; their commits also reach this hub between pushes (on_grown).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "hub/device_registry.hpp"
#include "hub/hub_file.hpp"
#include "hub/log_snapshot.hpp"
#include "hub/log_storage.hpp"
#include "hub/pushed_event.hpp"

namespace skranke::hub {

class EventLog {
public:
    // Reads the fold's window and the tail from the storage and publishes the first snapshot.
    static StoreResult<std::unique_ptr<EventLog>> open(std::unique_ptr<LogStorage> storage);
    ~EventLog();
    EventLog(const EventLog&) = delete;
    EventLog& operator=(const EventLog&) = delete;

    // The needs the hub serves: events naming another need are refused (none: not checked).
    // May change while serving (the hub reads its services.toml again when it changes).
    void check_needs_against(std::shared_ptr<const ServiceCatalogue> catalogue) {
        catalogue_.store(std::move(catalogue));
    }

    // Stores a batch in one transaction; one result per event, in order. Events must
    // already be allowed for the pushing device's role.
    StoreResult<std::vector<protocol::EventResult>> push(const std::vector<PushedEvent>& events,
                                                         const Contact& contact);
    // Waits (at most wait_ms) until the hub has taken the device's events up to
    // device_seq: stored, rejected or found to be replays. False when they did not come.
    bool wait_taken(const std::string& device_id, std::int64_t device_seq, std::int64_t wait_ms);
    // Ends every such wait now (the hub is stopping): they answer false.
    void stop_waiting();

    // Merged log after a cursor, oldest first, from the file.
    StoreResult<std::vector<protocol::LogEntry>> read_log(std::int64_t after, std::size_t limit);
    std::int64_t last_seq() const { return snapshot()->last_seq; }
    // How many rejected event numbers the writer keeps in memory (bounded: see rejected_newer_).
    std::size_t rejections_in_memory();
    // The cursor before the first entry received at or after from_ms (0: from the start), to
    // read one day of the log without reading what came before it.
    StoreResult<std::int64_t> cursor_before_received(std::int64_t from_ms);
    // A JSON array of log entries after a cursor (without personal fields unless personal),
    // and the cursor after them: the tail from the snapshot, anything older from the file.
    StoreResult<std::string> read_log_json(std::int64_t after, std::size_t limit, bool personal,
                                           std::int64_t& cursor);

    // Empties name, phone and description of events stored before cutoff_ms, in short
    // transactions of retention_batch rows, so pushes are stored in between; returns how many.
    StoreResult<std::int64_t> remove_personal_before(std::int64_t cutoff_ms);
    static constexpr std::int64_t retention_batch = 500;

    // The queue as of the newest commit (QueueState::action_window_ms on the hub's receive
    // clock; older tickets stay in the log only).
    std::shared_ptr<const QueueState> queue_state() const { return snapshot()->fold.state(); }
    // The ticket a status token opens, as of the newest commit (nothing: none), without a
    // copy of the queue.
    std::optional<QueueTicket> ticket_by_status_token(std::string_view token) const {
        return snapshot()->fold.find_by_status_token(token);
    }
    void forget_old_tickets(std::int64_t now_ms);

    // grown is called (from the storage's thread) after this hub has taken in entries another
    // hub stored. on_grown({}) returns once no call is running, and none comes after it.
    void on_grown(std::function<void()> grown) {
        std::lock_guard lock(grown_mutex_);
        grown_ = std::move(grown);
    }
    // Brings this hub up to the log as stored (other hubs' commits) and publishes it.
    StoreResult<Done> catch_up();

private:
    explicit EventLog(std::unique_ptr<LogStorage> storage);
    struct Batch;
    template <class Work>
    auto as_writer(Work&& work);
    StoreResult<Done> load();
    StoreResult<Done> take_in(std::int64_t stored_last_seq);
    StoreResult<std::vector<protocol::EventResult>> store(const std::vector<PushedEvent>& events, const Contact& sent);
    StoreResult<protocol::EventResult> store_one(const PushedEvent& pushed, const Contact& contact, Batch& batch);
    StoreResult<std::int64_t> remove_personal_batch(std::int64_t cutoff_ms, std::int64_t& cursor);
    std::shared_ptr<const LogSnapshot> snapshot() const { return snapshot_.load(); }
    void publish(LogSnapshot next) { snapshot_.store(std::make_shared<const LogSnapshot>(std::move(next))); }

    std::unique_ptr<LogStorage> storage_;
    std::mutex grown_mutex_;
    std::function<void()> grown_;
    std::atomic<std::shared_ptr<const ServiceCatalogue>> catalogue_;

    // The writer's: touched only inside storage_->exclusive.
    QueueState state_;
    std::map<std::string, std::int64_t> last_device_seq_;
    // Per device, rejected device_seqs above its last stored one (see note_rejection), at
    // most rejected_newer_cap each; a device that goes over has its highest rejected seq
    // in rejected_overflow_ instead, and its events up to it are looked up in the file.
    static constexpr std::size_t rejected_newer_cap = 4096;
    std::map<std::string, std::set<std::int64_t>> rejected_newer_;
    std::map<std::string, std::int64_t> rejected_overflow_;
    void note_rejection(const std::string& device_id, std::int64_t device_seq);
    void forget_rejections_through(const std::string& device_id);
    std::int64_t last_received_ms_ = 0;   // receive times never go back, even if the clock does

    std::atomic<std::shared_ptr<const LogSnapshot>> snapshot_;  // published by the writer only

    std::mutex taken_mutex_;  // taken_through_, stopping_
    std::condition_variable taken_;
    std::map<std::string, std::int64_t> taken_through_;  // highest device_seq answered per device
    bool stopping_ = false;
};

}  // namespace skranke::hub
