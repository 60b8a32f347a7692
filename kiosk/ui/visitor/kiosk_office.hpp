// The office's settings and service catalogue as a kiosk shows them (office/hub_office.hpp):
// its own kiosk.toml and services.toml at first boot, then the office's configuration from
// the hub over them. Applied on the UI thread, only between visits: a visitor on their way
// never sees a screen change under their finger.
#pragma once

#include <atomic>
#include <string>

#include "domain/result.hpp"
#include "office/hub_office.hpp"
#include "visitor/kiosk_config.hpp"

namespace skranke::visitor {

class VisitorApp;

class KioskOffice {
public:
    // Lays the local file's texts ([texts.<language>] of kiosk.toml) over translations.
    KioskOffice(KioskConfig local, ServiceCatalogue local_catalogue, ui::Translations& translations);

    // What VisitorServices point at: the objects stay, their values change.
    const KioskConfig& config() const { return config_; }
    const ServiceCatalogue& catalogue() const { return office_.catalogue(); }
    // The hub's version in use; empty while the local files are.
    const std::string& version() const { return office_.version(); }

    // HubOffice::load_cached, with the kiosk's config following it.
    Result<bool, std::string> load_cached(Store& store);
    // The sync engine stored a new configuration (any thread; the first one is due at start).
    void stored() { pending_ = true; }
    // Each turn of the UI loop: a configuration due is read (load_cached) once the app is
    // between visits, and the app starts afresh with it. True when the screen changed.
    Result<bool, std::string> apply_due(Store& store, VisitorApp& app);

private:
    office::HubOffice office_;
    KioskConfig config_;
    std::atomic<bool> pending_{true};
};

}  // namespace skranke::visitor
