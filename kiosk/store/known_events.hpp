// Every event a device knows, in the order its queue fold uses: the hub's merged log in hub
// order, then this device's own events the hub has not acknowledged yet (offline work).
#pragma once

#include <vector>

#include "domain/queue_state.hpp"
#include "store/store.hpp"

namespace skranke {

StoreResult<std::vector<KnownEvent>> known_events(Store& store);

}  // namespace skranke
