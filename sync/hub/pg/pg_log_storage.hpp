// One office's log in the office database on PostgreSQL, as one of several hubs serving that
// office keeps it (see pg_office_log.hpp for how their writes take turns).
//
// Three connections: the writer's (one write at a time here, and the office's row lock
// across hubs), a reading one, and one that LISTENs for other hubs' commits. The listener
// also looks at the office's last hub_seq once every wake_check_ms, so a notification lost
// while a connection was down costs a moment, never an entry. A connection the server lost
// is opened again at its next use; until then the calls that need it fail (the hub answers
// 503 and the device tries again).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "hub/log_storage.hpp"
#include "hub/pg/pg_connection.hpp"
#include "hub/pg/pg_office_log.hpp"

namespace skranke::hub::pg {

class PgLogStorage final : public LogStorage {
public:
    // Opens the connections to the office's database.
    static StoreResult<std::unique_ptr<PgLogStorage>> open(const ReadyOffice& office, int connect_timeout_s = 10);
    ~PgLogStorage() override;

    void exclusive(const std::function<void()>& work) override;
    StoreResult<LogFacts> facts() override;
    StoreResult<std::int64_t> begin() override;
    StoreResult<std::set<std::string>> rejected_elsewhere(const std::vector<std::string_view>& event_ids) override;
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
    void on_commit_elsewhere(std::function<void(std::int64_t)> wake) override;
    void stop() override;

    static constexpr int wake_check_ms = 1000;

private:
    PgLogStorage(std::string url, std::string office_id, int connect_timeout_s);
    // A statement on the write connection; a lost connection is noted for the next use.
    PgResult<Rows> run_writer(const std::string& sql, const std::vector<Param>& params);
    PgResult<Rows> run_reader(const std::string& sql, const std::vector<Param>& params);
    void listen_loop();

    std::string url_;
    std::string office_id_;
    int connect_timeout_s_;
    std::mutex write_mutex_;  // the writer's connection and write_
    Link writer_;
    std::optional<OfficeLogWrite> write_;
    std::mutex reader_mutex_;
    Link reader_;

    std::function<void(std::int64_t)> wake_;
    std::thread listener_;
    std::mutex stop_mutex_;
    std::condition_variable stop_wake_;
    bool stopping_ = false;
};

}  // namespace skranke::hub::pg
