// skranke-hub's admin commands for devices: devices (the fleet as a table, each enrolled
// device with its health report, SILENT and NOT DRAINING ones flagged: hub/fleet_health.hpp)
// and device-revoke ID (its token is refused from then on, also by a hub running on the same
// data, until the device is enrolled again).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "hub/fleet_health.hpp"
#include "hub/hub_store.hpp"

namespace skranke::hub {

struct DeviceCommands {
    CLI::App* list = nullptr;
    CLI::App* revoke = nullptr;
    std::string device_id;
    std::int64_t silent_minutes = default_silent_minutes;
};

// Registers the subcommands; the options live in commands.
void add_device_commands(CLI::App& app, DeviceCommands& commands);
// Runs the parsed device command, if any, against the hub's data; its exit code, or
// nothing when no device command was given.
std::optional<int> run_device_command(const DeviceCommands& commands, const HubData& data);

}  // namespace skranke::hub
