// The office's settings and service catalogue as a kiosk shows them: its own kiosk.toml and
// services.toml at first boot, then the office's configuration from the hub as the sync
// engine cached it in the store (store/office_cache.hpp), read over the local files. So a
// kiosk that synced once keeps the office's opening hours, phone, texts and needs across
// restarts with the hub away. Applied on the UI thread, only between visits: a visitor on
// their way never sees a screen change under their finger.
#pragma once

#include <atomic>
#include <string>

#include "domain/result.hpp"
#include "domain/service_catalogue.hpp"
#include "shell/translations.hpp"
#include "visitor/kiosk_config.hpp"

namespace skranke {
class Store;
}

namespace skranke::visitor {

class VisitorApp;

class KioskOffice {
public:
    // Lays the local file's texts ([texts.<language>] of kiosk.toml) over translations.
    KioskOffice(KioskConfig local, ServiceCatalogue local_catalogue, ui::Translations& translations);

    // What VisitorServices point at: the objects stay, their values change.
    const KioskConfig& config() const { return config_; }
    const ServiceCatalogue& catalogue() const { return catalogue_; }
    // The hub's version in use; empty while the local files are.
    const std::string& version() const { return version_; }

    // Reads the store's cached configuration: true when it is now in use, false when there
    // is none or it is the one in use already. One that does not read (it was checked before
    // it was stored: a damaged file, or one of a newer program) is an error naming it, and
    // the settings in use stay.
    Result<bool, std::string> load_cached(Store& store);
    // The sync engine stored a new configuration (any thread; the first one is due at start).
    void stored() { pending_ = true; }
    // Each turn of the UI loop: a configuration due is read (load_cached) once the app is
    // between visits, and the app starts afresh with it. True when the screen changed.
    Result<bool, std::string> apply_due(Store& store, VisitorApp& app);

private:
    KioskConfig local_;
    ServiceCatalogue local_catalogue_;
    ui::Translations& translations_;
    KioskConfig config_;
    ServiceCatalogue catalogue_;
    std::string version_;
    std::string refused_;  // a cached version that did not read: said once
    std::atomic<bool> pending_{true};
};

}  // namespace skranke::visitor
