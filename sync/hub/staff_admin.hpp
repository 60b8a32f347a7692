// skranke-hub's admin commands for staff: staff-add (PIN read from standard input, never from
// the command line, so it stays out of shell history and the process list), staff-remove,
// staff-list.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "hub/hub_store.hpp"

namespace skranke::hub {

struct StaffCommands {
    CLI::App* add = nullptr;
    CLI::App* remove = nullptr;
    CLI::App* list = nullptr;
    std::string staff_id;
    std::string name;
    std::string role = "reception";
};

// Registers the subcommands; the options live in commands.
void add_staff_commands(CLI::App& app, StaffCommands& commands);
// Runs the parsed staff command, if any, against the hub's staff (staff.db or the office
// database); its exit code, or
// nothing when no staff command was given.
std::optional<int> run_staff_command(const StaffCommands& commands, const HubData& data);

}  // namespace skranke::hub
