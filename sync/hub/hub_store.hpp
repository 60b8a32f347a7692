// The hub's SQLite file: enrolled devices (tokens hashed), one-time enrolment codes, the
// merged event log with hub sequence numbers, and rejections kept for idempotent replies.
// Thread-safe: every call that reads or writes the file takes the store's lock; the log is
// one writer by design. Known tokens, device health, the newest stored sequence number and
// the cached tail of the log are answered without it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/queue_state.hpp"
#include "protocol/event_codec.hpp"
#include "protocol/issue_event.hpp"
#include "protocol/protocol.hpp"
#include "store/store.hpp"

struct sqlite3;

namespace skranke::hub {

struct AuthDevice {
    std::string device_id;
    protocol::Role role = protocol::Role::display;
};

struct Enrolment {
    std::string device_id;
    protocol::Role role = protocol::Role::display;
    std::string token;  // shown once; only its hash is kept
};

struct DeviceHealth {
    std::string device_id;
    protocol::Role role = protocol::Role::display;
    std::int64_t enrolled_ms = 0;
    std::optional<std::int64_t> last_seen_ms;
    std::optional<std::int64_t> clock_offset_ms;
    std::optional<std::int64_t> outbox_depth;
};

// What the device said about itself on one request.
struct Contact {
    std::int64_t hub_now_ms = 0;
    std::optional<std::int64_t> clock_offset_ms;  // device clock minus hub clock
    std::optional<std::int64_t> outbox_depth;
};

// One event of a push: the text it came as (what the log keeps) and what was read from it,
// all before the store is locked.
struct PushedEvent {
    std::string_view text;
    std::string hash;  // of text
    // The typed event, value rules checked (event_codec.hpp), or why it is refused.
    Result<Event, protocol::EventProblem> event = protocol::EventProblem{};
    // The envelope as sent, where present with the right type (role checks and replies,
    // also for an event that is refused).
    std::optional<std::string> event_id;
    std::optional<std::string> type;
    std::optional<std::string> device_id;
    std::optional<std::int64_t> device_seq;
};
// Reads one event's text: an issue event the quick way, any other with parse_event.
// Nothing when the text is not JSON.
std::optional<PushedEvent> read_pushed_event(std::string_view text, protocol::IssueEventReader& reader);
// An event that came as part of a body parsed whole; text is its JSON written out again.
PushedEvent pushed_event_of(const nlohmann::json& event, std::string_view text);

// A row of the log as SQLite gets it (the benchmark's baseline).
struct LogRow {
    std::string event_id;
    std::string device_id;
    std::int64_t device_seq = 0;
    std::string type;
    std::string body;
    std::string body_hash;
};

class HubStore {
public:
    // Creates the file only when none exists; refuses an empty or foreign one (not_a_store).
    // vfs_name: empty for SQLite's default (tests pass a fault shim).
    static StoreResult<std::unique_ptr<HubStore>> open(const std::filesystem::path& file,
                                                       const std::string& vfs_name = {});
    ~HubStore();
    HubStore(const HubStore&) = delete;
    HubStore& operator=(const HubStore&) = delete;

    // A one-time enrolment code for one device of this role, valid for valid_ms.
    StoreResult<std::string> create_enrol_code(protocol::Role role, std::int64_t now_ms, std::int64_t valid_ms);
    // Uses the code up and returns the device's token; nothing when the code is unknown,
    // used or expired.
    StoreResult<std::optional<Enrolment>> enrol(const std::string& code, const std::string& device_id,
                                                std::int64_t now_ms);
    StoreResult<std::optional<AuthDevice>> authenticate(const std::string& token);
    void note_contact(const std::string& device_id, const Contact& contact);
    StoreResult<std::vector<DeviceHealth>> devices();

    // Stores a batch in one transaction; one result per event, in order. Events must
    // already be allowed for the pushing device's role.
    StoreResult<std::vector<protocol::EventResult>> push(const std::vector<PushedEvent>& events,
                                                         const Contact& contact);
    // Waits (at most wait_ms) until the hub has taken the device's events up to
    // device_seq: stored, rejected or found to be replays. False when they did not come.
    bool wait_taken(const std::string& device_id, std::int64_t device_seq, std::int64_t wait_ms);
    // Ends every such wait now (the hub is stopping): they answer false.
    void stop_waiting();

    // The needs the hub serves: events naming another need are refused (none: not checked).
    // Set before serving; the catalogue must outlive the store.
    void check_needs_against(const ServiceCatalogue* catalogue) { catalogue_ = catalogue; }

    // Merged log after a cursor, oldest first.
    StoreResult<std::vector<protocol::LogEntry>> read_log(std::int64_t after, std::size_t limit);
    std::int64_t last_seq();
    // The same, ready to send: a JSON array of log entries (without personal fields unless
    // personal), and the cursor after them. Recent entries come from a memory cache, so
    // hundreds of devices long-polling the tail of the log cost one read each.
    StoreResult<std::string> read_log_json(std::int64_t after, std::size_t limit, bool personal,
                                           std::int64_t& cursor);

    // Empties name, phone and description of events stored before cutoff_ms; returns how many.
    StoreResult<std::int64_t> remove_personal_before(std::int64_t cutoff_ms);

    // The queue as the hub knows it (a copy of the fold). Tickets that no later event can
    // act on any more (QueueState::action_window_ms, on the hub's receive clock) are left
    // out (they stay in the log): memory stays bounded on a hub that runs for months.
    // Which actions are accepted follows from the log alone, never from when this ran.
    QueueState queue_state();
    void forget_old_tickets(std::int64_t now_ms);

    // Benchmark baseline: inserts ready rows straight into the log in batches of
    // batch_size, without any checks (what SQLite alone costs for the same rows).
    StoreResult<std::int64_t> raw_insert_for_benchmark(const std::vector<LogRow>& rows, std::size_t batch_size,
                                                      std::int64_t now_ms);

private:
    HubStore() = default;
    StoreResult<Done> load_state();
    // Stores one event of a batch under the next sequence number after seq_before, and
    // moves seq_before on when it is stored.
    // What the fold and the device sequences were before each event of a batch, to put back
    // when the batch does not commit.
    struct Undo {
        std::vector<std::pair<std::string, std::optional<QueueTicket>>> tickets;
        std::vector<std::pair<std::string, std::optional<std::int64_t>>> device_seqs;
    };
    StoreResult<protocol::EventResult> push_one(const PushedEvent& pushed, const Contact& contact,
                                                std::int64_t& seq_before, Undo& undo);

    const ServiceCatalogue* catalogue_ = nullptr;
    std::int64_t last_received_ms_ = 0;  // receive times never go back, even if the clock does
    std::mutex mutex_;  // the file and the fold; also held to fill the log cache
    sqlite3* db_ = nullptr;
    struct Statements;
    std::unique_ptr<Statements> statements_;
    QueueState state_;
    std::map<std::string, std::int64_t> last_device_seq_;
    std::map<std::string, std::int64_t> taken_through_;  // highest device_seq answered per device
    std::condition_variable taken_;
    bool stopping_ = false;
    std::set<std::string> rejected_ids_;  // few; lets new events skip the look-ups
    // Health facts of each device's latest request; written to the file at most once a
    // minute per device, so a long-poll does not cost a disk sync.
    // Under memo_mutex_ (taken after mutex_ where both are held), with tokens_: a request
    // is let in and noted without waiting for a batch being stored.
    std::mutex memo_mutex_;
    std::map<std::string, Contact> contacts_;
    std::map<std::string, std::int64_t> contact_saved_ms_;
    struct CachedEntry {
        std::string full;
        std::string redacted;
    };
    std::mutex cache_mutex_;  // recent_; taken after mutex_ where both are held
    std::map<std::int64_t, CachedEntry> recent_;  // by hub_seq, at most recent_capacity
    static constexpr std::size_t recent_capacity = 4096;
    std::map<std::string, AuthDevice> tokens_;      // by token hash, under memo_mutex_
    std::atomic<std::int64_t> last_seq_ = 0;         // of what is in the file; written under mutex_
};

// 32 random bytes as lowercase hex: device tokens and staff sessions.
std::string random_token();
// crypto_generichash of the text, as lowercase hex.
std::string hash_hex(std::string_view text);

}  // namespace skranke::hub
