// One connection to an office database on PostgreSQL, through libpq (Debian's libpq-dev).
// libpq rather than libpqxx: the hub's errors are values (Result), not exceptions, and the
// long-poll wake-ups need the connection's socket and LISTEN/NOTIFY, which libpq gives as
// they are. Every message names the server (host, port, database), never the password.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "store/store.hpp"

struct pg_conn;
struct pg_result;

namespace skranke::hub::pg {

struct PgError {
    std::string sqlstate;          // SQLSTATE of a statement's error ("40001", "23505", ...); empty otherwise
    std::string detail;            // for IT logs: the server's message and where, never a password
    bool connection_lost = false;  // the server went away: open a new connection and try again
};

template <typename T>
using PgResult = Result<T, PgError>;

// The error as the hub's stores give theirs (the hub answers 503; IT reads the detail): io
// when the server went away, else internal.
StoreError store_error_of(const PgError& error);

// A statement's answer: rows of text values (libpq's text format).
class Rows {
public:
    explicit Rows(pg_result* result);
    int count() const;
    int columns() const;
    bool null(int row, int column) const;
    std::string_view text(int row, int column) const;
    std::int64_t int64(int row, int column) const;  // a BIGINT column (0 when NULL)
    std::int64_t affected() const;                  // rows an INSERT, UPDATE or DELETE changed

private:
    std::shared_ptr<pg_result> result_;
};

// A notification a LISTEN on this connection received.
struct Notification {
    std::string channel;
    std::string payload;
};

// A parameter: text, or NULL.
using Param = std::optional<std::string>;

class Connection {
public:
    // url: postgresql://user[:password]@host[:port]/database[?options] or libpq's key=value form.
    static PgResult<Connection> open(const std::string& url, int connect_timeout_s = 10);

    // One statement with $1.. parameters, run as it is (libpq's extended protocol).
    PgResult<Rows> run(const std::string& sql, const std::vector<Param>& params = {});
    // Statements without parameters, separated by semicolons (schema steps, BEGIN, COMMIT).
    PgResult<Done> exec(const std::string& sql);

    // LISTEN has been run: waits at most timeout_ms for the next notification (none: nothing came).
    PgResult<std::optional<Notification>> wait_notification(int timeout_ms);

    // "host:port/database", for messages.
    std::string where() const;
    // False once the server went away: open a new connection. Reads what the server sent
    // meanwhile first (without waiting), so a restart or shutdown it announced is seen here,
    // before a statement is sent.
    bool alive();
    // How many statements this connection has had answered.
    std::uint64_t answered() const { return answered_; }
    pg_conn* get() const { return conn_.get(); }

private:
    explicit Connection(pg_conn* conn);
    PgError error_of(std::string_view doing, pg_result* result) const;
    std::shared_ptr<pg_conn> conn_;
    std::uint64_t answered_ = 0;
};

// A connection to the office database that is opened again when the server lost it (a
// restart, a fast shutdown, a server that went away and came back). Its owner serialises the
// calls.
class Link {
public:
    Link(std::string url, int connect_timeout_s) : url_(std::move(url)), connect_timeout_s_(connect_timeout_s) {}
    // The connection, opened anew when there is none or the server lost the one there was.
    PgResult<Connection*> get();
    // The connection as it is, without opening one (nullptr: none).
    Connection* current() { return connection_ ? &*connection_ : nullptr; }

    // Runs work on the connection. When the connection turns out lost before the server
    // answered any of work's statements, work runs once more on a new connection: the server
    // kept nothing of it. Lost after a statement was answered, the error is returned and
    // nothing runs again, since a COMMIT may or may not have been kept; a work whose first
    // statement changes something on its own (no BEGIN before it) must be one that may run twice.
    template <class T, class Work>
    PgResult<T> run(Work&& work) {
        for (int attempt = 0;; ++attempt) {
            auto db = get();
            if (!db) return db.error();
            const std::uint64_t before = (*db)->answered();
            PgResult<T> done = work(**db);
            if (done || !done.error().connection_lost) return done;
            const bool nothing_answered = (*db)->answered() == before;
            connection_.reset();  // the next use opens a new one
            if (!nothing_answered || attempt > 0) return done;
        }
    }

private:
    std::string url_;
    int connect_timeout_s_;
    std::optional<Connection> connection_;
};

// BEGIN when made; ROLLBACK when it goes out of scope uncommitted (also after a statement
// failed: PostgreSQL has then aborted it, and only ROLLBACK ends it).
class Transaction {
public:
    static PgResult<Transaction> begin(Connection& db);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    // Ends the transaction whatever comes of it (a failed COMMIT has rolled back).
    PgResult<Done> commit();

private:
    explicit Transaction(Connection& db) : db_(&db) {}
    Connection* db_;
    bool open_ = true;
};

}  // namespace skranke::hub::pg
