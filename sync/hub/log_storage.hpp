// Where the merged event log is kept: hub.db (SqliteLogStorage, one hub, the default) or one
// office of an office database on PostgreSQL (hub/pg/pg_log_storage.hpp, several hubs). The
// log (event_log.hpp) decides everything: what is a replay, a conflict, the fold; a storage
// only keeps rows and says what other hubs have written meanwhile.
//
// Calls marked "writer" are made only inside exclusive(), one write at a time, between
// begin() and commit() or rollback(). Reading calls may come from any thread at any time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "hub/hub_file.hpp"
#include "protocol/protocol.hpp"

namespace skranke::hub {

// An event the log stores at hub_seq.
struct NewEntry {
    std::int64_t hub_seq = 0;
    std::string_view event_id;
    std::string_view device_id;
    std::int64_t device_seq = 0;
    std::string_view type;
    std::string_view body;  // the text the device sent
    std::string_view body_hash;
    std::int64_t received_ms = 0;
    std::optional<std::int64_t> device_clock_offset_ms;
};

// A stored event as a replay is compared with.
struct KeptEvent {
    std::int64_t hub_seq = 0;
    std::string body_hash;
    std::string body;
    bool personal_removed = false;
};

struct KeptRejection {
    std::string body_hash;  // of the canonical JSON (keys sorted)
    std::string code;
    std::string message;
};

// What the log's writer starts from.
struct LogFacts {
    std::int64_t last_seq = 0;
    std::int64_t last_received_ms = 0;
    std::map<std::string, std::int64_t> device_seqs;  // each device's highest stored device_seq
    std::vector<std::string> rejected_ids;            // event ids of the rejections kept
};

class LogStorage {
public:
    virtual ~LogStorage() = default;

    // Runs work as the log's only writer here: no other write of this storage runs meanwhile.
    virtual void exclusive(const std::function<void()>& work) = 0;

    // Writer. At open.
    virtual StoreResult<LogFacts> facts() = 0;
    // Writer. Begins a write; the log's last hub_seq as stored now, by this hub or any other.
    virtual StoreResult<std::int64_t> begin() = 0;
    // Writer, in a write: of these event ids, those another hub has rejected (this storage's
    // own writer remembers its own).
    virtual StoreResult<std::set<std::string>> rejected_elsewhere(const std::vector<std::string_view>& event_ids) = 0;
    virtual StoreResult<std::optional<KeptEvent>> find_event(const std::string& event_id) = 0;
    virtual StoreResult<std::optional<KeptRejection>> find_rejection(const std::string& event_id) = 0;
    virtual StoreResult<Done> append(const NewEntry& entry) = 0;
    virtual StoreResult<Done> reject(const std::string& event_id, const KeptRejection& rejection,
                                     std::int64_t rejected_ms) = 0;
    // Personal fields not yet removed from entries received before cutoff_ms, after a hub_seq.
    virtual StoreResult<std::vector<std::pair<std::int64_t, std::string>>> personal_rows(std::int64_t cutoff_ms,
                                                                                         std::int64_t after,
                                                                                         std::int64_t limit) = 0;
    // Replaces an entry's text by the one without personal fields.
    virtual StoreResult<Done> remove_personal(std::int64_t hub_seq, const std::string& body) = 0;
    virtual StoreResult<Done> commit() = 0;
    virtual void rollback() = 0;  // nothing of the write is kept

    // Reading. Entries after a hub_seq up to through, oldest first, at most limit.
    virtual StoreResult<Done> read(std::int64_t after, std::int64_t through, std::size_t limit,
                                   const std::function<void(protocol::LogEntry&&)>& each) = 0;
    // Reading. Entries received at or after from_ms, oldest first (the fold's window at open).
    virtual StoreResult<Done> read_received_since(std::int64_t from_ms,
                                                  const std::function<void(protocol::LogEntry&&)>& each) = 0;
    // Reading. The first entry at or after a hub_seq: its hub_seq and received_ms.
    virtual StoreResult<std::optional<std::pair<std::int64_t, std::int64_t>>> first_from(std::int64_t hub_seq) = 0;

    // Another hub committed to the log: wake is called (from a thread of the storage's own,
    // never inside exclusive) with the log's last hub_seq as stored. Set once, before the log
    // is shared; the SQLite storage has no other hub and never calls it.
    virtual void on_commit_elsewhere(std::function<void(std::int64_t)> wake) { (void)wake; }
    virtual void stop() {}  // no more wakes after it returns
};

// hub.db's log: writes through the file's one writer (shared with the device registry), reads
// through a reading connection of its own.
class SqliteLogStorage final : public LogStorage {
public:
    static StoreResult<std::unique_ptr<SqliteLogStorage>> open(HubWriter& writer, Connection reader);
    ~SqliteLogStorage() override;

    void exclusive(const std::function<void()>& work) override;
    StoreResult<LogFacts> facts() override;
    StoreResult<std::int64_t> begin() override;
    StoreResult<std::set<std::string>> rejected_elsewhere(const std::vector<std::string_view>&) override {
        return std::set<std::string>();  // no other hub writes hub.db
    }
    StoreResult<std::optional<KeptEvent>> find_event(const std::string& event_id) override;
    StoreResult<std::optional<KeptRejection>> find_rejection(const std::string& event_id) override;
    StoreResult<Done> append(const NewEntry& entry) override;
    StoreResult<Done> reject(const std::string& event_id, const KeptRejection& rejection,
                             std::int64_t rejected_ms) override;
    StoreResult<std::vector<std::pair<std::int64_t, std::string>>> personal_rows(std::int64_t cutoff_ms,
                                                                                 std::int64_t after,
                                                                                 std::int64_t limit) override;
    StoreResult<Done> remove_personal(std::int64_t hub_seq, const std::string& body) override;
    StoreResult<Done> commit() override;
    void rollback() override;
    StoreResult<Done> read(std::int64_t after, std::int64_t through, std::size_t limit,
                           const std::function<void(protocol::LogEntry&&)>& each) override;
    StoreResult<Done> read_received_since(std::int64_t from_ms,
                                          const std::function<void(protocol::LogEntry&&)>& each) override;
    StoreResult<std::optional<std::pair<std::int64_t, std::int64_t>>> first_from(std::int64_t hub_seq) override;

private:
    SqliteLogStorage(HubWriter& writer, Connection reader);
    HubWriter& writer_;
    sqlite3* db_ = nullptr;  // the writer's connection, used only inside exclusive
    struct Statements;
    std::unique_ptr<Statements> statements_;
    struct Write;
    std::unique_ptr<Write> write_;
    std::int64_t last_seq_ = 0;  // committed: this storage is the file's only writer of the log
    std::int64_t write_seq_ = 0;
    std::mutex reader_mutex_;  // reader_ and its statements
    Connection reader_;
    struct ReadStatements;
    std::unique_ptr<ReadStatements> reads_;
};

}  // namespace skranke::hub
