#include "hub/backup_archive.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

namespace skranke::hub {
namespace {

constexpr std::size_t block = 512;
constexpr std::size_t copy_buffer_bytes = 1 << 20;
constexpr std::uint64_t max_manifest_bytes = 64 * 1024;
using Block = std::array<char, block>;

std::string errno_text(int error) { return std::strerror(error); }

// [SECTION] Reading and writing whole buffers

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

// [SECTION] ustar headers

std::size_t padding_of(std::uint64_t size) { return static_cast<std::size_t>((block - size % block) % block); }

void put_octal(char* field, std::size_t width, std::uint64_t value) {
    std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), static_cast<unsigned long long>(value));
}

unsigned header_checksum(const Block& header) {
    unsigned sum = 0;
    for (std::size_t i = 0; i < block; ++i)
        sum += (i >= 148 && i < 156) ? unsigned{' '} : static_cast<unsigned char>(header[i]);
    return sum;
}

Block make_header(const std::string& name, std::uint64_t size, std::int64_t mtime_s) {
    Block h{};
    std::memcpy(h.data(), name.data(), std::min<std::size_t>(name.size(), 99));
    put_octal(&h[100], 8, 0600);
    put_octal(&h[108], 8, 0);
    put_octal(&h[116], 8, 0);
    if (size < (std::uint64_t{1} << 33)) {
        put_octal(&h[124], 12, size);
    } else {  // past 8 GiB: GNU tar's base-256 size
        h[124] = static_cast<char>(0x80);
        for (int i = 0; i < 8; ++i) h[135 - static_cast<std::size_t>(i)] = static_cast<char>((size >> (8 * i)) & 0xff);
    }
    put_octal(&h[136], 12, static_cast<std::uint64_t>(std::max<std::int64_t>(mtime_s, 0)));
    h[156] = '0';
    std::memcpy(&h[257], "ustar", 6);
    std::memcpy(&h[263], "00", 2);
    std::snprintf(&h[148], 8, "%06o", header_checksum(h));
    h[155] = ' ';
    return h;
}

std::optional<std::uint64_t> parse_octal(const char* field, std::size_t width) {
    std::size_t i = 0;
    while (i < width && field[i] == ' ') ++i;
    std::uint64_t value = 0;
    bool any = false;
    for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
        if (value >> 60) return std::nullopt;
        value = value * 8 + static_cast<std::uint64_t>(field[i] - '0');
        any = true;
    }
    for (; i < width; ++i)
        if (field[i] != ' ' && field[i] != '\0') return std::nullopt;
    if (!any) return std::nullopt;
    return value;
}

std::optional<std::uint64_t> parse_size(const Block& h) {
    if ((static_cast<unsigned char>(h[124]) & 0x80) == 0) return parse_octal(&h[124], 12);
    std::uint64_t value = 0;
    for (std::size_t i = 125; i < 136; ++i) {
        if (value >> 55) return std::nullopt;
        value = (value << 8) | static_cast<unsigned char>(h[i]);
    }
    return value;
}

bool all_zero(const Block& b) {
    for (char c : b)
        if (c != 0) return false;
    return true;
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

// [SECTION] Reading members

// Where the bytes of one member go while they are read: a file, the manifest's text, or
// nowhere (checked only).
struct MemberSink {
    int fd = -1;
    std::string* text = nullptr;
};

// Reads one member's bytes and padding into sink; its SHA-256 in sha256. The problem, or
// an empty text.
std::string copy_member(int in, std::uint64_t size, const MemberSink& sink, const std::string& name,
                        std::vector<char>& buffer, std::string& sha256) {
    const std::string truncated = "it ends inside " + name + ": the file is truncated (an interrupted copy?)";
    Sha256 hash;
    std::uint64_t left = size;
    while (left > 0) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
        const ssize_t n = read_full(in, buffer.data(), want);
        if (n < 0) return "cannot read it: " + errno_text(errno);
        if (static_cast<std::size_t>(n) < want) return truncated;
        hash.update(buffer.data(), want);
        if (sink.fd >= 0 && !write_all(sink.fd, buffer.data(), want)) return "cannot write " + name + ": " + errno_text(errno);
        if (sink.text != nullptr) sink.text->append(buffer.data(), want);
        left -= want;
    }
    const std::size_t padding = padding_of(size);
    if (read_full(in, buffer.data(), padding) != static_cast<ssize_t>(padding)) return truncated;
    sha256 = hash.hex();
    return {};
}

struct FdCloser {
    int fd = -1;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

// [SECTION] Writer

Result<BackupArchiveWriter, std::string> BackupArchiveWriter::create(const std::filesystem::path& path) {
    if (sodium_init() < 0) return std::string("libsodium failed to initialise");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return "cannot create " + path.string() + ": " + errno_text(errno);
    return BackupArchiveWriter(fd, path);
}

BackupArchiveWriter::BackupArchiveWriter(BackupArchiveWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), manifest_(std::move(other.manifest_)) {}

BackupArchiveWriter::~BackupArchiveWriter() {
    if (fd_ >= 0) ::close(fd_);
}

Result<Done, std::string> BackupArchiveWriter::add(const std::string& name, const std::filesystem::path& source) {
    const FdCloser in{::open(source.c_str(), O_RDONLY | O_CLOEXEC)};
    struct stat st {};
    if (in.fd < 0 || fstat(in.fd, &st) != 0) return "cannot read " + source.string() + ": " + errno_text(errno);
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const Block header = make_header(name, size, st.st_mtim.tv_sec);
    const std::string what = "cannot write " + path_.string() + ": ";
    if (!write_all(fd_, header.data(), block)) return what + errno_text(errno);
    std::vector<char> buffer(copy_buffer_bytes);
    Sha256 hash;
    std::uint64_t left = size;
    while (left > 0) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
        const ssize_t n = read_full(in.fd, buffer.data(), want);
        if (n != static_cast<ssize_t>(want)) return "cannot read " + source.string() + ": it changed while being copied";
        hash.update(buffer.data(), want);
        if (!write_all(fd_, buffer.data(), want)) return what + errno_text(errno);
        left -= want;
    }
    const Block zeros{};
    if (!write_all(fd_, zeros.data(), padding_of(size))) return what + errno_text(errno);
    manifest_.files.push_back({name, size, hash.hex()});
    return Done{};
}

Result<Done, std::string> BackupArchiveWriter::finish(const std::string& created_utc, std::int64_t hub_seq) {
    manifest_.created_utc = created_utc;
    manifest_.hub_seq = hub_seq;
    const std::string text = manifest_text(manifest_);
    const Block header = make_header(backup_manifest_name, text.size(), std::time(nullptr));
    const Block zeros{};
    const std::string what = "cannot write " + path_.string() + ": ";
    if (!write_all(fd_, header.data(), block) || !write_all(fd_, text.data(), text.size()) ||
        !write_all(fd_, zeros.data(), padding_of(text.size())) || !write_all(fd_, zeros.data(), block) ||
        !write_all(fd_, zeros.data(), block))
        return what + errno_text(errno);
    if (fsync(fd_) != 0) return what + errno_text(errno);
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) return what + errno_text(errno);
    return Done{};
}

// [SECTION] Reader

bool starts_like_backup(const std::filesystem::path& path) {
    const FdCloser in{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    Block header{};
    if (in.fd < 0 || read_full(in.fd, header.data(), block) != static_cast<ssize_t>(block)) return false;
    const auto stored_sum = parse_octal(&header[148], 8);
    return std::memcmp(&header[257], "ustar", 5) == 0 && stored_sum && *stored_sum == header_checksum(header) &&
           std::string(header.data(), strnlen(header.data(), 100)) == "hub.db";
}

Result<BackupManifest, std::string> read_backup_archive(const std::filesystem::path& path,
                                                        const std::map<std::string, std::filesystem::path>& extract) {
    if (sodium_init() < 0) return std::string("libsodium failed to initialise");
    const FdCloser in{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) return "cannot open it: " + errno_text(errno);
    struct stat st {};
    if (fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::string("it is not a regular file");
    const std::string not_backup = "it is not a Skranke backup (made by skranke-hub backup)";
    std::vector<char> buffer(copy_buffer_bytes);
    std::map<std::string, std::pair<std::uint64_t, std::string>> seen;  // name: size, sha256
    std::string manifest_bytes;
    for (int member = 0;; ++member) {
        Block header{};
        const ssize_t n = read_full(in.fd, header.data(), block);
        if (n < 0) return "cannot read it: " + errno_text(errno);
        if (n == 0 && member == 0) return "it is empty (0 bytes): " + not_backup;
        if (n < static_cast<ssize_t>(block) && member == 0) return not_backup;
        if (n < static_cast<ssize_t>(block)) return std::string("it ends early: the file is truncated (an interrupted copy?)");
        if (all_zero(header)) {  // the end: a second zero block, whole
            if (read_full(in.fd, header.data(), block) != static_cast<ssize_t>(block) || !all_zero(header))
                return std::string("it ends early: the file is truncated (an interrupted copy?)");
            break;
        }
        const auto stored_sum = parse_octal(&header[148], 8);
        if (std::memcmp(&header[257], "ustar", 5) != 0 || !stored_sum || *stored_sum != header_checksum(header))
            return member == 0 ? not_backup : "a header inside it is damaged (member " + std::to_string(member + 1) + ")";
        const std::string name(header.data(), strnlen(header.data(), 100));
        const auto size = parse_size(header);
        const bool known = name == "hub.db" || name == "staff.db" || name == backup_manifest_name;
        if (!known || (header[156] != '0' && header[156] != '\0') || !size) return not_backup + " (it holds " + name + ")";
        if (seen.count(name) != 0) return "it holds " + name + " twice";
        if (name == backup_manifest_name && *size > max_manifest_bytes) return not_backup + " (its manifest is too long)";
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
        if (auto problem = copy_member(in.fd, *size, sink, name, buffer, hash); !problem.empty()) return problem;
        if (out.fd >= 0 && ::close(std::exchange(out.fd, -1)) != 0) return "cannot write " + name + ": " + errno_text(errno);
        seen[name] = {*size, hash};
    }
    if (seen.count(backup_manifest_name) == 0)
        return std::string("it has no manifest (") + backup_manifest_name + "): truncated, or " + not_backup;
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
