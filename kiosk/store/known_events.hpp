// Every event a device knows, in the order its queue fold uses: the hub's merged log in hub
// order, then this device's own events that the merged log does not hold yet (offline work,
// and events acknowledged whose log page has not arrived); the hub's refusals are left out.
//
// The office's reference clock is the hub's: log entries carry their device's offset from
// it, and this device's own events not merged yet carry the offset the sync engine last
// measured here, so that every ticket's corrected arrival, and so its office day, is read on
// the one clock (docs/queue-order.md).
//
// The readers below are used inside one read transaction: the sync engine's connection may
// store the hub's copy of an own event (or the hub's refusal of it) between two reads, and
// the event would then be in neither (or counted and refused at once).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "domain/queue_state.hpp"
#include "store/store.hpp"
#include "store/sync_store.hpp"

struct sqlite3;

namespace skranke {

// Every known event, read from one snapshot (the sync engine's fold for the log window).
StoreResult<std::vector<KnownEvent>> known_events(Store& store);

// The sync engine's last measure of the hub's clock against this device's; 0 if none.
StoreResult<std::int64_t> read_hub_ahead(sqlite3* db);
// Merged log entries after hub_seq `after`, in hub order. Returns the last hub_seq read
// (`after` when none).
StoreResult<std::int64_t> read_merged_after(sqlite3* db, std::int64_t after, const std::function<void(KnownEvent&&)>& each);
// This device's own events that the merged log does not hold yet and the hub did not refuse,
// oldest first, with their device sequence numbers.
StoreResult<Done> read_own_unmerged(sqlite3* db, std::int64_t hub_ahead_ms,
                                    const std::function<void(std::int64_t device_seq, KnownEvent&&)>& each);
// Only their device sequence numbers, oldest first (a reader that keeps the events it parsed
// before reads the bodies of the new ones alone, with read_own_event).
StoreResult<std::vector<std::int64_t>> read_own_unmerged_seqs(sqlite3* db);
// One own event from the outbox, with the meta of an event the hub has not stored yet: on
// this device's clock moved by the last measured offset. Nothing if it is gone or unreadable.
StoreResult<std::optional<KnownEvent>> read_own_event(sqlite3* db, std::int64_t device_seq, std::int64_t hub_ahead_ms);

}  // namespace skranke
