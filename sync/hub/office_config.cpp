#include "hub/office_config.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>

#include <spdlog/spdlog.h>

namespace skranke::hub {

namespace {

// The whole file, or an error naming it; bounded so that a wrong path (a log, a disk image)
// cannot fill the hub's memory.
std::optional<std::string> read_text(const std::filesystem::path& path, std::string& error) {
    std::ifstream file(path, std::ios::binary);
    std::string text;
    char buffer[16384];
    while (file && (file.read(buffer, sizeof buffer) || file.gcount() > 0)) {
        text.append(buffer, static_cast<std::size_t>(file.gcount()));
        if (text.size() > max_office_file_bytes) {
            error = path.string() + ": larger than " + std::to_string(max_office_file_bytes / 1024) + " KiB";
            return std::nullopt;
        }
    }
    if (!file.eof()) {
        error = "cannot read " + path.string();
        return std::nullopt;
    }
    return text;
}

}  // namespace

bool is_config_version(std::string_view text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(),
                                            [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

OfficeConfig::Stamp OfficeConfig::stamp_of(const std::filesystem::path& path) {
    struct stat info {};
    if (path.empty() || ::stat(path.c_str(), &info) != 0) return {};
    return {true, static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec,
            static_cast<std::uintmax_t>(info.st_size), static_cast<std::uintmax_t>(info.st_ino)};
}

Result<std::shared_ptr<const ServedConfig>, std::string> OfficeConfig::read_files() const {
    auto served = std::make_shared<ServedConfig>();
    if (!files_.services.empty()) {
        std::string error;
        auto text = read_text(files_.services, error);
        if (!text) return "the service catalogue: " + error;
        auto catalogue = ServiceCatalogue::load_text(*text);
        if (!catalogue) return "the service catalogue: " + files_.services.string() + ": " + catalogue.error().detail;
        served->services_toml = std::move(*text);
        served->catalogue = std::make_shared<const ServiceCatalogue>(std::move(*catalogue));
    }
    if (!files_.office.empty()) {
        std::string error;
        auto text = read_text(files_.office, error);
        if (!text) return "the office file: " + error;
        if (auto settings = parse_office_file(*text, files_.office.string()); !settings)
            return "the office file: " + settings.error();
        served->office_toml = std::move(*text);
    }
    served->version = office_config_version(served->services_toml, served->office_toml);
    return std::shared_ptr<const ServedConfig>(std::move(served));
}

Result<std::unique_ptr<OfficeConfig>, std::string> OfficeConfig::load(Files files) {
    std::unique_ptr<OfficeConfig> config(new OfficeConfig(std::move(files)));
    config->services_stamp_ = stamp_of(config->files_.services);
    config->office_stamp_ = stamp_of(config->files_.office);
    auto served = config->read_files();
    if (!served) return served.error();
    config->current_ = std::move(*served);
    return config;
}

OfficeConfig::~OfficeConfig() {
    {
        std::lock_guard lock(watch_mutex_);
        stopping_ = true;
    }
    watch_wake_.notify_all();
    if (watcher_.joinable()) watcher_.join();
}

std::shared_ptr<const ServedConfig> OfficeConfig::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

OfficeConfig::Reload OfficeConfig::reload_if_changed() {
    std::lock_guard reloading(reload_mutex_);
    const Stamp services = stamp_of(files_.services), office = stamp_of(files_.office);
    if (services == services_stamp_ && office == office_stamp_) return {};
    // Taken as seen before reading: a file refused now is read again only once it changes.
    services_stamp_ = services;
    office_stamp_ = office;
    auto served = read_files();
    const std::string kept = current()->version.substr(0, 12);
    if (!served) {
        spdlog::error("office configuration refused, still serving version {}: {}", kept, served.error());
        return {false, served.error()};
    }
    if ((*served)->version == current()->version) return {};  // touched, not changed
    {
        std::lock_guard lock(mutex_);
        current_ = *served;
    }
    spdlog::info("office configuration changed: version {} (was {}), devices fetch it at their next log read",
                 (*served)->version.substr(0, 12), kept);
    return {true, {}};
}

void OfficeConfig::watch(std::int64_t interval_ms, std::function<void()> changed) {
    watcher_ = std::thread([this, interval_ms, changed = std::move(changed)] {
        std::unique_lock lock(watch_mutex_);
        while (!watch_wake_.wait_for(lock, std::chrono::milliseconds(interval_ms), [&] { return stopping_; })) {
            lock.unlock();
            if (reload_if_changed().changed && changed) changed();
            lock.lock();
        }
    });
}

}  // namespace skranke::hub
