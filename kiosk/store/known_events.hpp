// Every event a device knows, in the order its queue fold uses: the hub's merged log in hub
// order, then this device's own events that the merged log does not hold yet (offline work,
// and events acknowledged whose log page has not arrived); the hub's refusals are left out.
#pragma once

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
};
StoreResult<KnownLog> known_log(Store& store);

}  // namespace skranke
