#include "hub/device_admin.hpp"

#include <ctime>
#include <iostream>

#include "domain/service_day.hpp"
#include "hub/hub_store.hpp"

namespace skranke::hub {
namespace {

// Local time to the minute, as IT compares it with the office clock; "-" for none.
std::string local_time(const std::optional<std::int64_t>& utc_ms) {
    if (!utc_ms) return "-";
    const std::time_t seconds = static_cast<std::time_t>(*utc_ms / 1000);
    std::tm local{};
    char text[32];
    if (localtime_r(&seconds, &local) == nullptr || std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local) == 0)
        return "?";
    return text;
}

}  // namespace

void add_device_commands(CLI::App& app, DeviceCommands& c) {
    c.list = app.add_subcommand("devices", "List enrolled devices: role, last contact, revoked");
    c.revoke = app.add_subcommand("device-revoke",
                                  "Refuse a device's token from now on (also at the running hub); enrol it again to undo");
    c.revoke->add_option("ID", c.device_id, "Device id, as `skranke-hub devices` lists it")->required();
    for (CLI::App* sub : {c.list, c.revoke}) sub->fallthrough();
}

std::optional<int> run_device_command(const DeviceCommands& c, const std::filesystem::path& data_dir) {
    if (!c.list->parsed() && !c.revoke->parsed()) return std::nullopt;
    auto store = HubStore::open(data_dir / "hub.db");
    if (!store) {
        std::cerr << "skranke-hub: cannot open the hub store (" << to_string(store.error().kind)
                  << "): " << store.error().detail << "\n";
        return 1;
    }
    if (c.revoke->parsed()) {
        auto revoked = (*store)->revoke_device(c.device_id, wall_clock_ms());
        if (!revoked) {
            std::cerr << "skranke-hub: " << revoked.error().detail << "\n";
            return 1;
        }
        if (!*revoked) {
            std::cerr << "skranke-hub: no such device: " << c.device_id << " (see skranke-hub devices)\n";
            return 1;
        }
        std::cout << "revoked " << c.device_id << ": the hub refuses its token from now on (401).\n"
                  << "To let it in again, enrol it again: skranke-hub enrol-code, then skranke-sync enrol on the device.\n";
        return 0;
    }
    auto devices = (*store)->devices();
    if (!devices) {
        std::cerr << "skranke-hub: " << devices.error().detail << "\n";
        return 1;
    }
    std::cout << "device\trole\tlast seen\trevoked\n";
    for (const DeviceHealth& d : *devices)
        std::cout << d.device_id << "\t" << protocol::to_string(d.role) << "\t" << local_time(d.last_seen_ms) << "\t"
                  << local_time(d.revoked_ms) << "\n";
    return 0;
}

}  // namespace skranke::hub
