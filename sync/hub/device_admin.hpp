// skranke-hub's admin commands for devices: devices (each enrolled device with its role,
// last contact and whether it is revoked) and device-revoke ID (its token is refused from
// then on, also by a hub running on the same data, until the device is enrolled again).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace skranke::hub {

struct DeviceCommands {
    CLI::App* list = nullptr;
    CLI::App* revoke = nullptr;
    std::string device_id;
};

// Registers the subcommands; the options live in commands.
void add_device_commands(CLI::App& app, DeviceCommands& commands);
// Runs the parsed device command, if any, against data_dir/hub.db; its exit code, or
// nothing when no device command was given.
std::optional<int> run_device_command(const DeviceCommands& commands, const std::filesystem::path& data_dir);

}  // namespace skranke::hub
