#include "store/sqlite_util.hpp"

#include "store/vfs_shim.hpp"

#include <cerrno>
#include <system_error>
#include <utility>

namespace skranke::sql {

namespace {

bool out_of_space(int system_errno) { return system_errno == ENOSPC || system_errno == EDQUOT; }

StoreError error_of(StoreErrorKind kind, std::string_view what, const std::string& cause) {
    StoreError error;
    error.kind = kind;
    error.message_key = "error.go_to_reception";
    error.detail = kind == StoreErrorKind::disk_full
                       ? std::string(what) + ": the disk is full; free space on the disk that holds the store, then try again (" +
                             cause + ")"
                       : std::string(what) + ": " + cause;
    return error;
}

// The errno behind SQLite's last error on db: the failed call's own, as the recording VFS
// saw it, else SQLite's record (which 3.40 keeps for some failures only).
int system_errno_of(sqlite3* db, bool current) {
    const int failed = take_failed_errno();  // taken in any case: never blamed on a later error
    if (!current) return 0;
    return failed != 0 ? failed : sqlite3_system_errno(db);
}

}  // namespace

StoreErrorKind failure_kind(int sqlite_code, int system_errno) {
    const int primary = sqlite_code & 0xff;
    if (primary == SQLITE_FULL) return StoreErrorKind::disk_full;
    if ((primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN) && out_of_space(system_errno))
        return StoreErrorKind::disk_full;
    switch (primary) {
        case SQLITE_READONLY: return StoreErrorKind::read_only;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: return StoreErrorKind::corrupt;
        case SQLITE_BUSY:
        case SQLITE_LOCKED: return StoreErrorKind::busy;
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_NOMEM:
        case SQLITE_PERM:
        case SQLITE_AUTH: return StoreErrorKind::io;
        default: return StoreErrorKind::internal;
    }
}

StoreError error_from(sqlite3* db, int code, std::string_view what) {
    // SQLite's last error on db is this one: its message and the system error behind it apply.
    const bool current = db != nullptr && sqlite3_errcode(db) == code;
    const int system_errno = system_errno_of(db, current);
    std::string cause = sqlite3_errstr(code);
    if (const std::string message = current ? sqlite3_errmsg(db) : ""; !message.empty() && message != cause)
        cause += " (" + message + ")";
    const int primary = code & 0xff;
    if (system_errno != 0 && (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN))
        cause += " [" + std::system_category().message(system_errno) + "]";
    return error_of(failure_kind(code, system_errno), what, cause);
}

StoreError error_from_errno(int system_errno, std::string_view what) {
    const int code = system_errno == EROFS ? SQLITE_READONLY : SQLITE_IOERR;
    return error_of(failure_kind(code, system_errno), what, std::system_category().message(system_errno));
}

Statement::Statement(sqlite3* db, std::string_view text) {
    prepare_code_ = sqlite3_prepare_v3(db, text.data(), static_cast<int>(text.size()),
                                       SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (prepare_code_ != SQLITE_OK) {
        sqlite3_finalize(stmt_);
        stmt_ = nullptr;
    }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), prepare_code_(other.prepare_code_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        stmt_ = std::exchange(other.stmt_, nullptr);
        prepare_code_ = other.prepare_code_;
    }
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

Statement& Statement::bind_null(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind_null(index);
}

int Statement::step() { return sqlite3_step(stmt_); }

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

int exec(sqlite3* db, std::string_view sql) {
    std::string text(sql);
    return sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr);
}

Transaction::Transaction(sqlite3* db, std::string_view begin) : db_(db), begin_code_(exec(db, begin)) {
    open_ = begin_code_ == SQLITE_OK;
}

Transaction::~Transaction() {
    // A failed COMMIT may leave the transaction open (SQLite rolls back some errors itself).
    if (open_ || !sqlite3_get_autocommit(db_)) exec(db_, "ROLLBACK");
}

int Transaction::commit() {
    const int code = exec(db_, "COMMIT");
    if (code == SQLITE_OK) open_ = false;
    return code;
}

}  // namespace skranke::sql
