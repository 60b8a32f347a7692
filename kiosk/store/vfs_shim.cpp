#include "store/vfs_shim.hpp"

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>

#include <sqlite3.h>

namespace skranke::sql {
namespace {

thread_local int failed_errno = 0;

struct Shim {
    sqlite3_vfs vfs{};
    sqlite3_vfs* real = nullptr;
    FileCallGate gate = nullptr;
    std::string name;
};

struct ShimFile {
    sqlite3_file base;
    sqlite3_file* real;
    const Shim* shim;
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->real; }
sqlite3_vfs* real_vfs(sqlite3_vfs* vfs) { return static_cast<Shim*>(vfs->pAppData)->real; }

int gated(const Shim* shim, FileCall call) { return shim->gate != nullptr ? shim->gate(call) : SQLITE_OK; }

// After a call on a file (errno cleared before it): on failure, the errno the call left,
// else the one the real VFS kept for that file (the unix VFS keeps it per file). A gated
// shim (a test's fault layer) records nothing: the recording shim above it does.
int noted(const Shim* shim, sqlite3_file* real, int rc, int call_errno) {
    if (shim->gate != nullptr || rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return rc;
    int kept = 0;
    if (call_errno == 0 && real->pMethods != nullptr &&
        real->pMethods->xFileControl(real, SQLITE_FCNTL_LAST_ERRNO, &kept) != SQLITE_OK)
        kept = 0;
    failed_errno = call_errno != 0 ? call_errno : kept;
    return rc;
}

// A call on a file through the gate, with the errno of a failure recorded.
template <typename Run>
int guarded(sqlite3_file* f, FileCall call, Run&& run) {
    const auto* file = reinterpret_cast<ShimFile*>(f);
    errno = 0;
    int rc = gated(file->shim, call);
    if (rc == SQLITE_OK) {
        errno = 0;
        rc = run(file->real);
    }
    return noted(file->shim, file->real, rc, errno);
}

int f_close(sqlite3_file* f) {
    sqlite3_file* r = real_of(f);
    const int rc = r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
    f->pMethods = nullptr;
    return rc;
}
int f_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
    errno = 0;
    const int rc = real_of(f)->pMethods->xRead(real_of(f), buf, amount, offset);
    return rc == SQLITE_IOERR_SHORT_READ ? rc : noted(reinterpret_cast<ShimFile*>(f)->shim, real_of(f), rc, errno);
}
int f_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
    return guarded(f, FileCall::write, [&](sqlite3_file* r) { return r->pMethods->xWrite(r, buf, amount, offset); });
}
int f_truncate(sqlite3_file* f, sqlite3_int64 size) {
    return guarded(f, FileCall::truncate, [&](sqlite3_file* r) { return r->pMethods->xTruncate(r, size); });
}
int f_sync(sqlite3_file* f, int flags) {
    return guarded(f, FileCall::sync, [&](sqlite3_file* r) { return r->pMethods->xSync(r, flags); });
}
int f_file_size(sqlite3_file* f, sqlite3_int64* size) { return real_of(f)->pMethods->xFileSize(real_of(f), size); }
int f_lock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xLock(real_of(f), level); }
int f_unlock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xUnlock(real_of(f), level); }
int f_check_reserved(sqlite3_file* f, int* out) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out); }
int f_file_control(sqlite3_file* f, int op, void* arg) {
    return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int f_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int f_device_characteristics(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
int f_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
    *out = nullptr;
    return guarded(f, FileCall::shm_map, [&](sqlite3_file* r) { return r->pMethods->xShmMap(r, page, size, extend, out); });
}
int f_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void f_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int f_shm_unmap(sqlite3_file* f, int delete_flag) { return real_of(f)->pMethods->xShmUnmap(real_of(f), delete_flag); }
int f_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
    return real_of(f)->pMethods->xFetch(real_of(f), offset, amount, out);
}
int f_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
    return real_of(f)->pMethods->xUnfetch(real_of(f), offset, p);
}

// Version 3 methods: a real file of an older version is refused at open (SQLite's own
// unix VFS and the tests' shim are version 3).
const sqlite3_io_methods shim_methods = {
    3,           f_close,     f_read,         f_write,       f_truncate,   f_sync,
    f_file_size, f_lock,      f_unlock,       f_check_reserved, f_file_control, f_sector_size,
    f_device_characteristics, f_shm_map,   f_shm_lock,    f_shm_barrier, f_shm_unmap, f_fetch,
    f_unfetch,
};

int v_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    const auto* shim = static_cast<const Shim*>(vfs->pAppData);
    auto* sf = reinterpret_cast<ShimFile*>(file);
    sf->real = reinterpret_cast<sqlite3_file*>(sf + 1);
    sf->shim = shim;
    std::memset(sf->real, 0, static_cast<std::size_t>(shim->real->szOsFile));
    file->pMethods = nullptr;
    errno = 0;
    int rc = gated(shim, FileCall::open);
    if (rc == SQLITE_OK) {
        errno = 0;
        rc = shim->real->xOpen(shim->real, name, sf->real, flags, out_flags);
    }
    const int call_errno = errno;
    if (rc == SQLITE_OK && sf->real->pMethods != nullptr && sf->real->pMethods->iVersion < 3) {
        sf->real->pMethods->xClose(sf->real);
        return SQLITE_CANTOPEN;
    }
    file->pMethods = sf->real->pMethods != nullptr ? &shim_methods : nullptr;
    if (rc != SQLITE_OK && shim->gate == nullptr) failed_errno = call_errno;
    return rc;
}
int v_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
    errno = 0;
    int rc = gated(static_cast<const Shim*>(vfs->pAppData), FileCall::remove);
    if (rc == SQLITE_OK) {
        errno = 0;
        rc = real_vfs(vfs)->xDelete(real_vfs(vfs), name, sync_dir);
    }
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_DELETE_NOENT && static_cast<const Shim*>(vfs->pAppData)->gate == nullptr)
        failed_errno = errno;
    return rc;
}
int v_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
    return real_vfs(vfs)->xAccess(real_vfs(vfs), name, flags, out);
}
int v_full_pathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
    return real_vfs(vfs)->xFullPathname(real_vfs(vfs), name, n, out);
}
void* v_dl_open(sqlite3_vfs* vfs, const char* name) { return real_vfs(vfs)->xDlOpen(real_vfs(vfs), name); }
void v_dl_error(sqlite3_vfs* vfs, int n, char* msg) { real_vfs(vfs)->xDlError(real_vfs(vfs), n, msg); }
void (*v_dl_sym(sqlite3_vfs* vfs, void* handle, const char* sym))(void) {
    return real_vfs(vfs)->xDlSym(real_vfs(vfs), handle, sym);
}
void v_dl_close(sqlite3_vfs* vfs, void* handle) { real_vfs(vfs)->xDlClose(real_vfs(vfs), handle); }
int v_randomness(sqlite3_vfs* vfs, int n, char* out) { return real_vfs(vfs)->xRandomness(real_vfs(vfs), n, out); }
int v_sleep(sqlite3_vfs* vfs, int micros) { return real_vfs(vfs)->xSleep(real_vfs(vfs), micros); }
int v_current_time(sqlite3_vfs* vfs, double* out) { return real_vfs(vfs)->xCurrentTime(real_vfs(vfs), out); }
int v_get_last_error(sqlite3_vfs* vfs, int n, char* out) {
    return real_vfs(vfs)->xGetLastError(real_vfs(vfs), n, out);
}
int v_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
    return real_vfs(vfs)->xCurrentTimeInt64(real_vfs(vfs), out);
}

}  // namespace

const char* register_shim_vfs(const std::string& name, sqlite3_vfs* base, FileCallGate gate, bool as_default) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<Shim>> shims;  // registered for the process's life
    std::lock_guard lock(mutex);
    if (const auto found = shims.find(name); found != shims.end()) {
        if (as_default) sqlite3_vfs_register(&found->second->vfs, 1);
        return found->second->name.c_str();
    }
    sqlite3_vfs* real = base != nullptr ? base : sqlite3_vfs_find(nullptr);
    if (real == nullptr || real->iVersion < 2) return nullptr;
    auto shim = std::make_unique<Shim>();
    shim->real = real;
    shim->gate = gate;
    shim->name = name;
    sqlite3_vfs& vfs = shim->vfs;
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(ShimFile)) + real->szOsFile;
    vfs.mxPathname = real->mxPathname;
    vfs.zName = shim->name.c_str();
    vfs.pAppData = shim.get();
    vfs.xOpen = v_open;
    vfs.xDelete = v_delete;
    vfs.xAccess = v_access;
    vfs.xFullPathname = v_full_pathname;
    vfs.xDlOpen = v_dl_open;
    vfs.xDlError = v_dl_error;
    vfs.xDlSym = v_dl_sym;
    vfs.xDlClose = v_dl_close;
    vfs.xRandomness = v_randomness;
    vfs.xSleep = v_sleep;
    vfs.xCurrentTime = v_current_time;
    vfs.xGetLastError = v_get_last_error;
    vfs.xCurrentTimeInt64 = v_current_time_int64;
    if (sqlite3_vfs_register(&vfs, as_default ? 1 : 0) != SQLITE_OK) return nullptr;
    return shims.emplace(name, std::move(shim)).first->second->name.c_str();
}

const char* recording_vfs(const std::string& base) {
    sqlite3_vfs* real = sqlite3_vfs_find(base.empty() ? nullptr : base.c_str());
    if (real == nullptr) return base.c_str();  // SQLite's open then says there is no such VFS
    const std::string prefix = "skranke-errno-";
    if (std::string_view(real->zName).substr(0, prefix.size()) == prefix) return real->zName;
    const char* name = register_shim_vfs(prefix + real->zName, real, nullptr, false);
    return name != nullptr ? name : real->zName;
}

int take_failed_errno() { return std::exchange(failed_errno, 0); }

}  // namespace skranke::sql
