#include "hub/pg/pg_office_log.hpp"

#include <charconv>

#include <sodium.h>

#include "hub/pg/move_office.hpp"
#include "hub/pg/pg_schema.hpp"

namespace skranke::hub::pg {

namespace {

constexpr std::string_view row_columns =
    "hub_seq, event_id, device_id, device_seq, type, body, body_hash, received_ms, device_clock_offset_ms";

}  // namespace

StoreResult<ReadyOffice> ReadyOffice::prepare(const std::string& url, const std::string& office_id,
                                              std::int64_t now_ms) {
    if (!valid_office_id(office_id))
        return StoreError{StoreErrorKind::invalid_request, "error.go_to_reception",
                          "office id '" + office_id + "' is not valid: use 1-64 of a-z, 0-9 and '-'", {}};
    if (sodium_init() < 0)
        return StoreError{StoreErrorKind::internal, "error.go_to_reception", "libsodium failed to initialise", {}};
    auto db = Connection::open(url, 10);
    if (!db) return store_error_of(db.error());
    if (auto migrated = migrate(*db); !migrated) return store_error_of(migrated.error());
    if (auto made = ensure_office(*db, office_id, now_ms); !made) return store_error_of(made.error());
    return ReadyOffice(url, office_id);
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

PgResult<Done> OfficeLogWrite::append(const NewEntry& e) {
    if (e.hub_seq != last_seq_ + 1)
        return PgError{{}, "an entry out of turn for office " + office_id_ + " (hub_seq " + std::to_string(e.hub_seq) +
                               " after " + std::to_string(last_seq_) + ")"};
    const Param offset = e.device_clock_offset_ms ? Param(std::to_string(*e.device_clock_offset_ms)) : std::nullopt;
    auto inserted =
        db_->run("INSERT INTO events (office_id, " + std::string(row_columns) +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                 {office_id_, std::to_string(e.hub_seq), std::string(e.event_id), std::string(e.device_id),
                  std::to_string(e.device_seq), std::string(e.type), std::string(e.body), std::string(e.body_hash),
                  std::to_string(e.received_ms), offset});
    if (!inserted) return inserted.error();
    last_seq_ = e.hub_seq;
    return Done{};
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
