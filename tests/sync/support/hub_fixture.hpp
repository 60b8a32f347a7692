// An in-process hub on 127.0.0.1 (ephemeral port) in a temporary folder, device enrolment,
// kiosk stores, and a blocking HTTP helper for raw protocol calls.
//
// The hub keeps its data in hub.db, or with SKRANKE_TEST_HUB_DB=postgresql in an office
// database of its own on one PostgreSQL server the test process starts at its first hub
// (support/pg_server.hpp): the same tests, run once for each backend.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/hub_client.hpp"
#include "client/sync_engine.hpp"
#include "hub/hub_server.hpp"
#include "store/store.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

namespace skranke::test {

struct EnrolledDevice {
    std::string device_id;
    std::string token;
};

// The tests' hubs keep their data in an office database (SKRANKE_TEST_HUB_DB=postgresql).
bool hubs_on_office_database();

class HubFixture {
public:
    explicit HubFixture(hub::HubOptions options = {});
    // Stops the hub (its files closed, its data lock let go); the folder stays.
    void stop() { hub_.reset(); }
    hub::Hub& hub() { return *hub_; }
    hub::HubStore& store() { return hub_->store(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(hub_->port()); }
    const std::filesystem::path& dir() const { return dir_.path(); }

    EnrolledDevice enrol(protocol::Role role, const std::string& device_id);
    // Connection settings with short timeouts, for a device token (and another URL, e.g. a proxy).
    sync::Connection connection(const std::string& token, const std::string& url = "") const;

    // Raw call; body empty for GET.
    sync::HttpReply call(const std::string& method, const std::string& path, const std::string& token,
                         const std::string& body = "", const std::vector<std::string>& headers = {}) const;

    // How many times the hub stored this event id (0 or 1 when all is well).
    std::int64_t copies_of(const std::string& event_id);
    std::int64_t event_count();
    // The first column of the first row of a query of the hub's data (hub.db, or its office
    // database: the same tables; the office's own rows are the only ones there).
    std::int64_t query_int(const std::string& sql);
    // The hub's staff store, opened beside the hub (staff.db, or the office database).
    std::unique_ptr<hub::StaffStore> staff_store();
    // Runs `skranke-hub <args>` on this hub's data to its end.
    HubCommand command(const std::string& args, const std::string& input = "") const;

    // Holds the hub's writes (hub.db's write lock, or the office's row lock) until released
    // or gone: pushes wait for it, and past the store's timeout answer 503.
    class HeldWrites {
    public:
        virtual ~HeldWrites() = default;
        virtual void release() = 0;
    };
    std::unique_ptr<HeldWrites> hold_writes();

private:
    TempDir dir_;
    hub::HubData data_;
    std::unique_ptr<hub::Hub> hub_;
};

// Options for a kiosk store file in dir.
StoreOptions kiosk_options(const std::filesystem::path& file, const std::string& device_id, char letter);
// Engine options: short backoff so tests run fast, pull as asked.
sync::SyncOptions engine_options(const sync::Connection& connection, bool pull = true);

// Opens the store and issues count walk-in tickets with a name in it (personal data to
// forget); their event ids in order. Throws when the store cannot open or refuses one.
std::vector<std::string> issue_named_tickets(const StoreOptions& options, int count);

// Event ids in a store's outbox (acknowledged or not).
std::vector<std::string> outbox_ids(const std::filesystem::path& store_file);

}  // namespace skranke::test
