#include "hub/device_admin.hpp"

#include <cstdio>
#include <iostream>

#include "domain/office_time.hpp"
#include "hub/hub_store.hpp"

namespace skranke::hub {
namespace {

// The office's local time to the minute, as IT compares it with the office clock; "-" for none.
std::string local_time(const std::optional<std::int64_t>& utc_ms) {
    if (!utc_ms) return "-";
    const LocalTime t = office_zone().local(*utc_ms);
    char text[96];
    std::snprintf(text, sizeof text, "%s %02d:%02d", t.date().c_str(), t.hour, t.minute);
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
