// What the hub serves devices as the office's configuration (GET /v1/config): its service
// catalogue (--services) and its office file (--office: opening hours, closed days, phone,
// texts), checked with the same readers the kiosks use, under one version. The files are
// read again when they change; one that does not read is refused with a log line naming
// the file and the key, and the last good configuration stays served.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "domain/office_settings.hpp"
#include "domain/service_catalogue.hpp"

namespace skranke::hub {

struct ServedConfig {
    std::string version;        // office_config_version(services_toml, office_toml)
    std::string services_toml;  // the files as read (empty: none given)
    std::string office_toml;
    std::shared_ptr<const ServiceCatalogue> catalogue;  // null: no --services
};

// A version as office_config_version writes it: 64 lower-case hex digits.
bool is_config_version(std::string_view text);

class OfficeConfig {
public:
    struct Files {
        std::filesystem::path services;  // empty: none
        std::filesystem::path office;    // empty: none
    };
    // Reads both files; an error (naming the file and key) when either does not read.
    static Result<std::unique_ptr<OfficeConfig>, std::string> load(Files files);
    ~OfficeConfig();  // stops watching
    OfficeConfig(const OfficeConfig&) = delete;
    OfficeConfig& operator=(const OfficeConfig&) = delete;

    std::shared_ptr<const ServedConfig> current() const;
    struct Reload {
        bool changed = false;  // a new configuration is served from now on
        std::string refused;   // why a changed file was not taken (logged too); empty: none was
    };
    // Reads the files again if either changed on disk since the last look (modification
    // time, size, inode). A file that does not read is refused, once per change of it, and
    // the last good configuration stays served.
    Reload reload_if_changed();
    // From now on looks every interval_ms on a thread of its own; changed() runs there
    // after a new configuration is served.
    void watch(std::int64_t interval_ms, std::function<void()> changed);

private:
    // What a file was on disk when last looked at.
    struct Stamp {
        bool exists = false;
        std::int64_t mtime_ns = 0;
        std::uintmax_t size = 0;
        std::uintmax_t inode = 0;
        bool operator==(const Stamp&) const = default;
    };
    explicit OfficeConfig(Files files) : files_(std::move(files)) {}
    static Stamp stamp_of(const std::filesystem::path& path);
    Result<std::shared_ptr<const ServedConfig>, std::string> read_files() const;

    Files files_;
    mutable std::mutex mutex_;
    std::shared_ptr<const ServedConfig> current_;
    std::mutex reload_mutex_;              // one look at the files at a time
    Stamp services_stamp_, office_stamp_;  // as last looked at

    std::mutex watch_mutex_;
    std::condition_variable watch_wake_;
    bool stopping_ = false;
    std::thread watcher_;
};

}  // namespace skranke::hub
