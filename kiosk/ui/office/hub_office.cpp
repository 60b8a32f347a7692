#include "office/hub_office.hpp"

#include "store/office_cache.hpp"

namespace skranke::office {

HubOffice::HubOffice(OfficeSettings local_settings, ServiceCatalogue local_catalogue, ui::Translations& translations)
    : local_settings_(std::move(local_settings)),
      local_catalogue_(std::move(local_catalogue)),
      translations_(translations),
      settings_(local_settings_),
      catalogue_(local_catalogue_) {
    translations_.set_office_texts(settings_.texts);
}

Result<bool, std::string> HubOffice::load_cached(Store& store) {
    auto cached = cached_office_config(store);
    if (!cached) return "the office configuration cannot be read from the store: " + cached.error().detail;
    if (!*cached || (*cached)->version == version_ || (*cached)->version == refused_) return false;
    const CachedOfficeConfig& hub = **cached;
    const std::string where = "the office configuration " + hub.version.substr(0, 12) + " from the hub";
    ServiceCatalogue catalogue = local_catalogue_;
    if (!hub.services_toml.empty()) {
        auto read = ServiceCatalogue::load_text(hub.services_toml);
        if (!read) {
            refused_ = hub.version;
            return where + ": its service catalogue: " + read.error().detail;
        }
        catalogue = std::move(*read);
    }
    OfficeSettings settings = local_settings_;
    if (!hub.office_toml.empty()) {
        auto read = parse_office_file(hub.office_toml, where + ", office file", local_settings_);
        if (!read) {
            refused_ = hub.version;
            return read.error();
        }
        settings = std::move(*read);
    }
    settings_ = std::move(settings);
    catalogue_ = std::move(catalogue);
    translations_.set_office_texts(settings_.texts);
    version_ = hub.version;
    refused_.clear();
    return true;
}

}  // namespace skranke::office
