// Which hub this device syncs with, kept in the device's own store (sync_state table) once
// it is enrolled, so the app, the console and skranke-sync all find the same settings.
#pragma once

#include <optional>
#include <string>

#include "client/sync_engine.hpp"
#include "store/sync_store.hpp"

namespace skranke::sync {

// Connection settings saved at enrolment: URL, token, CA file, pinned key.
StoreResult<std::optional<Connection>> load_saved_hub(SyncStore& store);
StoreResult<Done> save_hub(SyncStore& store, const Connection& connection);

}  // namespace skranke::sync
