// One office's log on PostgreSQL, as several hubs serving the same offices store it.
//
// A write holds its office's row lock (SELECT ... FOR UPDATE on offices) from its first read
// to COMMIT. So the writes of one office are one at a time across every hub on the database,
// each sees everything the one before it committed, hub_seq is gapless and strictly
// increasing per office, and entries become visible in hub_seq order. Offices never wait for
// each other. Each commit notifies log_channel with "office_id:last_seq", so long-polls
// waiting on any hub wake (LISTEN/NOTIFY); a write that is not committed leaves nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/log_storage.hpp"
#include "hub/pg/pg_connection.hpp"

namespace skranke::hub::pg {

inline constexpr std::string_view log_channel = "skranke_log";

// One office of the office database, ready for its stores: the office id is one the database
// may hold (valid_office_id), libsodium (token and PIN hashes) is ready, the schema is at this
// program's version (migrate) and the office is there (made with an empty log when it was
// not). Made once, however many stores of the office then open on it.
class ReadyOffice {
public:
    static StoreResult<ReadyOffice> prepare(const std::string& url, const std::string& office_id,
                                            std::int64_t now_ms);
    const std::string& url() const { return url_; }
    const std::string& office_id() const { return office_id_; }

private:
    ReadyOffice(std::string url, std::string office_id) : url_(std::move(url)), office_id_(std::move(office_id)) {}
    std::string url_;
    std::string office_id_;
};

// The office exists (made with an empty log when it did not: then true).
PgResult<bool> ensure_office(Connection& db, const std::string& office_id, std::int64_t now_ms);

class OfficeLogWrite {
public:
    // Waits for the office's lock; an unknown office is an error.
    // Rolls back when it goes out of scope uncommitted.
    static PgResult<OfficeLogWrite> begin(Connection& db, const std::string& office_id);

    std::int64_t last_seq() const { return last_seq_; }
    // Appends the entry, whose hub_seq must be last_seq() + 1.
    PgResult<Done> append(const NewEntry& entry);
    // Commits and notifies; the office's last hub_seq.
    PgResult<std::int64_t> commit();

private:
    OfficeLogWrite(Connection& db, Transaction transaction, std::string office_id, std::int64_t last_seq);
    Connection* db_;
    Transaction transaction_;
    std::string office_id_;
    std::int64_t last_seq_ = 0;
    std::int64_t first_seq_ = 0;  // last_seq at begin: nothing appended when equal
};

// Commits of every office wake wait_notification on this connection from now on.
PgResult<Done> listen_to_logs(Connection& db);
// A notification's office and last hub_seq (nothing: not one of the log's).
std::optional<std::pair<std::string, std::int64_t>> log_notification(const Notification& n);

}  // namespace skranke::hub::pg
