// skranke-hub restore: the backup's hub.db and staff.db put in a data folder no hub is
// running on. Everything that can refuse happens before the folder's files are touched;
// then each file is replaced by one rename, so a crash leaves old or new files, each whole.
#include <fcntl.h>

#include <cstring>
#include <utility>

#include <sqlite3.h>

#include "hub/backup.hpp"
#include "hub/backup_archive.hpp"
#include "hub/data_lock.hpp"
#include "hub/hub_file.hpp"
#include "store/sqlite_util.hpp"

namespace skranke::hub {
namespace {

namespace fs = std::filesystem;

constexpr const char* restoring_suffix = ".restoring";

void remove_with_side_files(const fs::path& file) {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(file.string() + suffix, ec);
}

// The files being restored, under their temporary names until they are renamed into place.
struct Incoming {
    fs::path hub;
    fs::path staff;
    bool placed = false;
    ~Incoming() {
        if (placed) return;
        remove_with_side_files(hub);
        remove_with_side_files(staff);
    }
};

// The folder's own log's last hub_seq; nothing when the folder has no hub.db.
Result<std::optional<std::int64_t>, std::string> current_seq(const fs::path& hub_db) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(hub_db, ec))) return std::optional<std::int64_t>();
    auto db = open_hub_reader(hub_db, {});
    if (!db) return db.error().detail;
    auto seq = last_hub_seq(db->get());
    if (!seq) return seq.error();
    return std::optional<std::int64_t>(*seq);
}

// Folds the old file's write-ahead log into it and removes the log and its index, so that
// the new file given this name never meets a log that belongs to the old one. A file that
// cannot be opened (damaged, foreign) only loses its side files: it is being replaced.
void fold_write_ahead_log(const fs::path& file, const StoreFileKind& kind) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(file, ec))) {
        StoreFileSpec spec;
        spec.path = file;
        spec.kind = &kind;
        spec.create_if_missing = false;
        if (auto db = open_store_file(spec)) sql::exec(db->get(), "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    fs::remove(file.string() + "-wal", ec);
    fs::remove(file.string() + "-shm", ec);
}

Result<Done, std::string> sync_file(const fs::path& file) {
    if (int error = sync_path(file, O_RDONLY)) return "cannot sync " + file.string() + ": " + std::strerror(error);
    return Done{};
}

}  // namespace

Result<Restored, std::string> restore_backup(const fs::path& file, const fs::path& data_dir, bool force) {
    // Held to the end: no hub starts on the folder while its files are replaced.
    auto lock = DataFolderLock::take(data_dir);
    if (!lock) return lock.error() + ". Stop the hub first (systemctl stop skranke-hub), then restore again";
    const std::string refused = "; nothing in " + data_dir.string() + " was changed";

    Incoming incoming{data_dir / (std::string("hub.db") + restoring_suffix),
                      data_dir / (std::string("staff.db") + restoring_suffix)};
    remove_with_side_files(incoming.hub);  // left by a restore that was cut short
    remove_with_side_files(incoming.staff);
    auto manifest = read_backup_archive(file, {{"hub.db", incoming.hub}, {"staff.db", incoming.staff}});
    if (!manifest) return "cannot restore " + file.string() + ": " + manifest.error() + refused;
    auto seq = check_copy(incoming.hub, hub_log_kind());
    if (!seq) return "cannot restore " + file.string() + ": its hub.db is not sound: " + seq.error() + refused;
    if (*seq != manifest->hub_seq)
        return "cannot restore " + file.string() + ": its hub.db ends at hub_seq " + std::to_string(*seq) +
               ", its manifest says " + std::to_string(manifest->hub_seq) + refused;
    if (auto staff = check_copy(incoming.staff, hub_staff_kind()); !staff)
        return "cannot restore " + file.string() + ": its staff.db is not sound: " + staff.error() + refused;

    Restored restored;
    restored.hub_seq = *seq;
    auto current = current_seq(data_dir / "hub.db");
    if (!current && !force)
        return "the hub.db in " + data_dir.string() + " cannot be read (" + current.error() +
               "), so restore cannot tell whether it holds entries the backup lacks. If you are restoring because it "
               "is damaged, run restore again with --force" + refused;
    if (current) restored.replaced_seq = *current;
    if (restored.replaced_seq && *restored.replaced_seq > restored.hub_seq && !force)
        return "the log in " + data_dir.string() + " is newer than the backup: it reaches hub_seq " +
               std::to_string(*restored.replaced_seq) + ", the backup (made " + manifest->created_utc + ") only " +
               std::to_string(restored.hub_seq) + ", so " + std::to_string(*restored.replaced_seq - restored.hub_seq) +
               " entries would be lost. To replace it anyway, back up the folder first (skranke-hub backup FILE), "
               "then restore again with --force" + refused;

    for (const fs::path& copy : {incoming.hub, incoming.staff})
        if (auto synced = sync_file(copy); !synced) return synced.error() + refused;
    // One rename each, staff.db first: a crash between them leaves the old log with the
    // backup's staff, both whole; restore again to finish.
    const std::pair<const fs::path*, const StoreFileKind*> files[] = {{&incoming.staff, &hub_staff_kind()},
                                                                     {&incoming.hub, &hub_log_kind()}};
    for (const auto& [copy, kind] : files) {
        const fs::path target = data_dir / copy->stem();
        fold_write_ahead_log(target, *kind);
        if (::rename(copy->c_str(), target.c_str()) != 0)
            return "cannot put " + target.string() + " in place: " + std::strerror(errno) +
                   " (run restore again to finish)";
    }
    incoming.placed = true;
    if (int error = sync_path(data_dir, O_RDONLY | O_DIRECTORY))
        return "cannot sync the folder " + data_dir.string() + ": " + std::strerror(error);
    return restored;
}

}  // namespace skranke::hub
