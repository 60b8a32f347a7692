// Which hub this device syncs with, kept in the device's own store (sync_state table) once
// it is enrolled, so the app, the console and skranke-sync all find the same settings.
#pragma once

#include <optional>
#include <ostream>
#include <string_view>
#include <string>

#include "client/hub_client.hpp"

#include "client/sync_engine.hpp"
#include "store/sync_store.hpp"

namespace skranke::sync {

// Connection settings saved at enrolment: URL, token, CA file, pinned key.
StoreResult<std::optional<Connection>> load_saved_hub(SyncStore& store);
StoreResult<Done> save_hub(SyncStore& store, const Connection& connection);

// Enrolment as every program does it (skranke --enrol, skranke-sync enrol, skranke-notify
// enrol): trades the one-time code for this device's token, refuses a code made for another
// role than `role` (naming the command that makes the right one; an empty role takes any), and
// keeps the connection with its token in the store. The connection gets the token.
Result<Enrolment, std::string> enrol_and_save(SyncStore& store, Connection& connection, const std::string& code,
                                              const std::string& device_id, std::string_view role);

// What IT reads of a device's sync state (skranke-sync status, skranke-notify status): the
// device, its hub, the outbox depth, the log cursor and every dead letter with its code.
// False when the store cannot be read.
bool write_sync_status(std::ostream& out, Store& store, SyncStore& sync_store);

}  // namespace skranke::sync
