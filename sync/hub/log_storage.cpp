#include "hub/log_storage.hpp"

#include "store/sqlite_util.hpp"

namespace skranke::hub {

namespace {

constexpr std::string_view entry_columns = "hub_seq, received_ms, device_clock_offset_ms, body";

// A row selected with entry_columns.
protocol::LogEntry entry_of(const sql::Statement& q) {
    protocol::LogEntry e;
    e.hub_seq = q.int64(0);
    e.received_ms = q.int64(1);
    if (!q.is_null(2)) e.device_clock_offset_ms = q.int64(2);
    e.event_json = q.text(3);
    return e;
}

// Every row of a statement to each; the statement is reset.
StoreResult<Done> each_entry(sqlite3* db, sql::Statement& q, const std::function<void(protocol::LogEntry&&)>& each,
                             const char* doing) {
    int c;
    while ((c = q.step()) == SQLITE_ROW) each(entry_of(q));
    q.reset();
    if (c != SQLITE_DONE) return sql::error_from(db, c, doing);
    return Done{};
}

// A statement that writes one row, run and reset.
StoreResult<Done> run_write(sqlite3* db, sql::Statement& q, const char* doing) {
    const int c = q.step();
    q.reset();
    if (c != SQLITE_DONE) return sql::error_from(db, c, doing);
    return Done{};
}

}  // namespace

struct SqliteLogStorage::Statements {
    sql::Statement find_event;
    sql::Statement find_rejection;
    sql::Statement insert_event;
    sql::Statement insert_rejection;
    sql::Statement personal_rows;
    sql::Statement remove_personal;
};

struct SqliteLogStorage::ReadStatements {
    sql::Statement read_log;
    sql::Statement first_from;
};

struct SqliteLogStorage::Write {
    explicit Write(sqlite3* db) : tx(db) {}
    sql::WriteTransaction tx;
};

StoreResult<std::unique_ptr<SqliteLogStorage>> SqliteLogStorage::open(HubWriter& writer, Connection reader) {
    std::unique_ptr<SqliteLogStorage> storage(new SqliteLogStorage(writer, std::move(reader)));
    auto reads = std::make_unique<ReadStatements>();
    sqlite3* rdb = storage->reader_.get();
    reads->read_log =
        sql::Statement(rdb, "SELECT " + std::string(entry_columns) +
                                " FROM events WHERE hub_seq > ?1 AND hub_seq <= ?2 ORDER BY hub_seq LIMIT ?3");
    reads->first_from =
        sql::Statement(rdb, "SELECT hub_seq, received_ms FROM events WHERE hub_seq >= ?1 ORDER BY hub_seq LIMIT 1");
    for (sql::Statement* st : {&reads->read_log, &reads->first_from})
        if (!st->valid()) return sql::error_from(rdb, st->prepare_code(), "prepare log reads");
    storage->reads_ = std::move(reads);

    auto prepared = writer.run([&](sqlite3* db) -> StoreResult<Done> {
        auto s = std::make_unique<Statements>();
        s->find_event =
            sql::Statement(db, "SELECT hub_seq, body_hash, body, personal_removed FROM events WHERE event_id = ?1");
        s->find_rejection = sql::Statement(db, "SELECT body_hash, code, message FROM rejections WHERE event_id = ?1");
        s->insert_event =
            sql::Statement(db,
                           "INSERT INTO events (event_id, device_id, device_seq, type, body, body_hash, received_ms,"
                           " device_clock_offset_ms, hub_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        s->insert_rejection = sql::Statement(
            db, "INSERT INTO rejections (event_id, body_hash, code, message, rejected_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
        s->personal_rows = sql::Statement(
            db,
            "SELECT hub_seq, body FROM events WHERE personal_removed = 0 AND received_ms < ?1 AND hub_seq > ?2"
            " ORDER BY hub_seq LIMIT ?3");
        s->remove_personal = sql::Statement(db, "UPDATE events SET body = ?2, personal_removed = 1 WHERE hub_seq = ?1");
        for (sql::Statement* st : {&s->find_event, &s->find_rejection, &s->insert_event, &s->insert_rejection,
                                   &s->personal_rows, &s->remove_personal})
            if (!st->valid()) return sql::error_from(db, st->prepare_code(), "prepare hub statements");
        storage->statements_ = std::move(s);
        storage->db_ = db;
        return Done{};
    });
    if (!prepared) return prepared.error();
    return storage;
}

SqliteLogStorage::SqliteLogStorage(HubWriter& writer, Connection reader)
    : writer_(writer), reader_(std::move(reader)) {}

SqliteLogStorage::~SqliteLogStorage() = default;

void SqliteLogStorage::exclusive(const std::function<void()>& work) {
    writer_.run([&](sqlite3*) { work(); });
}

StoreResult<LogFacts> SqliteLogStorage::facts() {
    LogFacts facts;
    sql::Statement last(db_, "SELECT device_id, max(device_seq) FROM events GROUP BY device_id");
    int rc;
    while ((rc = last.step()) == SQLITE_ROW) facts.device_seqs[last.text(0)] = last.int64(1);
    if (rc != SQLITE_DONE) return sql::error_from(db_, rc, "load device sequences");
    sql::Statement rejections(db_, "SELECT event_id FROM rejections");
    while ((rc = rejections.step()) == SQLITE_ROW) facts.rejected_ids.push_back(rejections.text(0));
    if (rc != SQLITE_DONE) return sql::error_from(db_, rc, "load rejections");
    sql::Statement top(db_, "SELECT coalesce(max(hub_seq), 0), coalesce(max(received_ms), 0) FROM events");
    if (rc = top.step(); rc != SQLITE_ROW) return sql::error_from(db_, rc, "load hub sequence");
    facts.last_seq = top.int64(0);
    facts.last_received_ms = top.int64(1);
    last_seq_ = facts.last_seq;
    return facts;
}

StoreResult<std::int64_t> SqliteLogStorage::begin() {
    write_ = std::make_unique<Write>(db_);
    if (const int c = write_->tx.begin_code(); c != SQLITE_OK) {
        StoreError failed = sql::error_from(db_, c, "begin batch");
        write_.reset();
        return failed;
    }
    write_seq_ = last_seq_;
    return last_seq_;
}

StoreResult<std::optional<KeptEvent>> SqliteLogStorage::find_event(const std::string& event_id) {
    sql::Statement& q = statements_->find_event;
    q.bind(1, event_id);
    const int c = q.step();
    std::optional<KeptEvent> found;
    if (c == SQLITE_ROW) found = KeptEvent{q.int64(0), q.text(1), q.text(2), q.int64(3) != 0};
    q.reset();
    if (c != SQLITE_ROW && c != SQLITE_DONE) return sql::error_from(db_, c, "look up event");
    return found;
}

StoreResult<std::optional<KeptRejection>> SqliteLogStorage::find_rejection(const std::string& event_id) {
    sql::Statement& q = statements_->find_rejection;
    q.bind(1, event_id);
    const int c = q.step();
    std::optional<KeptRejection> found;
    if (c == SQLITE_ROW) found = KeptRejection{q.text(0), q.text(1), q.text(2)};
    q.reset();
    if (c != SQLITE_ROW && c != SQLITE_DONE) return sql::error_from(db_, c, "look up rejection");
    return found;
}

StoreResult<Done> SqliteLogStorage::append(const NewEntry& e) {
    statements_->insert_event.bind(1, e.event_id)
        .bind(2, e.device_id)
        .bind(3, e.device_seq)
        .bind(4, e.type)
        .bind(5, e.body)
        .bind(6, e.body_hash)
        .bind(7, e.received_ms)
        .bind(8, e.device_clock_offset_ms)
        .bind(9, e.hub_seq);
    if (auto stored = run_write(db_, statements_->insert_event, "store event"); !stored) return stored;
    write_seq_ = e.hub_seq;
    return Done{};
}

StoreResult<Done> SqliteLogStorage::reject(const std::string& event_id, const KeptRejection& r,
                                           std::int64_t rejected_ms) {
    statements_->insert_rejection.bind(1, event_id)
        .bind(2, r.body_hash)
        .bind(3, r.code)
        .bind(4, r.message)
        .bind(5, rejected_ms);
    return run_write(db_, statements_->insert_rejection, "store rejection");
}

StoreResult<std::vector<std::pair<std::int64_t, std::string>>> SqliteLogStorage::personal_rows(std::int64_t cutoff_ms,
                                                                                               std::int64_t after,
                                                                                               std::int64_t limit) {
    sql::Statement& q = statements_->personal_rows;
    std::vector<std::pair<std::int64_t, std::string>> rows;
    q.bind(1, cutoff_ms).bind(2, after).bind(3, limit);
    int c;
    while ((c = q.step()) == SQLITE_ROW) rows.emplace_back(q.int64(0), q.text(1));
    q.reset();
    if (c != SQLITE_DONE) return sql::error_from(db_, c, "find expired personal fields");
    return rows;
}

StoreResult<Done> SqliteLogStorage::remove_personal(std::int64_t hub_seq, const std::string& body) {
    statements_->remove_personal.bind(1, hub_seq).bind(2, body);
    return run_write(db_, statements_->remove_personal, "remove personal fields");
}

StoreResult<Done> SqliteLogStorage::commit() {
    const int c = write_->tx.commit();
    // Read before the guard rolls back, which would replace the error (and its errno).
    std::optional<StoreError> failed;
    if (c != SQLITE_OK) failed = sql::error_from(db_, c, "commit batch");
    write_.reset();
    if (failed) return *failed;
    last_seq_ = write_seq_;
    return Done{};
}

void SqliteLogStorage::rollback() {
    write_.reset();
}

StoreResult<Done> SqliteLogStorage::read(std::int64_t after, std::int64_t through, std::size_t limit,
                                         const std::function<void(protocol::LogEntry&&)>& each) {
    std::lock_guard lock(reader_mutex_);
    reads_->read_log.bind(1, after).bind(2, through).bind(3, static_cast<std::int64_t>(limit));
    return each_entry(reader_.get(), reads_->read_log, each, "read log");
}

StoreResult<Done> SqliteLogStorage::read_received_since(std::int64_t from_ms,
                                                        const std::function<void(protocol::LogEntry&&)>& each) {
    std::lock_guard lock(reader_mutex_);
    sql::Statement q(reader_.get(),
                     "SELECT " + std::string(entry_columns) + " FROM events WHERE received_ms >= ?1 ORDER BY hub_seq");
    if (!q.valid()) return sql::error_from(reader_.get(), q.prepare_code(), "load hub log");
    q.bind(1, from_ms);
    return each_entry(reader_.get(), q, each, "load hub log");
}

StoreResult<std::optional<std::pair<std::int64_t, std::int64_t>>> SqliteLogStorage::first_from(std::int64_t hub_seq) {
    std::lock_guard lock(reader_mutex_);
    sql::Statement& q = reads_->first_from;
    q.bind(1, hub_seq);
    const int c = q.step();
    std::optional<std::pair<std::int64_t, std::int64_t>> found;
    if (c == SQLITE_ROW) found = std::make_pair(q.int64(0), q.int64(1));
    q.reset();
    if (c != SQLITE_ROW && c != SQLITE_DONE) return sql::error_from(reader_.get(), c, "find a day in the log");
    return found;
}

}  // namespace skranke::hub
