// A SQLite VFS shim for tests (store/vfs_shim.hpp with a gate) over SQLite's own VFS: it
// makes the Nth open, write, sync, truncate or shared-memory mapping (counted from arm())
// fail with a chosen error, once or from then on, optionally with the errno a real disk
// gives (ENOSPC when it is full).
#pragma once

namespace skranke::test {

inline constexpr const char* fault_vfs_name = "skranke-fault";

// write: writes, truncates and deletes; any: those and syncs. open, truncate and shm (the
// WAL index's shared memory, which SQLite grows at open) fire only when asked for.
enum class FaultOp { write, sync, any, open, truncate, shm };

// Registers the shim (idempotent). Stores open it with StoreOptions::vfs_name; as_default
// makes every connection of the process use it (for code that takes no VFS name).
void register_fault_vfs(bool as_default = false);
// Fail the nth matching operation from now on with error_code (a SQLite code such as
// SQLITE_IOERR_WRITE, SQLITE_FULL or SQLITE_READONLY); sticky: every later one fails too.
// system_errno (e.g. ENOSPC) is what SQLite then reads as the system error behind it.
void arm_fault(FaultOp op, int nth, int error_code, bool sticky, int system_errno = 0);
void disarm_fault();
// Whether the armed fault fired since arm_fault.
bool fault_fired();
// Matching operations seen since arm_fault.
int fault_ops_seen();

}  // namespace skranke::test
