#include "hub/hub_store.hpp"

#include <algorithm>

#include "domain/office_time.hpp"
#include "hub/pg/pg_device_registry.hpp"
#include "hub/pg/pg_log_storage.hpp"
#include "hub/pg/pg_staff_store.hpp"

namespace skranke::hub {

StoreResult<std::unique_ptr<HubStore>> HubStore::open(const std::filesystem::path& file, const std::string& vfs_name) {
    auto written = open_hub_file(file, vfs_name);
    if (!written) return written.error();
    std::unique_ptr<HubStore> hub(new HubStore());
    hub->writer_ = std::make_unique<HubWriter>(std::move(written.value()));
    auto registry_reader = open_hub_reader(file, vfs_name);
    if (!registry_reader) return registry_reader.error();
    auto registry = DeviceRegistry::open(*hub->writer_, std::move(registry_reader.value()));
    if (!registry) return registry.error();
    hub->registry_ = std::move(registry.value());
    auto log_reader = open_hub_reader(file, vfs_name);
    if (!log_reader) return log_reader.error();
    auto log_storage = SqliteLogStorage::open(*hub->writer_, std::move(log_reader.value()));
    if (!log_storage) return log_storage.error();
    auto log = EventLog::open(std::move(log_storage.value()));
    if (!log) return log.error();
    hub->log_ = std::move(log.value());
    auto checkpointing = open_hub_reader(file, vfs_name);
    if (!checkpointing) return checkpointing.error();
    hub->checkpointer_ = std::make_unique<WalCheckpointer>(std::move(checkpointing.value()));
    hub->writer_->run([&](sqlite3* db) { hub->checkpointer_->attach(db); });
    return hub;
}

StoreResult<std::unique_ptr<HubStore>> HubStore::open_office(const pg::ReadyOffice& office) {
    std::unique_ptr<HubStore> hub(new HubStore());
    auto registry = pg::PgDeviceRegistry::open(office);
    if (!registry) return registry.error();
    hub->registry_ = std::move(registry.value());
    auto log_storage = pg::PgLogStorage::open(office);
    if (!log_storage) return log_storage.error();
    auto log = EventLog::open(std::move(log_storage.value()));
    if (!log) return log.error();
    hub->log_ = std::move(log.value());
    return hub;
}

std::vector<std::string> office_ids_in(const std::string& list) {
    std::vector<std::string> ids;
    for (const std::string_view id : protocol::list_items(list))
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.emplace_back(id);
    return ids;
}

StoreResult<std::unique_ptr<HubStore>> open_hub_store(const HubData& data) {
    if (!data.in_database()) return HubStore::open(data.dir / "hub.db");
    auto office = pg::ReadyOffice::prepare(data.database_url, data.office_id, wall_clock_ms());
    if (!office) return office.error();
    return HubStore::open_office(*office);
}

StoreResult<std::unique_ptr<StaffStore>> open_staff_store(const HubData& data) {
    if (!data.in_database()) return StaffStore::open(data.dir / "staff.db");
    auto office = pg::ReadyOffice::prepare(data.database_url, data.office_id, wall_clock_ms());
    if (!office) return office.error();
    return pg::PgStaffStore::open(*office);
}

StoreResult<HubStores> open_hub_stores(const HubData& data) {
    if (!data.in_database()) {
        auto hub = open_hub_store(data);
        if (!hub) return hub.error();
        auto staff = open_staff_store(data);
        if (!staff) return staff.error();
        return HubStores{std::move(hub).value(), std::move(staff).value()};
    }
    auto office = pg::ReadyOffice::prepare(data.database_url, data.office_id, wall_clock_ms());
    if (!office) return office.error();
    auto hub = HubStore::open_office(*office);
    if (!hub) return hub.error();
    auto staff = pg::PgStaffStore::open(*office);
    if (!staff) return staff.error();
    return HubStores{std::move(hub).value(), std::move(staff).value()};
}

HubStore::~HubStore() {
    if (checkpointer_) writer_->run([](sqlite3* db) { WalCheckpointer::detach(db); });
}

}  // namespace skranke::hub
