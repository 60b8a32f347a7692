// skranke-hub backup and restore: the hub's two files (hub.db, staff.db) in one backup file
// (backup_archive.hpp), made while the hub runs and takes pushes, and put back in a data
// folder no hub is running on. Neither ever leaves a half-written file under a final name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "store/store_file.hpp"

struct sqlite3;

namespace skranke::hub {

struct BackupWritten {
    std::filesystem::path file;
    std::int64_t hub_seq = 0;  // the log's last entry in the backup
    std::uintmax_t bytes = 0;
    std::vector<std::filesystem::path> removed;  // older backups rotated away (--keep)
};

// Copies data_dir's hub.db and staff.db with SQLite's online backup API (each one consistent
// moment; the hub goes on storing pushes meanwhile), checks the copies (integrity_check),
// and writes them as one backup file: under a temporary name beside file, synced, then
// renamed to file (replacing an older one of that name).
Result<BackupWritten, std::string> write_backup(const std::filesystem::path& data_dir, const std::filesystem::path& file);

// The same into folder (made when missing) as hub-<UTC time>.skranke-backup (-2, -3, ... when
// that name is taken), then removes the oldest files of that pattern in folder beyond keep
// (0: none); any other file there is left alone.
Result<BackupWritten, std::string> write_backup_into(const std::filesystem::path& data_dir,
                                                     const std::filesystem::path& folder, int keep);

// Backups in folder named by write_backup_into, oldest first.
std::vector<std::filesystem::path> rotated_backups(const std::filesystem::path& folder);

struct Restored {
    std::int64_t hub_seq = 0;                  // the restored log's last entry
    std::optional<std::int64_t> replaced_seq;  // the folder's log before, when it had one
};

// Puts the backup's hub.db and staff.db in data_dir (made when missing). Refused, with
// nothing in data_dir changed, while a hub runs on it, when file is not a whole and sound
// backup, or when data_dir's log has entries after the backup's unless force.
Result<Restored, std::string> restore_backup(const std::filesystem::path& file, const std::filesystem::path& data_dir,
                                             bool force);

// [SECTION] Shared by backup and restore

// The log's last hub_seq (0 when empty) on an open hub.db connection.
Result<std::int64_t, std::string> last_hub_seq(sqlite3* db);
// Opens a copy of one of the hub's files through the one opener (so its kind is checked) and
// runs integrity_check; a hub.db copy must also be of a schema this program reads. Its
// last hub_seq (0 for staff.db). The connection is closed before it returns.
Result<std::int64_t, std::string> check_copy(const std::filesystem::path& copy, const StoreFileKind& kind);

}  // namespace skranke::hub
