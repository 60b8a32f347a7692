// A SQLite VFS shim for tests: wraps the default VFS and makes the Nth write, sync or
// truncate (counted from arm()) fail with a chosen error, once or from then on.
#pragma once

namespace skranke::test {

inline constexpr const char* fault_vfs_name = "skranke-fault";

enum class FaultOp { write, sync, any };

// Registers the shim (idempotent). Stores open it with StoreOptions::vfs_name.
void register_fault_vfs();
// Fail the nth matching operation from now on with error_code (a SQLite code such as
// SQLITE_IOERR_WRITE, SQLITE_FULL or SQLITE_READONLY); sticky: every later one fails too.
void arm_fault(FaultOp op, int nth, int error_code, bool sticky);
void disarm_fault();
// Whether the armed fault fired since arm_fault.
bool fault_fired();
// Matching operations seen since arm_fault.
int fault_ops_seen();

}  // namespace skranke::test
