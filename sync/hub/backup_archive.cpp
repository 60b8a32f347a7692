#include "hub/backup_archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <set>
#include <sstream>
#include <utility>

namespace skranke::hub {
namespace {

constexpr std::size_t block = 512;  // a tar record; the archive ends with two zero ones
constexpr std::size_t copy_buffer_bytes = 1 << 20;
constexpr std::uint64_t max_manifest_bytes = 64 * 1024;

std::string errno_text(int error) { return std::strerror(error); }

std::string archive_text(archive* tar) {
    const char* text = archive_error_string(tar);
    return text != nullptr ? text : "unknown libarchive error";
}

struct ReadArchiveFree {
    void operator()(archive* tar) const { archive_read_free(tar); }
};
using ReadArchive = std::unique_ptr<archive, ReadArchiveFree>;

struct FdCloser {
    int fd = -1;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

// Bytes read, fewer than size only at the end of the file; -1 on an error.
ssize_t read_full(int fd, char* data, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::read(fd, data + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    return static_cast<ssize_t>(done);
}

bool write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

class Sha256 {
public:
    Sha256() { crypto_hash_sha256_init(&state_); }
    void update(const char* data, std::size_t size) {
        crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(data), size);
    }
    std::string hex() {
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256_final(&state_, digest);
        char text[sizeof digest * 2 + 1];
        sodium_bin2hex(text, sizeof text, digest, sizeof digest);
        return text;
    }

private:
    crypto_hash_sha256_state state_{};
};

// A plain file's header, 0600 like the backup itself (it holds personal data).
bool write_file_header(archive* tar, const std::string& name, la_int64_t size, time_t mtime_s) {
    const std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(), archive_entry_free);
    if (!entry) return false;
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0600);
    archive_entry_set_size(entry.get(), size);
    archive_entry_set_mtime(entry.get(), std::max<time_t>(mtime_s, 0), 0);
    return archive_write_header(tar, entry.get()) == ARCHIVE_OK;
}

// [SECTION] The manifest

std::string manifest_text(const BackupManifest& m) {
    std::string text = "skranke-backup " + std::to_string(backup_format) + "\ncreated " + m.created_utc +
                       "\nhub_seq " + std::to_string(m.hub_seq) + "\n";
    for (const auto& f : m.files)
        text += "file " + f.name + " " + std::to_string(f.size) + " sha256 " + f.sha256 + "\n";
    return text;
}

Result<BackupManifest, std::string> parse_manifest(const std::string& text) {
    BackupManifest m;
    std::istringstream lines(text);
    std::string line;
    if (!std::getline(lines, line) || line.rfind("skranke-backup ", 0) != 0)
        return std::string("its manifest does not start with \"skranke-backup\"");
    if (line != "skranke-backup " + std::to_string(backup_format))
        return "it is backup format \"" + line.substr(15) + "\", which this skranke-hub cannot read (made by a newer one?)";
    bool has_seq = false;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string key;
        words >> key;
        if (key == "created") {
            words >> m.created_utc;
        } else if (key == "hub_seq") {
            has_seq = static_cast<bool>(words >> m.hub_seq) && m.hub_seq >= 0;
        } else if (key == "file") {
            BackupManifest::File f;
            std::string algorithm;
            if (!(words >> f.name >> f.size >> algorithm >> f.sha256) || algorithm != "sha256")
                return "its manifest has a bad line: " + line;
            m.files.push_back(f);
        } else if (!key.empty()) {
            return "its manifest has an unknown line: " + line;
        }
    }
    if (!has_seq) return std::string("its manifest has no hub_seq");
    return m;
}

// [SECTION] Reading

// A plain tar only: no compression, no other format, read from the open file. None when
// the file does not start as a tar (libarchive reads its start to tell the format).
ReadArchive open_tar(int fd) {
    ReadArchive tar(archive_read_new());
    if (!tar || archive_read_support_format_tar(tar.get()) != ARCHIVE_OK ||
        archive_read_open_fd(tar.get(), fd, copy_buffer_bytes) != ARCHIVE_OK)
        return nullptr;
    return tar;
}

bool is_plain_file(archive_entry* entry) {
    return archive_entry_filetype(entry) == AE_IFREG && archive_entry_hardlink(entry) == nullptr &&
           archive_entry_symlink(entry) == nullptr && archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) >= 0;
}

// Where the bytes of one member go while they are read: a file, the manifest's text, or
// nowhere (checked only).
struct MemberSink {
    int fd = -1;
    std::string* text = nullptr;
};

// Reads the current member's bytes into sink, its SHA-256 in sha256. The problem, or an
// empty text. file_size tells a cut-short file from a read error: libarchive fails alike.
std::string copy_member(archive* tar, std::uint64_t size, std::uint64_t file_size, const MemberSink& sink,
                        const std::string& name, std::vector<char>& buffer, std::string& sha256) {
    const auto data_start = static_cast<std::uint64_t>(archive_filter_bytes(tar, 0));
    Sha256 hash;
    std::uint64_t done = 0;
    for (;;) {
        const la_ssize_t n = archive_read_data(tar, buffer.data(), buffer.size());
        if (n == 0) break;
        if (n < 0) {
            if (data_start + size > file_size)
                return "it ends inside " + name + ": the file is truncated (an interrupted copy?)";
            return "cannot read " + name + " inside it: " + archive_text(tar);
        }
        const auto got = static_cast<std::size_t>(n);
        hash.update(buffer.data(), got);
        if (sink.fd >= 0 && !write_all(sink.fd, buffer.data(), got)) return "cannot write " + name + ": " + errno_text(errno);
        if (sink.text != nullptr) sink.text->append(buffer.data(), got);
        done += got;
    }
    if (done != size) return name + " inside it is damaged (its header gives another size)";
    sha256 = hash.hex();
    return {};
}

// Whether the archive's end (two zero records) follows at offset: libarchive also takes a
// file that stops before it, which a cut-short copy can.
bool ends_at(int fd, std::uint64_t offset) {
    std::array<char, 2 * block> end{};
    const ssize_t n = ::pread(fd, end.data(), end.size(), static_cast<off_t>(offset));
    return n == static_cast<ssize_t>(end.size()) && std::all_of(end.begin(), end.end(), [](char c) { return c == 0; });
}

}  // namespace

// [SECTION] Writer

Result<BackupArchiveWriter, std::string> BackupArchiveWriter::create(const std::filesystem::path& path) {
    if (sodium_init() < 0) return std::string("libsodium failed to initialise");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return "cannot create " + path.string() + ": " + errno_text(errno);
    BackupArchiveWriter writer(fd, archive_write_new(), path);  // closes both when this fails
    archive* tar = writer.tar_;
    // Restricted pax: plain ustar headers, a pax header only where ustar cannot say it (a file
    // past 8 GiB). The file ends right after the archive's end: no padding to 10 KiB.
    if (tar == nullptr || archive_write_set_format_pax_restricted(tar) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(tar, 1) != ARCHIVE_OK || archive_write_open_fd(tar, fd) != ARCHIVE_OK)
        return "cannot write " + path.string() + ": " + (tar != nullptr ? archive_text(tar) : "out of memory");
    return writer;
}

BackupArchiveWriter::BackupArchiveWriter(BackupArchiveWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), tar_(std::exchange(other.tar_, nullptr)), path_(std::move(other.path_)),
      manifest_(std::move(other.manifest_)) {}

BackupArchiveWriter::~BackupArchiveWriter() {
    // An unfinished archive is thrown away by the caller, so its end need not be written.
    if (tar_ != nullptr) {
        archive_write_fail(tar_);
        archive_write_free(tar_);
    }
    if (fd_ >= 0) ::close(fd_);
}

Result<Done, std::string> BackupArchiveWriter::add(const std::string& name, const std::filesystem::path& source) {
    const FdCloser in{::open(source.c_str(), O_RDONLY | O_CLOEXEC)};
    struct stat st {};
    if (in.fd < 0 || fstat(in.fd, &st) != 0) return "cannot read " + source.string() + ": " + errno_text(errno);
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const std::string what = "cannot write " + path_.string() + ": ";
    if (!write_file_header(tar_, name, st.st_size, st.st_mtim.tv_sec)) return what + archive_text(tar_);
    std::vector<char> buffer(copy_buffer_bytes);
    Sha256 hash;
    std::uint64_t left = size;
    while (left > 0) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
        const ssize_t n = read_full(in.fd, buffer.data(), want);
        if (n != static_cast<ssize_t>(want)) return "cannot read " + source.string() + ": it changed while being copied";
        hash.update(buffer.data(), want);
        if (archive_write_data(tar_, buffer.data(), want) != static_cast<la_ssize_t>(want)) return what + archive_text(tar_);
        left -= want;
    }
    if (archive_write_finish_entry(tar_) != ARCHIVE_OK) return what + archive_text(tar_);
    manifest_.files.push_back({name, size, hash.hex()});
    return Done{};
}

Result<Done, std::string> BackupArchiveWriter::finish(const std::string& created_utc, std::int64_t hub_seq) {
    manifest_.created_utc = created_utc;
    manifest_.hub_seq = hub_seq;
    const std::string text = manifest_text(manifest_);
    const std::string what = "cannot write " + path_.string() + ": ";
    if (!write_file_header(tar_, backup_manifest_name, static_cast<la_int64_t>(text.size()), std::time(nullptr)) ||
        archive_write_data(tar_, text.data(), text.size()) != static_cast<la_ssize_t>(text.size()) ||
        archive_write_finish_entry(tar_) != ARCHIVE_OK)
        return what + archive_text(tar_);
    // Writes the archive's end and flushes libarchive's buffer; the file stays ours to sync.
    if (archive_write_close(tar_) != ARCHIVE_OK) return what + archive_text(tar_);
    archive_write_free(std::exchange(tar_, nullptr));
    if (fsync(fd_) != 0) return what + errno_text(errno);
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) return what + errno_text(errno);
    return Done{};
}

// [SECTION] Reader

bool starts_like_backup(const std::filesystem::path& path) {
    const FdCloser in{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) return false;
    const ReadArchive tar = open_tar(in.fd);
    archive_entry* entry = nullptr;
    if (!tar || archive_read_next_header(tar.get(), &entry) != ARCHIVE_OK) return false;
    const char* name = archive_entry_pathname(entry);
    return name != nullptr && std::strcmp(name, "hub.db") == 0 && is_plain_file(entry);
}

Result<BackupManifest, std::string> read_backup_archive(const std::filesystem::path& path,
                                                        const std::map<std::string, std::filesystem::path>& extract) {
    if (sodium_init() < 0) return std::string("libsodium failed to initialise");
    const FdCloser in{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) return "cannot open it: " + errno_text(errno);
    struct stat st {};
    if (fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::string("it is not a regular file");
    const std::string not_backup = "it is not a Skranke backup (made by skranke-hub backup)";
    if (st.st_size == 0) return "it is empty (0 bytes): " + not_backup;
    const auto file_size = static_cast<std::uint64_t>(st.st_size);
    const ReadArchive tar = open_tar(in.fd);
    if (!tar) return not_backup;
    std::vector<char> buffer(copy_buffer_bytes);
    std::map<std::string, std::pair<std::uint64_t, std::string>> seen;  // name: size, sha256
    std::string manifest_bytes;
    std::uint64_t manifest_end = 0;  // where the archive's end must follow
    for (int member = 0;; ++member) {
        archive_entry* entry = nullptr;
        const int status = archive_read_next_header(tar.get(), &entry);
        if (status == ARCHIVE_EOF) break;
        if (status != ARCHIVE_OK && member == 0) return not_backup;
        if (status != ARCHIVE_OK && archive_filter_bytes(tar.get(), 0) + static_cast<la_int64_t>(block) > st.st_size)
            return std::string("it ends early: the file is truncated (an interrupted copy?)");
        if (status != ARCHIVE_OK)
            return "a header inside it is damaged (member " + std::to_string(member + 1) + ": " + archive_text(tar.get()) + ")";
        const char* path_name = archive_entry_pathname(entry);
        const std::string name = path_name != nullptr ? path_name : "";
        const bool known = name == "hub.db" || name == "staff.db" || name == backup_manifest_name;
        if (!known || !is_plain_file(entry)) return not_backup + " (it holds " + name + ")";
        if (seen.count(backup_manifest_name) != 0) return "it holds " + name + " after its manifest, which comes last";
        if (seen.count(name) != 0) return "it holds " + name + " twice";
        const auto size = static_cast<std::uint64_t>(archive_entry_size(entry));
        if (name == backup_manifest_name && size > max_manifest_bytes) return not_backup + " (its manifest is too long)";
        FdCloser out;
        MemberSink sink;
        if (name == backup_manifest_name) {
            sink.text = &manifest_bytes;
        } else if (const auto to = extract.find(name); to != extract.end()) {
            out.fd = ::open(to->second.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (out.fd < 0) return "cannot write " + to->second.string() + ": " + errno_text(errno);
            sink.fd = out.fd;
        }
        std::string hash;
        if (auto problem = copy_member(tar.get(), size, file_size, sink, name, buffer, hash); !problem.empty()) return problem;
        if (out.fd >= 0 && ::close(std::exchange(out.fd, -1)) != 0) return "cannot write " + name + ": " + errno_text(errno);
        seen[name] = {size, hash};
        if (name == backup_manifest_name) manifest_end = static_cast<std::uint64_t>(archive_filter_bytes(tar.get(), 0));
    }
    if (seen.count(backup_manifest_name) == 0)
        return std::string("it has no manifest (") + backup_manifest_name + "): truncated, or " + not_backup;
    if (!ends_at(in.fd, manifest_end)) return std::string("it ends early: the file is truncated (an interrupted copy?)");
    auto manifest = parse_manifest(manifest_bytes);
    if (!manifest) return manifest.error();
    std::set<std::string> listed;
    for (const auto& f : manifest->files) {
        const auto found = seen.find(f.name);
        if (found == seen.end() || f.name == backup_manifest_name) return "it lacks " + f.name + ", which its manifest lists";
        if (found->second.first != f.size || found->second.second != f.sha256)
            return f.name + " inside it is damaged (its size or SHA-256 differs from the manifest)";
        listed.insert(f.name);
    }
    for (const char* required : {"hub.db", "staff.db"})
        if (listed.count(required) == 0) return std::string("it lacks ") + required;
    return manifest;
}

}  // namespace skranke::hub
