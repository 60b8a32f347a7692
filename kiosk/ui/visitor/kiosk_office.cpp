#include "visitor/kiosk_office.hpp"

#include "store/office_cache.hpp"
#include "visitor/visitor_app.hpp"

namespace skranke::visitor {

KioskOffice::KioskOffice(KioskConfig local, ServiceCatalogue local_catalogue, ui::Translations& translations)
    : local_(std::move(local)),
      local_catalogue_(std::move(local_catalogue)),
      translations_(translations),
      config_(local_),
      catalogue_(local_catalogue_) {
    translations_.set_office_texts(config_.office.texts);
}

Result<bool, std::string> KioskOffice::load_cached(Store& store) {
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
    OfficeSettings office = local_.office;
    if (!hub.office_toml.empty()) {
        auto read = parse_office_file(hub.office_toml, where + ", office file", local_.office);
        if (!read) {
            refused_ = hub.version;
            return read.error();
        }
        office = std::move(*read);
    }
    config_.office = std::move(office);
    catalogue_ = std::move(catalogue);
    translations_.set_office_texts(config_.office.texts);
    version_ = hub.version;
    refused_.clear();
    return true;
}

Result<bool, std::string> KioskOffice::apply_due(Store& store, VisitorApp& app) {
    if (!pending_ || !app.between_visits()) return false;
    pending_ = false;
    auto loaded = load_cached(store);
    if (loaded && *loaded) app.wipe();  // the start screen again, with the office's needs, hours and phone
    return loaded;
}

}  // namespace skranke::visitor
