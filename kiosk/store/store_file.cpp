#include "store/store_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>

#include <sqlite3.h>

#include "store/vfs_shim.hpp"
#include "store/sqlite_util.hpp"

namespace skranke {

namespace fs = std::filesystem;

const StoreFileKind& device_store_kind() {
    static const StoreFileKind kind{
        0x534B524B,  // "SKRK"
        "Skranke device store",
        {"meta", "day_counters", "tickets", "outbox"},
        "the device then gets a new device id and its ticket numbers start again at 001, so a number already given "
        "today can be given twice; the device must also be enrolled with the hub again"};
    return kind;
}

const StoreFileKind& hub_log_kind() {
    static const StoreFileKind kind{
        0x534B5248,  // "SKRH"
        "Skranke hub event log (hub.db)",
        {"devices", "enrol_codes", "events", "rejections"},
        "the hub then starts with an empty event log and no enrolled devices, and every device must be enrolled "
        "again"};
    return kind;
}

const StoreFileKind& hub_staff_kind() {
    static const StoreFileKind kind{
        0x534B5253,  // "SKRS"
        "Skranke hub staff list (staff.db)",
        {"staff", "staff_sessions"},
        "every staff member must then be added again with skranke-hub staff-add"};
    return kind;
}

void CloseConnection::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

namespace {

std::atomic<unsigned> builds_started{0};

std::array<const StoreFileKind*, 3> known_kinds() { return {&device_store_kind(), &hub_log_kind(), &hub_staff_kind()}; }

// A file that is there but is not this kind of store: refused, with what IT can do about it.
// wrong_file: it holds something else (check the path); otherwise it is a store that was lost.
StoreError refused(const StoreFileSpec& spec, const std::string& problem, bool wrong_file) {
    const std::string name(spec.kind->name);
    std::string detail = spec.path.string() + ": " + problem + ". Skranke does not start a new " + name +
                         " over an existing file. ";
    if (wrong_file)
        detail += "Check the path given to the program; if it is the right one, restore the " + name + " from a backup.";
    else
        detail += "Restore the file from a backup; only if there is none, move it away and start again: " +
                  std::string(spec.kind->start_afresh) + ".";
    return StoreError{StoreErrorKind::not_a_store, "error.go_to_reception", std::move(detail), {}};
}

// Looks at the file before SQLite opens it: SQLite would fill an empty file as if it were
// new. Only stat, never open(): closing any descriptor of a file drops every POSIX lock this
// process holds on it, so another connection of ours would lose its locks and another
// process could delete the WAL under it. Whether it is SQLite at all, SQLite tells (NOTADB).
std::optional<StoreError> check_header(const StoreFileSpec& spec) {
    struct stat st {};
    if (::stat(spec.path.c_str(), &st) != 0) return sql::error_from_errno(errno, "look at " + spec.path.string());
    if (!S_ISREG(st.st_mode)) return refused(spec, "this is not a regular file", true);
    if (st.st_size == 0)
        return refused(spec, "the file is empty (0 bytes), as an interrupted copy or restore or a full disk leaves it",
                       false);
    return std::nullopt;
}

StoreError not_sqlite(const StoreFileSpec& spec) {
    return refused(spec, "the file is not a SQLite database (no SQLite header): damaged, or another kind of file", false);
}

struct Identity {
    std::int64_t application_id = 0;
    const StoreFileKind* kind = nullptr;  // nothing: not one of Skranke's files
    bool has_tables = false;
};

// Which of Skranke's files this is: by its application id, or by its tables for a file
// written before Skranke stamped one.
StoreResult<Identity> identify(sqlite3* db) {
    Identity identity;
    sql::Statement id(db, "PRAGMA application_id");
    if (!id.valid()) return sql::error_from(db, id.prepare_code(), "open store");
    int code = id.step();
    if (code != SQLITE_ROW) return sql::error_from(db, code, "open store");
    identity.application_id = id.int64(0);
    std::set<std::string, std::less<>> tables;
    sql::Statement list(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    if (!list.valid()) return sql::error_from(db, list.prepare_code(), "open store");
    while ((code = list.step()) == SQLITE_ROW) tables.insert(list.text(0));
    if (code != SQLITE_DONE) return sql::error_from(db, code, "open store");
    identity.has_tables = !tables.empty();
    for (const StoreFileKind* kind : known_kinds()) {
        bool has_all = true;
        for (std::string_view table : kind->tables) has_all = has_all && tables.count(table) != 0;
        if (identity.application_id == kind->application_id || (identity.application_id == 0 && has_all))
            identity.kind = kind;
    }
    return identity;
}

std::optional<StoreError> refusal_of(const StoreFileSpec& spec, const Identity& identity) {
    if (identity.kind == spec.kind) return std::nullopt;
    if (identity.kind != nullptr)
        return refused(spec, "this is a " + std::string(identity.kind->name) + ", not a " + std::string(spec.kind->name),
                       true);
    if (identity.application_id != 0)
        return refused(spec, "this is a SQLite database of another program (application id " +
                                 std::to_string(identity.application_id) + ")", true);
    if (identity.has_tables) return refused(spec, "this is a SQLite database of another program", true);
    return refused(spec, "the file is a SQLite database without any tables, as a first start cut short leaves it", false);
}

std::string build_prefix(const fs::path& path) { return path.filename().string() + ".creating-"; }

// Removes what a killed first start left beside the store: its temporary file and journal,
// once the process that made it is gone or it is older than any first start takes.
void remove_abandoned_builds(const fs::path& path) {
    const std::string prefix = build_prefix(path);
    std::error_code ec;
    fs::directory_iterator it(path.has_parent_path() ? path.parent_path() : fs::path("."), ec);
    for (int looked = 0; !ec && it != fs::directory_iterator() && looked < 100000; it.increment(ec), ++looked) {
        const std::string name = it->path().filename().string();
        if (name.rfind(prefix, 0) != 0) continue;
        const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        const bool owner_gone = pid > 0 && pid != getpid() && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
        std::error_code age_ec;
        const auto written = fs::last_write_time(it->path(), age_ec);
        const bool stale = !age_ec && fs::file_time_type::clock::now() - written > std::chrono::minutes(10);
        std::error_code remove_ec;
        if (owner_gone || stale) fs::remove(it->path(), remove_ec);
    }
}

// Builds the new file under a temporary name in the same folder, then gives it the store's
// name only if that name is still free: the name never points at a half-made file.
StoreResult<Done> create_file(const StoreFileSpec& spec) {
    const fs::path& path = spec.path;
    const std::string what = "create the new " + std::string(spec.kind->name);
    remove_abandoned_builds(path);
    fs::path temp = path;
    temp.replace_filename(build_prefix(path) + std::to_string(getpid()) + "-" + std::to_string(++builds_started));
    struct RemoveTemp {
        const fs::path& temp;
        ~RemoveTemp() {
            std::error_code ec;
            fs::remove(temp, ec);
            fs::remove(temp.string() + "-journal", ec);
        }
    } remove_temp{temp};
    {
        sqlite3* raw = nullptr;
        const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
        const int code = sqlite3_open_v2(temp.c_str(), &raw, flags, sql::recording_vfs(spec.vfs_name));
        const Connection db(raw);
        if (code != SQLITE_OK) return sql::error_from(raw, code, what);
        sqlite3_extended_result_codes(raw, 1);
        // No sync per step: nobody sees the file until it is synced once below and named.
        if (int c = sql::exec(raw, "PRAGMA synchronous=OFF"); c != SQLITE_OK) return sql::error_from(raw, c, what);
        const std::string stamp = "PRAGMA application_id = " + std::to_string(spec.kind->application_id);
        if (int c = sql::exec(raw, stamp); c != SQLITE_OK) return sql::error_from(raw, c, what);
        if (auto built = spec.build(raw); !built) return built.error();
    }
    if (int error = sync_path(temp, O_RDONLY)) return sql::error_from_errno(error, what);
    if (renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
        int error = errno;
        // A file system without rename-without-replace: a hard link is just as atomic.
        if (error == EINVAL || error == ENOSYS || error == EOPNOTSUPP) error = ::link(temp.c_str(), path.c_str()) == 0 ? 0 : errno;
        if (error == EEXIST) return Done{};  // another process's first start won: its file is used
        if (error != 0) return sql::error_from_errno(error, what);
    }
    if (int error = sync_path(path.has_parent_path() ? path.parent_path() : fs::path("."), O_RDONLY | O_DIRECTORY))
        return sql::error_from_errno(error, what);
    return Done{};
}

}  // namespace

int sync_path(const fs::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return errno;
    const int error = fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    return error;
}

StoreResult<Connection> open_store_file(const StoreFileSpec& spec) {
    const fs::path& path = spec.path;
    if (path.has_parent_path()) {
        std::error_code ec;
        fs::create_directories(path.parent_path(), ec);
        if (ec) return sql::error_from_errno(ec.value(), "create the folder " + path.parent_path().string());
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int error = errno;
        if (error != ENOENT) return sql::error_from_errno(error, "look for " + path.string());
        if (!spec.create_if_missing)
            return StoreError{StoreErrorKind::io, "error.go_to_reception",
                              path.string() + " does not exist: no " + std::string(spec.kind->name) +
                                  " has been made there (the program makes one at its first start)", {}};
        if (auto made = create_file(spec); !made) return made.error();
    }
    if (auto problem = check_header(spec)) return *problem;

    sqlite3* raw = nullptr;
    // No SQLITE_OPEN_CREATE: a file that vanished since is an error, not a new empty store.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    const int code = sqlite3_open_v2(path.c_str(), &raw, flags, sql::recording_vfs(spec.vfs_name));
    Connection db(raw);
    if (code != SQLITE_OK) return sql::error_from(raw, code, "open store");
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, spec.busy_timeout_ms);
    auto identity = identify(raw);
    if (!identity) {
        if ((sqlite3_extended_errcode(raw) & 0xff) == SQLITE_NOTADB) return not_sqlite(spec);
        return identity.error();
    }
    if (auto refusal = refusal_of(spec, *identity)) return *refusal;

    // Durability first: WAL with a full sync on every commit, so a power cut loses nothing
    // that was shown to anyone.
    {
        sql::Statement wal(raw, "PRAGMA journal_mode=WAL");
        if (!wal.valid()) return sql::error_from(raw, wal.prepare_code(), "open store");
        const int c = wal.step();
        if (c != SQLITE_ROW) return sql::error_from(raw, c, "set WAL mode");
        if (wal.text(0) != "wal")
            return StoreError{StoreErrorKind::internal, "error.go_to_reception", "store refused WAL mode: " + wal.text(0), {}};
    }
    if (int c = sql::exec(raw, "PRAGMA synchronous=FULL"); c != SQLITE_OK) return sql::error_from(raw, c, "configure store");
    // A write-ahead log that grew in a burst is cut back to 8 MiB when a checkpoint starts it
    // over: a device that runs for a year does not keep its largest day's log on disk.
    if (int c = sql::exec(raw, "PRAGMA journal_size_limit=8388608"); c != SQLITE_OK)
        return sql::error_from(raw, c, "configure store");
    if (identity->application_id == 0) {
        // A file of an older Skranke, recognised by its tables: from now on by its id too.
        const std::string stamp = "PRAGMA application_id = " + std::to_string(spec.kind->application_id);
        if (int c = sql::exec(raw, stamp); c != SQLITE_OK) return sql::error_from(raw, c, "mark the store's kind");
    }
    return db;
}

}  // namespace skranke
