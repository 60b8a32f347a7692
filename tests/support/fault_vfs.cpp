#include "support/fault_vfs.hpp"

#include <atomic>
#include <cstring>

#include <sqlite3.h>

namespace skranke::test {
namespace {

struct Plan {
    std::atomic<bool> armed{false};
    std::atomic<int> op{0};
    std::atomic<int> nth{0};
    std::atomic<int> error_code{SQLITE_IOERR};
    std::atomic<bool> sticky{false};
    std::atomic<int> seen{0};
    std::atomic<bool> fired{false};
};
Plan plan;

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs fault_vfs;

struct FaultFile {
    sqlite3_file base;
    sqlite3_file* real;
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }

// Counts a matching operation and says whether it must fail.
int injected(FaultOp op) {
    if (!plan.armed) return SQLITE_OK;
    const auto armed_op = static_cast<FaultOp>(plan.op.load());
    if (armed_op != FaultOp::any && armed_op != op) return SQLITE_OK;
    const int count = ++plan.seen;
    if (count == plan.nth || (plan.sticky && count > plan.nth)) {
        plan.fired = true;
        return plan.error_code;
    }
    return SQLITE_OK;
}

int f_close(sqlite3_file* f) {
    sqlite3_file* r = real_of(f);
    const int rc = r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
    f->pMethods = nullptr;
    return rc;
}
int f_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
    return real_of(f)->pMethods->xRead(real_of(f), buf, amount, offset);
}
int f_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
    if (int rc = injected(FaultOp::write); rc != SQLITE_OK) return rc;
    return real_of(f)->pMethods->xWrite(real_of(f), buf, amount, offset);
}
int f_truncate(sqlite3_file* f, sqlite3_int64 size) {
    if (int rc = injected(FaultOp::write); rc != SQLITE_OK) return rc;
    return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
int f_sync(sqlite3_file* f, int flags) {
    if (int rc = injected(FaultOp::sync); rc != SQLITE_OK) return rc;
    return real_of(f)->pMethods->xSync(real_of(f), flags);
}
int f_file_size(sqlite3_file* f, sqlite3_int64* size) { return real_of(f)->pMethods->xFileSize(real_of(f), size); }
int f_lock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xLock(real_of(f), level); }
int f_unlock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xUnlock(real_of(f), level); }
int f_check_reserved(sqlite3_file* f, int* out) {
    return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
int f_file_control(sqlite3_file* f, int op, void* arg) {
    return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int f_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int f_device_characteristics(sqlite3_file* f) {
    return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}
int f_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
    return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
}
int f_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void f_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int f_shm_unmap(sqlite3_file* f, int delete_flag) {
    return real_of(f)->pMethods->xShmUnmap(real_of(f), delete_flag);
}
int f_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
    return real_of(f)->pMethods->xFetch(real_of(f), offset, amount, out);
}
int f_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
    return real_of(f)->pMethods->xUnfetch(real_of(f), offset, p);
}

const sqlite3_io_methods fault_methods = {
    3,           f_close,     f_read,         f_write,       f_truncate,   f_sync,
    f_file_size, f_lock,      f_unlock,       f_check_reserved, f_file_control, f_sector_size,
    f_device_characteristics, f_shm_map,   f_shm_lock,    f_shm_barrier, f_shm_unmap, f_fetch,
    f_unfetch,
};

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    auto* ff = reinterpret_cast<FaultFile*>(file);
    ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
    std::memset(ff->real, 0, static_cast<std::size_t>(real_vfs->szOsFile));
    const int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
    file->pMethods = ff->real->pMethods ? &fault_methods : nullptr;
    return rc;
}
int v_delete(sqlite3_vfs*, const char* name, int sync_dir) {
    if (int rc = injected(FaultOp::write); rc != SQLITE_OK) return rc;
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) {
    return real_vfs->xAccess(real_vfs, name, flags, out);
}
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}
void* v_dl_open(sqlite3_vfs*, const char* name) { return real_vfs->xDlOpen(real_vfs, name); }
void v_dl_error(sqlite3_vfs*, int n, char* msg) { real_vfs->xDlError(real_vfs, n, msg); }
void (*v_dl_sym(sqlite3_vfs*, void* handle, const char* sym))(void) {
    return real_vfs->xDlSym(real_vfs, handle, sym);
}
void v_dl_close(sqlite3_vfs*, void* handle) { real_vfs->xDlClose(real_vfs, handle); }
int v_randomness(sqlite3_vfs*, int n, char* out) { return real_vfs->xRandomness(real_vfs, n, out); }
int v_sleep(sqlite3_vfs*, int micros) { return real_vfs->xSleep(real_vfs, micros); }
int v_current_time(sqlite3_vfs*, double* out) { return real_vfs->xCurrentTime(real_vfs, out); }
int v_get_last_error(sqlite3_vfs*, int n, char* out) { return real_vfs->xGetLastError(real_vfs, n, out); }
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

}  // namespace

void register_fault_vfs() {
    if (real_vfs != nullptr) return;
    real_vfs = sqlite3_vfs_find(nullptr);
    fault_vfs = sqlite3_vfs{};
    fault_vfs.iVersion = 2;
    fault_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + real_vfs->szOsFile;
    fault_vfs.mxPathname = real_vfs->mxPathname;
    fault_vfs.zName = fault_vfs_name;
    fault_vfs.xOpen = v_open;
    fault_vfs.xDelete = v_delete;
    fault_vfs.xAccess = v_access;
    fault_vfs.xFullPathname = v_full_pathname;
    fault_vfs.xDlOpen = v_dl_open;
    fault_vfs.xDlError = v_dl_error;
    fault_vfs.xDlSym = v_dl_sym;
    fault_vfs.xDlClose = v_dl_close;
    fault_vfs.xRandomness = v_randomness;
    fault_vfs.xSleep = v_sleep;
    fault_vfs.xCurrentTime = v_current_time;
    fault_vfs.xGetLastError = v_get_last_error;
    fault_vfs.xCurrentTimeInt64 = v_current_time_int64;
    sqlite3_vfs_register(&fault_vfs, 0);
}

void arm_fault(FaultOp op, int nth, int error_code, bool sticky) {
    plan.armed = false;
    plan.op = static_cast<int>(op);
    plan.nth = nth;
    plan.error_code = error_code;
    plan.sticky = sticky;
    plan.seen = 0;
    plan.fired = false;
    plan.armed = true;
}

void disarm_fault() { plan.armed = false; }
bool fault_fired() { return plan.fired; }
int fault_ops_seen() { return plan.seen; }

}  // namespace skranke::test
