// The backup file IT keeps: one plain POSIX tar archive written and read with libarchive
// (restricted pax: ustar headers, a pax header only for a file past 8 GiB), so `tar tvf`
// lists it and `tar xf` unpacks it without Skranke, holding
//   hub.db               a copy of the event log made with SQLite's online backup
//   staff.db             a copy of the staff list, made the same way
//   skranke-backup.txt   last: what it is, when, the log's last hub_seq, and each file's size
//                        and SHA-256, so a truncated or damaged copy is told from a good one
// The text reads, one item a line:
//   skranke-backup 1
//   created 2026-12-04T02:00:00Z
//   hub_seq 1234
//   file hub.db 5242880 sha256 <64 hex>
//   file staff.db 16384 sha256 <64 hex>
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "domain/result.hpp"

struct archive;  // libarchive's handle

namespace skranke::hub {

inline constexpr int backup_format = 1;
inline constexpr const char* backup_manifest_name = "skranke-backup.txt";

struct BackupManifest {
    struct File {
        std::string name;
        std::uint64_t size = 0;
        std::string sha256;  // lowercase hex
    };
    std::string created_utc;   // 2026-12-04T02:00:00Z
    std::int64_t hub_seq = 0;  // the last entry of the log in the copy
    std::vector<File> files;
};

// Writes an archive to a new file (it must not exist; made 0600: it holds personal data).
class BackupArchiveWriter {
public:
    static Result<BackupArchiveWriter, std::string> create(const std::filesystem::path& path);
    BackupArchiveWriter(BackupArchiveWriter&& other) noexcept;
    BackupArchiveWriter& operator=(BackupArchiveWriter&&) = delete;
    ~BackupArchiveWriter();

    // Appends the file under name, noting its size and hash for the manifest.
    Result<Done, std::string> add(const std::string& name, const std::filesystem::path& source);
    // Appends the manifest and the archive's end, then syncs and closes the file.
    Result<Done, std::string> finish(const std::string& created_utc, std::int64_t hub_seq);

private:
    BackupArchiveWriter(int fd, archive* tar, std::filesystem::path path) : fd_(fd), tar_(tar), path_(std::move(path)) {}
    int fd_ = -1;
    archive* tar_ = nullptr;
    std::filesystem::path path_;
    BackupManifest manifest_;
};

// Whether the file starts as a backup does (a sound tar header of hub.db): enough to tell a
// backup from any other file before replacing it with a new backup.
bool starts_like_backup(const std::filesystem::path& path);

// Reads the whole archive and checks it: tar headers and their checksums (libarchive), only
// the members above as plain files with the manifest last and the archive's end after it,
// each file's size and SHA-256 against the manifest, hub.db and staff.db both there.
// A member named in extract is written to that path (made 0600, replaced if there); the
// caller removes them when this fails. The error says what is wrong, for IT.
Result<BackupManifest, std::string> read_backup_archive(const std::filesystem::path& path,
                                                        const std::map<std::string, std::filesystem::path>& extract);

}  // namespace skranke::hub
