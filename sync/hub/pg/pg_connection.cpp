#include "hub/pg/pg_connection.hpp"

#include <vector>

#include <poll.h>
#include <cerrno>
#include <charconv>
#include <cstdlib>

#include <libpq-fe.h>

namespace skranke::hub::pg {

namespace {

// libpq's messages end in a newline; a log line does not.
std::string trimmed(const char* message) {
    std::string text = message == nullptr ? std::string() : std::string(message);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

// The password as written in a connection string, found without libpq (which cannot read a
// malformed one): user:password@ in a URL, password=... in a URL's query or in key=value form.
std::string written_password(const std::string& url) {
    if (const auto scheme = url.find("://"); scheme != std::string::npos) {
        const auto host_start = url.find_first_of("/?", scheme + 3);
        const auto at = url.rfind('@', host_start == std::string::npos ? std::string::npos : host_start);
        const auto colon = url.find(':', scheme + 3);
        if (at != std::string::npos && at > scheme && colon != std::string::npos && colon < at)
            return url.substr(colon + 1, at - colon - 1);
    }
    const auto key = url.find("password=");
    if (key == std::string::npos) return {};
    const auto value = key + std::string_view("password=").size();
    return url.substr(value, url.find_first_of(" &", value) - value);
}

// A message about a connection string with its password blanked out: libpq quotes a string it
// cannot read, whole or in part.
std::string without_password(std::string message, const std::string& url) {
    std::vector<std::string> secrets;
    if (auto written = written_password(url); !written.empty()) secrets.push_back(std::move(written));
    if (PQconninfoOption* options = PQconninfoParse(url.c_str(), nullptr)) {
        for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o)
            if (std::string_view(o->keyword) == "password" && o->val != nullptr && *o->val != '\0')
                secrets.emplace_back(o->val);
        PQconninfoFree(options);
    }
    for (const std::string& secret : secrets)
        for (auto at = message.find(secret); at != std::string::npos; at = message.find(secret, at + 3))
            message.replace(at, secret.size(), "***");
    return message;
}

std::string where_of(PGconn* conn) {
    const char* host = PQhost(conn);
    const char* port = PQport(conn);
    const char* db = PQdb(conn);
    if (host == nullptr || *host == '\0') return "(its address could not be read)";
    return std::string(host) + ":" + (port && *port ? port : "5432") + "/" + (db ? db : "?");
}

}  // namespace

Rows::Rows(pg_result* result) : result_(result, PQclear) {}
int Rows::count() const {
    return PQntuples(result_.get());
}
int Rows::columns() const {
    return PQnfields(result_.get());
}
bool Rows::null(int row, int column) const {
    return PQgetisnull(result_.get(), row, column) != 0;
}
std::string_view Rows::text(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column), static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}
std::int64_t Rows::int64(int row, int column) const {
    const std::string_view t = text(row, column);
    std::int64_t value = 0;
    std::from_chars(t.data(), t.data() + t.size(), value);
    return value;
}

std::int64_t Rows::affected() const {
    const char* n = PQcmdTuples(result_.get());
    return n == nullptr || *n == '\0' ? 0 : std::strtoll(n, nullptr, 10);
}

Connection::Connection(pg_conn* conn) : conn_(conn, PQfinish) {}

PgResult<Connection> Connection::open(const std::string& url, int connect_timeout_s) {
    // The URL's own connect_timeout wins; otherwise ours, so an unreachable server is said in time.
    // (libpq: a key after dbname would override the URL's, so ours come first.)
    const std::string timeout = std::to_string(connect_timeout_s);
    const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {timeout.c_str(), "skranke-hub", url.c_str(), nullptr};
    PGconn* raw = PQconnectdbParams(keys, values, 1);
    if (raw == nullptr) return PgError{{}, "cannot connect to the office database: out of memory", true};
    Connection c(raw);
    if (PQstatus(raw) != CONNECTION_OK)
        return PgError{
            {},
            without_password(
                "cannot connect to the office database at " + where_of(raw) + ": " + trimmed(PQerrorMessage(raw)), url),
            true};
    // Times and text as Skranke writes them whatever the server's defaults; notices (such as
    // "already exists, skipping") stay out of the hub's output. A lock held elsewhere longer
    // than lock_timeout (another hub stuck in a write) fails the statement, as hub.db's busy
    // timeout does: the device is answered 503 and tries again, never left hanging.
    if (auto set = c.exec("SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'; SET client_min_messages = warning;"
                          " SET lock_timeout = '5s'");
        !set)
        return set.error();
    return c;
}

std::string Connection::where() const {
    return where_of(conn_.get());
}

PgError Connection::error_of(std::string_view doing, pg_result* result) const {
    PgError e;
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (state) e.sqlstate = state;
    e.connection_lost = PQstatus(conn_.get()) != CONNECTION_OK;
    const char* message = result ? PQresultErrorMessage(result) : nullptr;
    e.detail = std::string(doing) + " on the office database at " + where() + ": " +
               trimmed(message && *message ? message : PQerrorMessage(conn_.get()));
    return e;
}

PgResult<Rows> Connection::run(const std::string& sql, const std::vector<Param>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult* r = PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                               nullptr, nullptr, 0);
    Rows rows(r);  // cleared on every path
    const ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return error_of("a statement failed", r);
    ++answered_;
    return rows;
}

PgResult<Done> Connection::exec(const std::string& sql) {
    PGresult* r = PQexec(conn_.get(), sql.c_str());
    Rows owner(r);
    const ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return error_of("a statement failed", r);
    ++answered_;
    return Done{};
}

PgResult<Transaction> Transaction::begin(Connection& db) {
    if (auto begun = db.exec("BEGIN"); !begun) return begun.error();
    return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_), open_(other.open_) {
    other.open_ = false;
}

Transaction::~Transaction() {
    if (open_) db_->exec("ROLLBACK");  // on a lost connection the server has rolled back already
}

PgResult<Done> Transaction::commit() {
    open_ = false;
    return db_->exec("COMMIT");
}

bool Connection::alive() {
    if (PQstatus(conn_.get()) != CONNECTION_OK) return false;
    // A closed socket is read as the end of the connection, and PQstatus says so after it:
    // twice, since a server that shuts down sends its farewell message before it closes, and
    // one read takes only the message.
    for (int read = 0; read < 2 && PQstatus(conn_.get()) == CONNECTION_OK; ++read) PQconsumeInput(conn_.get());
    return PQstatus(conn_.get()) == CONNECTION_OK;
}

PgResult<Connection*> Link::get() {
    if (!connection_ || !connection_->alive()) {
        connection_.reset();
        auto opened = Connection::open(url_, connect_timeout_s_);
        if (!opened) return opened.error();
        connection_.emplace(std::move(opened).value());
    }
    return &*connection_;
}

StoreError store_error_of(const PgError& error) {
    StoreError e;
    e.kind = error.connection_lost ? StoreErrorKind::io : StoreErrorKind::internal;
    e.message_key = "error.go_to_reception";
    e.detail = error.detail;
    return e;
}

PgResult<std::optional<Notification>> Connection::wait_notification(int timeout_ms) {
    PGconn* c = conn_.get();
    auto take = [c]() -> std::optional<Notification> {
        PGnotify* n = PQnotifies(c);
        if (n == nullptr) return std::nullopt;
        Notification got{n->relname ? n->relname : "", n->extra ? n->extra : ""};
        PQfreemem(n);
        return got;
    };
    if (auto ready = take()) return ready;
    pollfd fd{PQsocket(c), POLLIN, 0};
    if (fd.fd < 0) return error_of("waiting for a notification", nullptr);
    const int polled = ::poll(&fd, 1, timeout_ms);
    if (polled < 0 && errno != EINTR) return error_of("waiting for a notification", nullptr);
    if (polled > 0 && PQconsumeInput(c) == 0) return error_of("waiting for a notification", nullptr);
    return take();
}

}  // namespace skranke::hub::pg
