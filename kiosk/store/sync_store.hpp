// What the sync engine keeps in a device's store beside the tickets: acknowledgements and
// dead letters for the outbox, the merged log the hub serves (with its cursor), and the
// engine's small state. Every change that must stay together is one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/queue_state.hpp"
#include "store/store.hpp"

namespace skranke {

// The hub's answer for one pushed event.
struct SyncAck {
    std::string event_id;
    bool stored = false;        // false: rejected (kept as a dead letter)
    std::string code;           // for rejected events
    std::string message;
};

// One entry of the hub's merged log.
struct MergedEvent {
    std::int64_t hub_seq = 0;
    std::int64_t received_ms = 0;
    std::optional<std::int64_t> device_clock_offset_ms;
    Event event;
};

struct DeadLetter {
    std::string event_id;
    std::string type;
    std::string code;
    std::string message;
    std::int64_t failed_ms = 0;
};

class SyncStore {
public:
    explicit SyncStore(Store& store) : store_(store) {}

    // In one transaction: stored events are marked acknowledged and, for tickets, lose
    // their name, phone and description on this device; rejected ones become dead letters
    // (and leave the outbox, so the queue keeps moving).
    StoreResult<Done> apply_acks(const std::vector<SyncAck>& acks, std::int64_t now_ms);
    // Unacknowledged events after a device sequence number, oldest first (the engine sends
    // the next batch while the previous one's acknowledgements are being written).
    StoreResult<std::vector<OutboxEvent>> pending_after(std::int64_t device_seq, std::size_t limit);
    // A page of the merged log applied and the cursor saved, in one transaction.
    StoreResult<Done> apply_log(const std::vector<MergedEvent>& page, std::int64_t cursor);
    // The hub's retention applied to this device's copies: log entries the hub received
    // before cutoff_ms, dead letters set aside before it and own acknowledged events made
    // before it lose their personal fields
    // (names, phones, descriptions, staff ids). Only entries not looked at before are read
    // (the hub's receive times never go back). How many rows changed.
    StoreResult<std::int64_t> remove_expired_personal(std::int64_t cutoff_ms);

    StoreResult<std::int64_t> cursor();
    StoreResult<std::int64_t> dead_letter_count();
    StoreResult<std::vector<DeadLetter>> dead_letters();

    // A staff action (ticket.called, ...) from this device: outbox and local ticket state in
    // one transaction. The event as recorded is in the result.
    StoreResult<OutboxEvent> record_event(EventBody action, std::int64_t now_ms, std::string staff_id = {});

    // The queue as this device knows it: the merged log in hub order, then its own events
    // that log does not hold yet (acknowledged or not; refused ones never).
    StoreResult<QueueState> queue_state();

    // The device's log is windowed like the hub's fold: entries the hub received before
    // cutoff_ms leave it once their ticket is closed (served, no-show, cancelled, called back)
    // or unknown here; an open ticket's entries stay while a staff action could still apply
    // to it (issued within the action window of the newest entry), and so does any entry of
    // this device's own events still in the outbox. Returns how many left.
    StoreResult<std::int64_t> leave_window(std::int64_t cutoff_ms);

    // How far the hub's clock is ahead of this device's, as the sync engine last measured it
    // (sync_state key hub_ahead_key; absent until the hub has answered once).
    static constexpr const char* hub_ahead_key = "hub_ahead_ms";
    static constexpr const char* hub_ahead_boot_key = "hub_ahead_boot_id";  // the boot it was measured in

    // Grows each time entries already in the merged log change or leave it (the window, the
    // retention), in the same transaction: a reader that folds the log as it grows
    // (store/queue_view.hpp) folds it again from the start when this moves.
    static constexpr const char* log_generation_key = "log_generation";

    StoreResult<std::optional<std::string>> state_value(const std::string& key);
    StoreResult<Done> set_state_value(const std::string& key, const std::string& value);

private:
    StoreResult<Done> bump_log_generation();  // inside the caller's write transaction
    Store& store_;
};

}  // namespace skranke
