// A pass-through SQLite VFS over another one that remembers the errno of the last failed
// file-system call on this thread. SQLite 3.40 keeps no system error for a failed COMMIT
// (the log's or journal's write or sync fails and that file is closed before the caller
// can ask), so without it a full disk there reads as a plain I/O error. Every Skranke store
// opens through it; the tests' fault shim is one too, with a gate that fails chosen calls.
#pragma once

#include <string>

struct sqlite3_vfs;

namespace skranke::sql {

enum class FileCall { open, write, truncate, sync, shm_map, remove };

// Asked before each such call: SQLITE_OK lets it run, any other code fails it with that
// code (after setting errno as the failed system call would have).
using FileCallGate = int (*)(FileCall call);

// Registers (once per name) a shim named name over base (nullptr: SQLite's default VFS at
// that moment) and returns its name; as_default makes it the process's default VFS. A shim
// with a gate records no errno itself: stores open through a recording shim above it.
const char* register_shim_vfs(const std::string& name, sqlite3_vfs* base, FileCallGate gate, bool as_default);

// The recording shim over the VFS named base (empty: SQLite's default), for opening stores.
const char* recording_vfs(const std::string& base);

// The errno of the last failed call on this thread (0: none), forgotten once taken, so an
// old failure is never blamed for a later one.
int take_failed_errno();

}  // namespace skranke::sql
