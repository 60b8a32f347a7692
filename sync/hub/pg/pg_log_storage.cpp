#include "hub/pg/pg_log_storage.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "hub/pg/pg_schema.hpp"

namespace skranke::hub::pg {

namespace {

constexpr std::string_view entry_columns = "hub_seq, received_ms, device_clock_offset_ms, body";

std::string number(std::int64_t value) {
    return std::to_string(value);
}

// Rows selected with entry_columns, to each.
void each_entry(const Rows& rows, const std::function<void(protocol::LogEntry&&)>& each) {
    for (int r = 0; r < rows.count(); ++r) {
        protocol::LogEntry e;
        e.hub_seq = rows.int64(r, 0);
        e.received_ms = rows.int64(r, 1);
        if (!rows.null(r, 2)) e.device_clock_offset_ms = rows.int64(r, 2);
        e.event_json = std::string(rows.text(r, 3));
        each(std::move(e));
    }
}

// A StoreResult<Done> of a statement's outcome.
template <typename T>
StoreResult<Done> done_or(const PgResult<T>& ran) {
    if (!ran) return store_error_of(ran.error());
    return Done{};
}

}  // namespace

StoreResult<std::unique_ptr<PgLogStorage>> PgLogStorage::open(const ReadyOffice& office, int connect_timeout_s) {
    std::unique_ptr<PgLogStorage> storage(new PgLogStorage(office.url(), office.office_id(), connect_timeout_s));
    for (Link* link : {&storage->writer_, &storage->reader_})
        if (auto opened = link->get(); !opened) return store_error_of(opened.error());
    return storage;
}

PgLogStorage::PgLogStorage(std::string url, std::string office_id, int connect_timeout_s)
    : url_(std::move(url)),
      office_id_(std::move(office_id)),
      connect_timeout_s_(connect_timeout_s),
      writer_(url_, connect_timeout_s),
      reader_(url_, connect_timeout_s) {}

PgLogStorage::~PgLogStorage() {
    stop();
}

PgResult<Rows> PgLogStorage::run_writer(const std::string& sql, const std::vector<Param>& params) {
    Connection* writer = writer_.current();
    if (!writer) return PgError{{}, "no connection to the office database", true};
    return writer->run(sql, params);
}

// A read that finds its connection lost (the server restarted since its last use) is
// tried once more on a new connection: reading twice changes nothing.
PgResult<Rows> PgLogStorage::run_reader(const std::string& sql, const std::vector<Param>& params) {
    std::lock_guard lock(reader_mutex_);
    return reader_.run<Rows>([&](Connection& db) { return db.run(sql, params); });
}

void PgLogStorage::exclusive(const std::function<void()>& work) {
    std::lock_guard lock(write_mutex_);
    work();
}

// One snapshot of the database for all of it, so the sequences and the last hub_seq agree.
StoreResult<LogFacts> PgLogStorage::facts() {
    auto writer = writer_.get();
    if (!writer) return store_error_of(writer.error());
    auto transaction = Transaction::begin(**writer);
    if (!transaction) return store_error_of(transaction.error());
    if (auto snapshot = run_writer("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", {}); !snapshot)
        return store_error_of(snapshot.error());
    LogFacts facts;
    auto top = run_writer(
        "SELECT o.last_seq, coalesce((SELECT max(received_ms) FROM events e WHERE e.office_id = o.office_id), 0)"
        " FROM offices o WHERE o.office_id = $1",
        {office_id_});
    if (!top) return store_error_of(top.error());
    if (top->count() == 0) return store_error_of(PgError{{}, "no office " + office_id_ + " in the office database"});
    facts.last_seq = top->int64(0, 0);
    facts.last_received_ms = top->int64(0, 1);
    auto devices = run_writer("SELECT device_id, max(device_seq) FROM events WHERE office_id = $1 GROUP BY device_id",
                              {office_id_});
    if (!devices) return store_error_of(devices.error());
    for (int r = 0; r < devices->count(); ++r)
        facts.device_seqs[std::string(devices->text(r, 0))] = devices->int64(r, 1);
    auto rejections = run_writer("SELECT event_id FROM rejections WHERE office_id = $1", {office_id_});
    if (!rejections) return store_error_of(rejections.error());
    for (int r = 0; r < rejections->count(); ++r) facts.rejected_ids.emplace_back(rejections->text(r, 0));
    return facts;  // the transaction only read: rolled back
}

// A write that finds its connection lost before it wrote anything (the server restarted since
// its last use) begins once more on a new connection.
StoreResult<std::int64_t> PgLogStorage::begin() {
    write_.reset();
    auto write = writer_.run<OfficeLogWrite>([&](Connection& db) { return OfficeLogWrite::begin(db, office_id_); });
    if (!write) return store_error_of(write.error());
    write_.emplace(std::move(write).value());
    return write_->last_seq();
}

StoreResult<std::set<std::string>> PgLogStorage::rejected_elsewhere(const std::vector<std::string_view>& event_ids) {
    std::set<std::string> rejected;
    if (event_ids.empty()) return rejected;
    nlohmann::json ids = nlohmann::json::array();
    for (const std::string_view id : event_ids) ids.push_back(id);
    auto found = run_writer(
        "SELECT event_id FROM rejections WHERE office_id = $1"
        " AND event_id IN (SELECT jsonb_array_elements_text($2::jsonb))",
        {office_id_, ids.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
    if (!found) return store_error_of(found.error());
    for (int r = 0; r < found->count(); ++r) rejected.emplace(found->text(r, 0));
    return rejected;
}

StoreResult<std::optional<KeptEvent>> PgLogStorage::find_event(const std::string& event_id) {
    auto found = run_writer(
        "SELECT hub_seq, body_hash, body, personal_removed FROM events WHERE office_id = $1 AND event_id = $2",
        {office_id_, event_id});
    if (!found) return store_error_of(found.error());
    if (found->count() == 0) return std::optional<KeptEvent>();
    return std::optional<KeptEvent>(KeptEvent{found->int64(0, 0), std::string(found->text(0, 1)),
                                              std::string(found->text(0, 2)), found->text(0, 3) == "t"});
}

StoreResult<std::optional<KeptRejection>> PgLogStorage::find_rejection(const std::string& event_id) {
    auto found = run_writer("SELECT body_hash, code, message FROM rejections WHERE office_id = $1 AND event_id = $2",
                            {office_id_, event_id});
    if (!found) return store_error_of(found.error());
    if (found->count() == 0) return std::optional<KeptRejection>();
    return std::optional<KeptRejection>(
        KeptRejection{std::string(found->text(0, 0)), std::string(found->text(0, 1)), std::string(found->text(0, 2))});
}

StoreResult<Done> PgLogStorage::append(const NewEntry& e) {
    if (!write_) return store_error_of(PgError{{}, "an entry for office " + office_id_ + " outside a write"});
    return done_or(write_->append(e));
}

StoreResult<Done> PgLogStorage::reject(const std::string& event_id, const KeptRejection& r, std::int64_t rejected_ms) {
    return done_or(
        run_writer("INSERT INTO rejections (office_id, event_id, body_hash, code, message, rejected_ms)"
                   " VALUES ($1, $2, $3, $4, $5, $6)",
                   {office_id_, event_id, r.body_hash, r.code, r.message, number(rejected_ms)}));
}

StoreResult<std::vector<std::pair<std::int64_t, std::string>>> PgLogStorage::personal_rows(std::int64_t cutoff_ms,
                                                                                           std::int64_t after,
                                                                                           std::int64_t limit) {
    auto found = run_writer(
        "SELECT hub_seq, body FROM events WHERE office_id = $1 AND NOT personal_removed AND received_ms < $2"
        " AND hub_seq > $3 ORDER BY hub_seq LIMIT $4",
        {office_id_, number(cutoff_ms), number(after), number(limit)});
    if (!found) return store_error_of(found.error());
    std::vector<std::pair<std::int64_t, std::string>> rows;
    for (int r = 0; r < found->count(); ++r) rows.emplace_back(found->int64(r, 0), std::string(found->text(r, 1)));
    return rows;
}

StoreResult<Done> PgLogStorage::remove_personal(std::int64_t hub_seq, const std::string& body) {
    return done_or(
        run_writer("UPDATE events SET body = $3, personal_removed = TRUE WHERE office_id = $1 AND hub_seq = $2",
                   {office_id_, number(hub_seq), body}));
}

StoreResult<Done> PgLogStorage::commit() {
    if (!write_) return store_error_of(PgError{{}, "no write to commit"});
    auto committed = write_->commit();
    write_.reset();
    if (!committed) return store_error_of(committed.error());
    return Done{};
}

void PgLogStorage::rollback() {
    write_.reset();
}

StoreResult<Done> PgLogStorage::read(std::int64_t after, std::int64_t through, std::size_t limit,
                                     const std::function<void(protocol::LogEntry&&)>& each) {
    auto rows = run_reader("SELECT " + std::string(entry_columns) +
                               " FROM events WHERE office_id = $1 AND hub_seq > $2 AND hub_seq <= $3"
                               " ORDER BY hub_seq LIMIT $4",
                           {office_id_, number(after), number(through), std::to_string(limit)});
    if (!rows) return store_error_of(rows.error());
    each_entry(*rows, each);
    return Done{};
}

StoreResult<Done> PgLogStorage::read_received_since(std::int64_t from_ms,
                                                    const std::function<void(protocol::LogEntry&&)>& each) {
    auto rows = run_reader("SELECT " + std::string(entry_columns) +
                               " FROM events WHERE office_id = $1 AND received_ms >= $2 ORDER BY hub_seq",
                           {office_id_, number(from_ms)});
    if (!rows) return store_error_of(rows.error());
    each_entry(*rows, each);
    return Done{};
}

StoreResult<std::optional<std::pair<std::int64_t, std::int64_t>>> PgLogStorage::first_from(std::int64_t hub_seq) {
    auto rows = run_reader(
        "SELECT hub_seq, received_ms FROM events WHERE office_id = $1 AND hub_seq >= $2 ORDER BY hub_seq LIMIT 1",
        {office_id_, number(hub_seq)});
    if (!rows) return store_error_of(rows.error());
    if (rows->count() == 0) return std::optional<std::pair<std::int64_t, std::int64_t>>();
    return std::optional<std::pair<std::int64_t, std::int64_t>>(std::make_pair(rows->int64(0, 0), rows->int64(0, 1)));
}

void PgLogStorage::on_commit_elsewhere(std::function<void(std::int64_t)> wake) {
    wake_ = std::move(wake);
    listener_ = std::thread([this] { listen_loop(); });
}

void PgLogStorage::stop() {
    {
        std::lock_guard lock(stop_mutex_);
        stopping_ = true;
    }
    stop_wake_.notify_all();
    if (listener_.joinable()) listener_.join();
}

// Notifications wake the log at once; the office's last hub_seq is also looked at every
// wake_check_ms, and after every new connection, for a notification that never came.
void PgLogStorage::listen_loop() {
    const auto stopping = [this] {
        std::lock_guard lock(stop_mutex_);
        return stopping_;
    };
    Link link(url_, connect_timeout_s_);
    while (!stopping()) {
        // A new connection (nothing answered on it yet) listens first.
        auto listener = link.get();
        if (!listener || ((*listener)->answered() == 0 && !listen_to_logs(**listener))) {
            std::unique_lock lock(stop_mutex_);
            stop_wake_.wait_for(lock, std::chrono::milliseconds(wake_check_ms), [this] { return stopping_; });
            continue;
        }
        auto got = (*listener)->wait_notification(wake_check_ms);
        if (!got) continue;  // the connection is looked at again above
        if (*got) {
            if (const auto said = log_notification(**got); said && said->first == office_id_) wake_(said->second);
            continue;
        }
        auto last = (*listener)->run("SELECT last_seq FROM offices WHERE office_id = $1", {office_id_});
        if (last && last->count() == 1) wake_(last->int64(0, 0));
    }
}

}  // namespace skranke::hub::pg
