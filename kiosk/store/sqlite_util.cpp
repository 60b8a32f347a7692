#include "store/sqlite_util.hpp"

#include <utility>

namespace skranke::sql {

StoreError error_from(sqlite3* db, int code, std::string_view what) {
    StoreError error;
    error.message_key = "error.go_to_reception";
    switch (code & 0xff) {
        case SQLITE_FULL: error.kind = StoreErrorKind::disk_full; break;
        case SQLITE_READONLY: error.kind = StoreErrorKind::read_only; break;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: error.kind = StoreErrorKind::corrupt; break;
        case SQLITE_BUSY:
        case SQLITE_LOCKED: error.kind = StoreErrorKind::busy; break;
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_NOMEM:
        case SQLITE_PERM:
        case SQLITE_AUTH: error.kind = StoreErrorKind::io; break;
        default: error.kind = StoreErrorKind::internal; break;
    }
    error.detail = std::string(what) + ": " + sqlite3_errstr(code);
    if (db != nullptr && sqlite3_errcode(db) == code) error.detail += std::string(" (") + sqlite3_errmsg(db) + ")";
    return error;
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

WriteTransaction::WriteTransaction(sqlite3* db) : db_(db), begin_code_(exec(db, "BEGIN IMMEDIATE")) {
    open_ = begin_code_ == SQLITE_OK;
}

WriteTransaction::~WriteTransaction() {
    // A failed COMMIT may leave the transaction open (SQLite rolls back some errors itself).
    if (open_ || !sqlite3_get_autocommit(db_)) exec(db_, "ROLLBACK");
}

int WriteTransaction::commit() {
    const int code = exec(db_, "COMMIT");
    if (code == SQLITE_OK) open_ = false;
    return code;
}

}  // namespace skranke::sql
