// Small RAII helpers over the SQLite C API, and the mapping from SQLite result codes to
// StoreError values the UI can act on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "store/store.hpp"

namespace skranke::sql {

// The one mapping from a failure to what IT is told; every store error goes through it.
// Out of space is disk_full wherever it shows: SQLITE_FULL, or an I/O error or a failed
// open with ENOSPC or EDQUOT underneath (SQLite reports a full disk at open or sync so).
StoreErrorKind failure_kind(int sqlite_code, int system_errno);
// A failed SQLite call on db; the system error behind it comes from sqlite3_system_errno.
StoreError error_from(sqlite3* db, int code, std::string_view what);
// A failed system call outside SQLite (folders, the new file's rename), with its errno.
StoreError error_from_errno(int system_errno, std::string_view what);

// A prepared statement, reset after every use so it can be cached.
class Statement {
public:
    Statement() = default;
    Statement(sqlite3* db, std::string_view text);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    int prepare_code() const { return prepare_code_; }
    bool valid() const { return stmt_ != nullptr; }

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind_null(int index);
    Statement& bind(int index, const std::optional<std::int64_t>& value);

    int step();  // SQLITE_ROW, SQLITE_DONE or an error code
    void reset();

    std::string text(int column) const;
    std::int64_t int64(int column) const;
    bool is_null(int column) const;

private:
    sqlite3_stmt* stmt_ = nullptr;
    int prepare_code_ = SQLITE_OK;
};

// Runs one or more statements without results; SQLITE_OK or an error code.
int exec(sqlite3* db, std::string_view sql);

// A transaction guard: COMMIT ends it, and one that dies uncommitted is rolled back.
class Transaction {
public:
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    int begin_code() const { return begin_code_; }
    int commit();

protected:
    Transaction(sqlite3* db, std::string_view begin);

private:
    sqlite3* db_;
    int begin_code_;
    bool open_ = false;
};

// BEGIN IMMEDIATE: this connection is the writer until it commits.
class WriteTransaction : public Transaction {
public:
    explicit WriteTransaction(sqlite3* db) : Transaction(db, "BEGIN IMMEDIATE") {}
};

// BEGIN: one snapshot for several reads, so that what another connection commits between
// them is seen by all of them or by none. Nothing to commit; the guard ends it.
class ReadTransaction : public Transaction {
public:
    explicit ReadTransaction(sqlite3* db) : Transaction(db, "BEGIN") {}
};

}  // namespace skranke::sql
