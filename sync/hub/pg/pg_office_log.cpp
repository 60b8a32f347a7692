#include "hub/pg/pg_office_log.hpp"

#include <charconv>

#include <sodium.h>

#include "hub/pg/move_office.hpp"

namespace skranke::hub::pg {

namespace {

constexpr std::string_view row_columns =
    "hub_seq, event_id, device_id, device_seq, type, body, body_hash, received_ms, device_clock_offset_ms";

StoredRow stored_row_of(const Rows& rows, int r) {
    StoredRow s;
    s.hub_seq = rows.int64(r, 0);
    s.row.event_id = rows.text(r, 1);
    s.row.device_id = rows.text(r, 2);
    s.row.device_seq = rows.int64(r, 3);
    s.row.type = rows.text(r, 4);
    s.row.body = rows.text(r, 5);
    s.row.body_hash = rows.text(r, 6);
    s.row.received_ms = rows.int64(r, 7);
    if (!rows.null(r, 8)) s.row.device_clock_offset_ms = rows.int64(r, 8);
    return s;
}

}  // namespace

StoreResult<Done> ready_for_office(const std::string& office_id) {
    if (!valid_office_id(office_id))
        return StoreError{StoreErrorKind::invalid_request, "error.go_to_reception",
                          "office id '" + office_id + "' is not valid: use 1-64 of a-z, 0-9 and '-'", {}};
    if (sodium_init() < 0)
        return StoreError{StoreErrorKind::internal, "error.go_to_reception", "libsodium failed to initialise", {}};
    return Done{};
}

PgResult<bool> ensure_office(Connection& db, const std::string& office_id, std::int64_t now_ms) {
    auto made = db.run("INSERT INTO offices (office_id, created_ms) VALUES ($1, $2) ON CONFLICT (office_id) DO NOTHING",
                       {office_id, std::to_string(now_ms)});
    if (!made) return made.error();
    return made->affected() == 1;
}

OfficeLogWrite::OfficeLogWrite(Connection& db, Transaction transaction, std::string office_id, std::int64_t last_seq)
    : db_(&db),
      transaction_(std::move(transaction)),
      office_id_(std::move(office_id)),
      last_seq_(last_seq),
      first_seq_(last_seq) {}

PgResult<OfficeLogWrite> OfficeLogWrite::begin(Connection& db, const std::string& office_id) {
    auto transaction = Transaction::begin(db);
    if (!transaction) return transaction.error();
    auto locked = db.run("SELECT last_seq FROM offices WHERE office_id = $1 FOR UPDATE", {office_id});
    if (!locked) return locked.error();
    if (locked->count() == 0) return PgError{{}, "no office " + office_id + " in the office database at " + db.where()};
    return OfficeLogWrite(db, std::move(transaction).value(), office_id, locked->int64(0, 0));
}

PgResult<std::optional<StoredRow>> OfficeLogWrite::find(const std::string& event_id) {
    auto found = db_->run("SELECT " + std::string(row_columns) + " FROM events WHERE office_id = $1 AND event_id = $2",
                          {office_id_, event_id});
    if (!found) return found.error();
    if (found->count() == 0) return std::optional<StoredRow>();
    return std::optional<StoredRow>(stored_row_of(*found, 0));
}

PgResult<std::int64_t> OfficeLogWrite::append(const LogRow& row) {
    const std::int64_t seq = last_seq_ + 1;
    const Param offset = row.device_clock_offset_ms ? Param(std::to_string(*row.device_clock_offset_ms)) : std::nullopt;
    auto inserted =
        db_->run("INSERT INTO events (office_id, " + std::string(row_columns) +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                 {office_id_, std::to_string(seq), row.event_id, row.device_id, std::to_string(row.device_seq),
                  row.type, row.body, row.body_hash, std::to_string(row.received_ms), offset});
    if (!inserted) return inserted.error();
    last_seq_ = seq;
    return seq;
}

PgResult<std::int64_t> OfficeLogWrite::commit() {
    if (last_seq_ != first_seq_) {
        auto counted =
            db_->run("UPDATE offices SET last_seq = $2 WHERE office_id = $1;", {office_id_, std::to_string(last_seq_)});
        if (!counted) return counted.error();
        auto notified = db_->run("SELECT pg_notify($1, $2)",
                                 {std::string(log_channel), office_id_ + ":" + std::to_string(last_seq_)});
        if (!notified) return notified.error();
    }
    if (auto committed = transaction_.commit(); !committed) return committed.error();
    return last_seq_;
}

PgResult<std::vector<StoredRow>> read_office_log(Connection& db, const std::string& office_id, std::int64_t after,
                                                 std::size_t limit) {
    auto rows = db.run("SELECT " + std::string(row_columns) +
                           " FROM events WHERE office_id = $1 AND hub_seq > $2 ORDER BY hub_seq LIMIT $3",
                       {office_id, std::to_string(after), std::to_string(static_cast<std::int64_t>(limit))});
    if (!rows) return rows.error();
    std::vector<StoredRow> out;
    out.reserve(static_cast<std::size_t>(rows->count()));
    for (int r = 0; r < rows->count(); ++r) out.push_back(stored_row_of(*rows, r));
    return out;
}

PgResult<Done> listen_to_logs(Connection& db) {
    return db.exec("LISTEN " + std::string(log_channel));
}

std::optional<std::pair<std::string, std::int64_t>> log_notification(const Notification& n) {
    if (n.channel != log_channel) return std::nullopt;
    const auto colon = n.payload.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    std::int64_t seq = 0;
    const char* end = n.payload.data() + n.payload.size();
    if (std::from_chars(n.payload.data() + colon + 1, end, seq).ptr != end) return std::nullopt;
    return std::make_pair(n.payload.substr(0, colon), seq);
}

}  // namespace skranke::hub::pg
