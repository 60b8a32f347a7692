// skranke-hub's backup commands for IT: backup (while the hub runs; into one file, or into a
// folder with rotation for the nightly timer) and restore (into a data folder no hub runs on).
// What they do and the file's format: hub/backup.hpp, hub/backup_archive.hpp, docs/hub.md.
#pragma once

#include <filesystem>
#include <optional>

#include <CLI/CLI.hpp>

namespace skranke::hub {

struct BackupCommands {
    CLI::App* backup = nullptr;
    CLI::App* restore = nullptr;
    std::filesystem::path file;
    std::filesystem::path into;
    int keep = 0;
    bool force = false;
};

// Registers the subcommands; the options live in commands.
void add_backup_commands(CLI::App& app, BackupCommands& commands);
// Runs the parsed backup or restore against data_dir; its exit code, or nothing when neither
// was given.
std::optional<int> run_backup_command(const BackupCommands& commands, const std::filesystem::path& data_dir);

}  // namespace skranke::hub
