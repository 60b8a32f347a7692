// skranke-hub backup: online copies of hub.db and staff.db, checked, in one archive, named
// only once whole; and the rotation of the nightly backups. Restore is in restore.cpp.
#include "hub/backup.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <regex>
#include <tuple>

#include <sqlite3.h>

#include "domain/office_time.hpp"
#include "hub/backup_archive.hpp"
#include "hub/hub_file.hpp"
#include "store/sqlite_util.hpp"

namespace skranke::hub {
namespace {

namespace fs = std::filesystem;

// 4 MiB of pages a step: each step is short, and all of them read one snapshot (see copy_online).
constexpr int pages_per_step = 1024;
constexpr auto busy_limit = std::chrono::seconds(60);
constexpr const char* temp_prefix = ".skranke-backup-";
constexpr const char* rotated_suffix = ".skranke-backup";

std::atomic<unsigned> backups_started{0};

std::string sqlite_text(sqlite3* db, int code) {
    return db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
}

// The copies and the archive being written beside the backup: removed with SQLite's side
// files when this goes, whatever happened.
struct TempFiles {
    std::vector<fs::path> paths;
    ~TempFiles() {
        std::error_code ec;
        for (const auto& p : paths)
            for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(p.string() + suffix, ec);
    }
};

// What a backup killed half-way (power cut, SIGKILL) left in folder: its temporary files,
// named with its process id, once that process is gone.
void remove_abandoned(const fs::path& folder) {
    std::error_code ec;
    fs::directory_iterator it(folder, ec);
    for (int looked = 0; !ec && it != fs::directory_iterator() && looked < 100000; it.increment(ec), ++looked) {
        const std::string name = it->path().filename().string();
        if (name.rfind(temp_prefix, 0) != 0) continue;
        const long pid = std::strtol(name.c_str() + std::strlen(temp_prefix), nullptr, 10);
        if (pid <= 0 || pid == getpid() || kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
        std::error_code remove_ec;
        fs::remove(it->path(), remove_ec);
    }
}

// 2026-12-04T02:00:00Z (manifest) or 20261204T020000Z (file names).
std::string utc_time(std::int64_t ms, bool compact) {
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm t{};
    gmtime_r(&seconds, &t);
    char text[32];
    std::strftime(text, sizeof text, compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ", &t);
    return text;
}

// A new empty file only this user may read: the copy holds personal data.
Result<Done, std::string> make_private_file(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return "cannot create " + path.string() + ": " + std::strerror(errno);
    ::close(fd);
    return Done{};
}

// Copies source into the new file dest with SQLite's online backup API. The steps all read
// one snapshot, held by a read transaction on the source: in WAL mode that blocks no writer
// (the hub goes on storing pushes), and a write by the hub between steps cannot make the
// copy start again, as it would without the snapshot. The log's last hub_seq in it, when
// with_log (hub.db).
Result<std::int64_t, std::string> copy_online(const fs::path& source, const StoreFileKind& kind, const fs::path& dest,
                                              bool with_log) {
    StoreFileSpec spec;
    spec.path = source;
    spec.kind = &kind;
    spec.create_if_missing = false;
    auto src = open_store_file(spec);
    if (!src) return "cannot open " + source.string() + ": " + src.error().detail;
    if (sql::exec(src->get(), "PRAGMA query_only = 1") != SQLITE_OK) return "cannot open " + source.string() + " to read";
    sql::ReadTransaction snapshot(src->get());
    if (snapshot.begin_code() != SQLITE_OK) return "cannot read " + source.string() + ": " + sqlite_text(src->get(), 0);
    std::int64_t seq = 0;
    if (with_log) {  // the read that starts the snapshot
        auto last = last_hub_seq(src->get());
        if (!last) return last.error();
        seq = *last;
    } else if (sql::exec(src->get(), "SELECT count(*) FROM sqlite_schema") != SQLITE_OK) {
        return "cannot read " + source.string() + ": " + sqlite_text(src->get(), 0);
    }

    if (auto made = make_private_file(dest); !made) return made.error();
    sqlite3* raw = nullptr;
    const int opened = sqlite3_open_v2(dest.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    const Connection dst(raw);
    if (opened != SQLITE_OK) return "cannot open " + dest.string() + ": " + sqlite_text(raw, opened);
    // No journal and no sync for the copy: it is thrown away unless whole, and the archive is synced.
    if (sql::exec(raw, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF") != SQLITE_OK)
        return "cannot set up " + dest.string() + ": " + sqlite_text(raw, 0);
    sqlite3_backup* backup = sqlite3_backup_init(raw, "main", src->get(), "main");
    if (backup == nullptr) return "cannot start copying " + source.string() + ": " + sqlite_text(raw, 0);
    const auto give_up = std::chrono::steady_clock::now() + busy_limit;
    int step = SQLITE_OK;
    for (;;) {
        step = sqlite3_backup_step(backup, pages_per_step);
        if (step == SQLITE_OK) continue;
        const int primary = step & 0xff;
        if ((primary == SQLITE_BUSY || primary == SQLITE_LOCKED) && std::chrono::steady_clock::now() < give_up) {
            sqlite3_sleep(10);
            continue;
        }
        break;
    }
    const int finished = sqlite3_backup_finish(backup);
    if (step != SQLITE_DONE) return "cannot copy " + source.string() + ": " + sqlite3_errstr(step);
    if (finished != SQLITE_OK) return "cannot copy " + source.string() + ": " + sqlite_text(raw, finished);
    return seq;
}

using Place = std::function<Result<fs::path, std::string>(const fs::path& archive)>;

// Makes the backup under a temporary name in folder and hands it to place, which names it.
Result<BackupWritten, std::string> write_backup_in(const fs::path& data_dir, const fs::path& folder, const Place& place) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) return "the folder " + folder.string() + " does not exist";
    remove_abandoned(folder);
    const std::int64_t started = wall_clock_ms();
    const std::string base = std::string(temp_prefix) + std::to_string(getpid()) + "-" + std::to_string(++backups_started);
    TempFiles temps;
    const fs::path hub_copy = folder / (base + "-hub.db");
    const fs::path staff_copy = folder / (base + "-staff.db");
    const fs::path archive = folder / (base + ".partial");
    temps.paths = {hub_copy, staff_copy, archive};

    auto seq = copy_online(data_dir / "hub.db", hub_log_kind(), hub_copy, true);
    if (!seq) return seq.error();
    if (auto copied = copy_online(data_dir / "staff.db", hub_staff_kind(), staff_copy, false); !copied)
        return copied.error();
    auto checked = check_copy(hub_copy, hub_log_kind());
    if (!checked) return "the copy of hub.db is not sound: " + checked.error();
    if (*checked != *seq) return "the copy of hub.db ends at hub_seq " + std::to_string(*checked) + ", not " + std::to_string(*seq);
    if (auto staff = check_copy(staff_copy, hub_staff_kind()); !staff) return "the copy of staff.db is not sound: " + staff.error();

    auto writer = BackupArchiveWriter::create(archive);
    if (!writer) return writer.error();
    if (auto added = writer->add("hub.db", hub_copy); !added) return added.error();
    if (auto added = writer->add("staff.db", staff_copy); !added) return added.error();
    if (auto done = writer->finish(utc_time(started, false), *seq); !done) return done.error();
    auto named = place(archive);
    if (!named) return named.error();
    if (int error = sync_path(folder, O_RDONLY | O_DIRECTORY))
        return "cannot sync the folder " + folder.string() + ": " + std::strerror(error);
    BackupWritten written;
    written.file = *named;
    written.hub_seq = *seq;
    written.bytes = fs::file_size(*named, ec);
    return written;
}

fs::path folder_of(const fs::path& file) { return file.has_parent_path() ? file.parent_path() : fs::path("."); }

// Renames without replacing; false when the name is taken.
Result<bool, std::string> rename_new(const fs::path& from, const fs::path& to) {
    if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
    int error = errno;
    if (error == EINVAL || error == ENOSYS || error == EOPNOTSUPP) {  // no rename-without-replace: a hard link is as atomic
        error = ::link(from.c_str(), to.c_str()) == 0 ? 0 : errno;
        if (error == 0) {
            ::unlink(from.c_str());
            return true;
        }
    }
    if (error == EEXIST) return false;
    return "cannot name the backup " + to.string() + ": " + std::strerror(error);
}

struct RotatedName {
    std::string stamp;
    int number = 1;
    fs::path path;
};

// write_backup_into's files in folder (hub-<stamp>[-<number>].skranke-backup), oldest first.
std::vector<RotatedName> rotated_names(const fs::path& folder) {
    static const std::regex pattern(R"(hub-(\d{8}T\d{6}Z)(?:-(\d{1,6}))?\.skranke-backup)");
    std::vector<RotatedName> found;
    std::error_code ec;
    fs::directory_iterator it(folder, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::smatch match;
        std::error_code type_ec;
        if (!std::regex_match(name, match, pattern) || !it->is_regular_file(type_ec)) continue;
        found.push_back({match[1].str(), match[2].matched ? std::stoi(match[2].str()) : 1, it->path()});
    }
    std::sort(found.begin(), found.end(), [](const RotatedName& a, const RotatedName& b) {
        return std::tie(a.stamp, a.number) < std::tie(b.stamp, b.number);
    });
    return found;
}

}  // namespace

Result<std::int64_t, std::string> last_hub_seq(sqlite3* db) {
    sql::Statement top(db, "SELECT coalesce(max(hub_seq), 0) FROM events");
    if (!top.valid()) return "cannot read the log: " + sqlite_text(db, top.prepare_code());
    if (int code = top.step(); code != SQLITE_ROW) return "cannot read the log: " + sqlite_text(db, code);
    return top.int64(0);
}

Result<std::int64_t, std::string> check_copy(const fs::path& copy, const StoreFileKind& kind) {
    StoreFileSpec spec;
    spec.path = copy;
    spec.kind = &kind;
    spec.create_if_missing = false;
    auto db = open_store_file(spec);
    if (!db) return db.error().detail;
    if (&kind == &hub_log_kind()) {
        sql::Statement version(db->get(), "PRAGMA user_version");
        if (!version.valid() || version.step() != SQLITE_ROW) return std::string("cannot read its schema version");
        if (version.int64(0) > hub_schema_version)
            return "it was made by a newer skranke-hub (schema " + std::to_string(version.int64(0)) +
                   ", this one reads up to " + std::to_string(hub_schema_version) + "): install that version first";
    }
    sql::Statement integrity(db->get(), "PRAGMA integrity_check");
    if (!integrity.valid()) return "integrity_check: " + sqlite_text(db->get(), integrity.prepare_code());
    std::string result;
    int code = SQLITE_OK;
    while ((code = integrity.step()) == SQLITE_ROW) result += (result.empty() ? "" : "; ") + integrity.text(0);
    if (code != SQLITE_DONE) return "integrity_check: " + sqlite_text(db->get(), code);
    if (result != "ok") return "integrity_check found damage: " + result.substr(0, 300);
    if (&kind != &hub_log_kind()) return std::int64_t{0};
    return last_hub_seq(db->get());
}

Result<BackupWritten, std::string> write_backup(const fs::path& data_dir, const fs::path& file) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(file, ec)) && !starts_like_backup(file))
        return file.string() + " exists and is not a Skranke backup; give the backup a name of its own";
    return write_backup_in(data_dir, folder_of(file), [&](const fs::path& archive) -> Result<fs::path, std::string> {
        if (::rename(archive.c_str(), file.c_str()) != 0)
            return "cannot name the backup " + file.string() + ": " + std::strerror(errno);
        return file;
    });
}

std::vector<fs::path> rotated_backups(const fs::path& folder) {
    std::vector<fs::path> paths;
    for (auto& f : rotated_names(folder)) paths.push_back(std::move(f.path));
    return paths;
}

Result<BackupWritten, std::string> write_backup_into(const fs::path& data_dir, const fs::path& folder, int keep) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) return "cannot make the folder " + folder.string() + ": " + ec.message();
    const std::string stamp = utc_time(wall_clock_ms(), true);
    auto written = write_backup_in(data_dir, folder, [&](const fs::path& archive) -> Result<fs::path, std::string> {
        // After every backup of the same second, even one rotated away since: names sort as made.
        int first = 1;
        for (const auto& same : rotated_names(folder))
            if (same.stamp == stamp) first = std::max(first, same.number + 1);
        for (int number = first; number < first + 1000; ++number) {
            const std::string suffix = number == 1 ? "" : "-" + std::to_string(number);
            const fs::path name = folder / ("hub-" + stamp + suffix + rotated_suffix);
            auto renamed = rename_new(archive, name);
            if (!renamed) return renamed.error();
            if (*renamed) return name;
        }
        return "cannot name the backup: hub-" + stamp + rotated_suffix + " and 1000 more are taken";
    });
    if (!written || keep <= 0) return written;
    // The one just written always stays, even if a clock set back makes its name sort older.
    std::vector<fs::path> older = rotated_backups(folder);
    older.erase(std::remove(older.begin(), older.end(), written->file), older.end());
    const std::size_t keep_older = static_cast<std::size_t>(keep - 1);
    for (std::size_t i = 0; i + keep_older < older.size(); ++i) {
        std::error_code remove_ec;
        if (fs::remove(older[i], remove_ec)) written->removed.push_back(older[i]);
    }
    return written;
}

}  // namespace skranke::hub
