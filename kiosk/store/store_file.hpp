// Opening one of Skranke's SQLite files (a device store, the hub's hub.db and staff.db).
// A file is created only where no file exists: it is built complete under a temporary name
// in the same folder and then given its name, so a crash never leaves a half-made store.
// An existing file is used only when it is a Skranke file of the expected kind; an empty,
// foreign or other kind of file is refused with what IT should do, never rebuilt.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

struct sqlite3;

namespace skranke {

// One kind of Skranke file: how it is recognised and what starting it afresh costs.
struct StoreFileKind {
    std::int32_t application_id;            // PRAGMA application_id of every file of this kind
    std::string_view name;                  // for messages: "device store"
    std::vector<std::string_view> tables;   // tables every file of this kind has (older files lack the id)
    std::string_view start_afresh;          // what removing the file costs, for IT
};
const StoreFileKind& device_store_kind();  // kiosk, reception and display roles
const StoreFileKind& hub_log_kind();       // the hub's hub.db
const StoreFileKind& hub_staff_kind();     // the hub's staff.db

struct CloseConnection {
    void operator()(sqlite3* db) const;
};
using Connection = std::unique_ptr<sqlite3, CloseConnection>;

struct StoreFileSpec {
    std::filesystem::path path;
    const StoreFileKind* kind = nullptr;
    std::string vfs_name;  // empty: SQLite's default (tests pass a fault shim)
    int busy_timeout_ms = 5000;
    bool create_if_missing = true;
    // Fills a new file (schema and first rows) under its temporary name, after its kind is
    // stamped; the file gets its name only when this succeeded.
    std::function<StoreResult<Done>(sqlite3*)> build;
};

// The file, created first when it does not exist, opened in WAL mode with synchronous=FULL,
// extended result codes and the busy timeout. A Skranke file from before application ids
// is recognised by its tables and stamped.
StoreResult<Connection> open_store_file(const StoreFileSpec& spec);

// fsync of a file (flags O_RDONLY) or of a folder (O_RDONLY | O_DIRECTORY, so that a rename
// in it lasts); 0 or the errno.
int sync_path(const std::filesystem::path& path, int flags);

}  // namespace skranke
