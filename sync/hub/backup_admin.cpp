#include "hub/backup_admin.hpp"

#include <iostream>

#include "hub/backup.hpp"

namespace skranke::hub {

void add_backup_commands(CLI::App& app, BackupCommands& c) {
    c.backup = app.add_subcommand("backup", "Back up hub.db and staff.db into one file, also while the hub runs");
    auto* file = c.backup->add_option("FILE", c.file, "The backup file to write (replaced if it exists)");
    auto* into = c.backup->add_option("--into", c.into, "Write hub-<UTC time>.skranke-backup into this folder instead");
    c.backup->add_option("--keep", c.keep, "With --into: then delete all but the newest N such backups there")
        ->needs(into)->check(CLI::Range(1, 100000));
    file->excludes(into);
    c.restore = app.add_subcommand("restore", "Put a backup's hub.db and staff.db in the data folder (stop the hub first)");
    c.restore->add_option("FILE", c.file, "A file written by skranke-hub backup")->required();
    c.restore->add_flag("--force", c.force, "Replace a log with entries the backup lacks (they are lost)");
    for (CLI::App* sub : {c.backup, c.restore}) sub->fallthrough();
}

std::optional<int> run_backup_command(const BackupCommands& c, const std::filesystem::path& data_dir) {
    if (c.restore->parsed()) {
        auto restored = restore_backup(c.file, data_dir, c.force);
        if (!restored) {
            std::cerr << "skranke-hub: " << restored.error() << "\n";
            return 1;
        }
        std::cout << "restored " << c.file.string() << " into " << data_dir.string() << ": the log up to hub_seq "
                  << restored->hub_seq << ", and the staff list\n";
        if (restored->replaced_seq && *restored->replaced_seq > restored->hub_seq)
            std::cout << "the replaced log reached hub_seq " << *restored->replaced_seq
                      << ": devices that had read past " << restored->hub_seq
                      << " must be set up again (see Backup and restore in docs/hub.md)\n";
        std::cout << "start the hub again (systemctl start skranke-hub)\n";
        return 0;
    }
    if (!c.backup->parsed()) return std::nullopt;
    if (c.file.empty() == c.into.empty()) {
        std::cerr << "skranke-hub backup: give a FILE, or --into FOLDER (with --keep N for a nightly rotation)\n";
        return 1;
    }
    auto written = c.into.empty() ? write_backup(data_dir, c.file) : write_backup_into(data_dir, c.into, c.keep);
    if (!written) {
        std::cerr << "skranke-hub: backup failed: " << written.error() << "\n";
        return 1;
    }
    std::cout << "wrote " << written->file.string() << " (hub_seq " << written->hub_seq << ", " << written->bytes
              << " bytes)\n";
    for (const auto& old : written->removed) std::cout << "removed " << old.string() << "\n";
    return 0;
}

}  // namespace skranke::hub
