// Every event a device knows, in the order its queue fold uses: the hub's merged log in hub
// order, then this device's own events that the merged log does not hold yet (offline work,
// and events acknowledged whose log page has not arrived); the hub's refusals are left out.
//
// The office's reference clock is the hub's: log entries carry their device's offset from
// it, and this device's own events not merged yet carry the offset the sync engine last
// measured here, so that every ticket's corrected arrival, and so its office day, is read on
// the one clock (docs/queue-order.md).
#pragma once

#include <cstdint>
#include <vector>

#include "domain/queue_state.hpp"
#include "store/store.hpp"
#include "store/sync_store.hpp"

namespace skranke {

StoreResult<std::vector<KnownEvent>> known_events(Store& store);

// The known events and the hub's refusals of this device's events, read from one snapshot: an
// event is either still counted or refused, never both.
struct KnownLog {
    std::vector<KnownEvent> events;
    std::vector<DeadLetter> refused;
    std::int64_t hub_ahead_ms = 0;  // the hub's clock minus this device's (0 until measured)
    // Now on the office's reference clock, from this device's clock.
    std::int64_t reference_now(std::int64_t device_now_ms) const { return device_now_ms + hub_ahead_ms; }
};
StoreResult<KnownLog> known_log(Store& store);

}  // namespace skranke
