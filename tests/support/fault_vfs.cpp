#include "support/fault_vfs.hpp"

#include <atomic>
#include <cerrno>

#include <sqlite3.h>

#include "store/vfs_shim.hpp"

namespace skranke::test {
namespace {

using sql::FileCall;

struct Plan {
    std::atomic<bool> armed{false};
    std::atomic<int> op{0};
    std::atomic<int> nth{0};
    std::atomic<int> error_code{SQLITE_IOERR};
    std::atomic<bool> sticky{false};
    std::atomic<int> seen{0};
    std::atomic<bool> fired{false};
    std::atomic<int> system_errno{0};
};
Plan plan;

bool matches(FaultOp armed, FileCall call) {
    switch (armed) {
        case FaultOp::write: return call == FileCall::write || call == FileCall::truncate || call == FileCall::remove;
        case FaultOp::sync: return call == FileCall::sync;
        case FaultOp::any:
            return call == FileCall::write || call == FileCall::truncate || call == FileCall::remove ||
                   call == FileCall::sync;
        case FaultOp::open: return call == FileCall::open;
        case FaultOp::truncate: return call == FileCall::truncate;
        case FaultOp::shm: return call == FileCall::shm_map;
    }
    return false;
}

// The shim's gate: counts a matching call and says whether it fails, and with what.
int injected(FileCall call) {
    if (!plan.armed || !matches(static_cast<FaultOp>(plan.op.load()), call)) return SQLITE_OK;
    const int count = ++plan.seen;
    if (count == plan.nth || (plan.sticky && count > plan.nth)) {
        plan.fired = true;
        errno = plan.system_errno;  // what the failed system call would have left
        return plan.error_code;
    }
    return SQLITE_OK;
}

}  // namespace

void register_fault_vfs(bool as_default) {
    // Over the VFS that is the default before any shim: SQLite's own.
    static sqlite3_vfs* const real = sqlite3_vfs_find(nullptr);
    sql::register_shim_vfs(fault_vfs_name, real, injected, as_default);
}

void arm_fault(FaultOp op, int nth, int error_code, bool sticky, int system_errno) {
    plan.armed = false;
    plan.system_errno = system_errno;
    plan.op = static_cast<int>(op);
    plan.nth = nth;
    plan.error_code = error_code;
    plan.sticky = sticky;
    plan.seen = 0;
    plan.fired = false;
    plan.armed = true;
}

void disarm_fault() {
    plan.armed = false;
    plan.system_errno = 0;
}
bool fault_fired() { return plan.fired; }
int fault_ops_seen() { return plan.seen; }

}  // namespace skranke::test
