// The hub's SQLite file (hub.db) and what it keeps, in parts that can be read one at a time:
//   hub_file.hpp         the file: schema and migrations, connections, the one write path
//   device_registry.hpp  enrolment codes, devices, tokens, revocation, device health
//   event_log.hpp        the merged log: pushes stored by the one writer, retention
//   log_snapshot.hpp     what readers of the log see: a snapshot published after each commit
//   wal_checkpointer.hpp the write-ahead log copied into the file beside the writer, not in a push
// HubStore opens the file and holds the parts; its calls go to the part that owns them.
// With an office database on PostgreSQL instead (open_office), the registry and the log keep
// one office there (hub/pg/), and several hubs may serve that office at once.
//
// Locks (listed here only): the writer's (every write to the file), the registry's (its
// reading connection and what it remembers of tokens and health), the log's reading
// connection's, the log's board of taken device sequences, and the checkpointer's. Only a
// commit holds one while taking another (the writer's, then the checkpointer's for a moment,
// to wake it), and the checkpointer takes no other, so there is no cycle. The log's snapshot
// and the registry's revoked devices are atomic pointers: readers never lock against the
// writer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/queue_state.hpp"
#include "hub/device_registry.hpp"
#include "hub/event_log.hpp"
#include "hub/hub_file.hpp"
#include "hub/pushed_event.hpp"
#include "hub/staff_store.hpp"
#include "protocol/protocol.hpp"
#include "store/store.hpp"
#include "store/wal_checkpointer.hpp"

namespace skranke::hub {

namespace pg {
class ReadyOffice;
}

// Where a hub keeps its data: hub.db and staff.db in a folder (the default), or one office of
// an office database on PostgreSQL (database_url and office_id both set; the folder then
// holds no data).
struct HubData {
    std::filesystem::path dir;
    std::string database_url;  // postgresql://...
    std::string office_id;
    bool in_database() const { return !database_url.empty(); }
};

// The office ids of a list as --office-id takes it ("oslo-sentrum,bergen" or with spaces),
// without empty entries, in their order, each once.
std::vector<std::string> office_ids_in(const std::string& list);

class HubStore {
public:
    // Creates the file only when none exists; refuses an empty or foreign one (not_a_store);
    // migrates an older one. vfs_name: empty for SQLite's default (tests pass a fault shim).
    static StoreResult<std::unique_ptr<HubStore>> open(const std::filesystem::path& file,
                                                       const std::string& vfs_name = {});
    // One office of the office database (postgresql://...), made ready by pg::ReadyOffice.
    static StoreResult<std::unique_ptr<HubStore>> open_office(const pg::ReadyOffice& office);
    ~HubStore();
    HubStore(const HubStore&) = delete;
    HubStore& operator=(const HubStore&) = delete;

    // The registry's (device_registry.hpp).
    StoreResult<std::string> create_enrol_code(protocol::Role role, std::int64_t now_ms, std::int64_t valid_ms) {
        return registry_->create_enrol_code(role, now_ms, valid_ms);
    }
    StoreResult<std::optional<Enrolment>> enrol(const std::string& code, const std::string& device_id,
                                                std::int64_t now_ms) {
        return registry_->enrol(code, device_id, now_ms);
    }
    StoreResult<std::optional<protocol::Role>> role_of_code(const std::string& code, std::int64_t now_ms) {
        return registry_->role_of_code(code, now_ms);
    }
    StoreResult<Admission> authenticate(const std::string& token) { return registry_->authenticate(token); }
    std::optional<std::string> refusal_of(const std::string& device_id) const { return registry_->refusal_of(device_id); }
    void note_contact(const std::string& device_id, const Contact& contact) { registry_->note_contact(device_id, contact); }
    StoreResult<std::vector<DeviceHealth>> devices() { return registry_->devices(); }
    StoreResult<bool> revoke_device(const std::string& device_id, std::int64_t now_ms) {
        return registry_->revoke(device_id, now_ms);
    }

    // The log's (event_log.hpp).
    StoreResult<std::vector<protocol::EventResult>> push(const std::vector<PushedEvent>& events,
                                                         const Contact& contact) {
        return log_->push(events, contact);
    }
    bool wait_taken(const std::string& device_id, std::int64_t device_seq, std::int64_t wait_ms) {
        return log_->wait_taken(device_id, device_seq, wait_ms);
    }
    void stop_waiting() { log_->stop_waiting(); }
    void check_needs_against(std::shared_ptr<const ServiceCatalogue> catalogue) {
        log_->check_needs_against(std::move(catalogue));
    }
    StoreResult<std::vector<protocol::LogEntry>> read_log(std::int64_t after, std::size_t limit) {
        return log_->read_log(after, limit);
    }
    std::int64_t last_seq() { return log_->last_seq(); }
    std::size_t rejections_in_memory() { return log_->rejections_in_memory(); }
    StoreResult<std::int64_t> cursor_before_received(std::int64_t from_ms) { return log_->cursor_before_received(from_ms); }
    StoreResult<std::string> read_log_json(std::int64_t after, std::size_t limit, bool personal,
                                           std::int64_t& cursor) {
        return log_->read_log_json(after, limit, personal, cursor);
    }
    StoreResult<std::int64_t> remove_personal_before(std::int64_t cutoff_ms) {
        return log_->remove_personal_before(cutoff_ms);
    }
    std::shared_ptr<const QueueState> queue() { return log_->queue_state(); }
    QueueState queue_state() { return *log_->queue_state(); }  // a copy
    std::optional<QueueTicket> ticket_by_status_token(std::string_view token) {
        return log_->ticket_by_status_token(token);
    }
    void forget_old_tickets(std::int64_t now_ms) { log_->forget_old_tickets(now_ms); }
    // grown is called when this hub has taken in entries another hub stored (office database).
    void on_log_grown(std::function<void()> grown) { log_->on_grown(std::move(grown)); }

private:
    HubStore() = default;
    std::unique_ptr<HubWriter> writer_;  // hub.db's; outlives the parts that write through it
    std::unique_ptr<Registry> registry_;
    std::unique_ptr<EventLog> log_;
    std::unique_ptr<WalCheckpointer> checkpointer_;  // hub.db's: copies the log into the file beside the writer
};

// The stores where data says.
StoreResult<std::unique_ptr<HubStore>> open_hub_store(const HubData& data);
StoreResult<std::unique_ptr<StaffStore>> open_staff_store(const HubData& data);
// Both, as a running hub needs them (the office database is made ready once for both).
struct HubStores {
    std::unique_ptr<HubStore> hub;
    std::unique_ptr<StaffStore> staff;
};
StoreResult<HubStores> open_hub_stores(const HubData& data);

}  // namespace skranke::hub
