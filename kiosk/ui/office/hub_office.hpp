// The office's settings and service catalogue as a device shows them: the device's own files
// at first boot, then the office's configuration from the hub as the sync engine cached it
// in the store (store/office_cache.hpp), read over the local files. So a device that synced
// once keeps the office's opening hours, phone, texts and needs across restarts with the hub
// away. The kiosk (visitor/kiosk_office.hpp) and the reception console share it; when and on
// which thread a new configuration is taken in is theirs to say (the kiosk waits for the
// visitor on the screens to finish).
#pragma once

#include <string>

#include "domain/office_settings.hpp"
#include "domain/result.hpp"
#include "domain/service_catalogue.hpp"
#include "shell/translations.hpp"

namespace skranke {
class Store;
}

namespace skranke::office {

class HubOffice {
public:
    // Lays the local settings' texts over translations.
    HubOffice(OfficeSettings local_settings, ServiceCatalogue local_catalogue, ui::Translations& translations);

    // The objects stay for the life of this one; their values change.
    const OfficeSettings& settings() const { return settings_; }
    const ServiceCatalogue& catalogue() const { return catalogue_; }
    // The hub's version in use; empty while the local files are.
    const std::string& version() const { return version_; }

    // Reads the store's cached configuration: true when it is now in use (settings,
    // catalogue and the texts over the translations), false when there is none or it is the
    // one in use already. One that does not read (it was checked before it was stored: a
    // damaged file, or one of a newer program) is an error naming it, said once, and the
    // settings in use stay.
    Result<bool, std::string> load_cached(Store& store);

private:
    OfficeSettings local_settings_;
    ServiceCatalogue local_catalogue_;
    ui::Translations& translations_;
    OfficeSettings settings_;
    ServiceCatalogue catalogue_;
    std::string version_;
    std::string refused_;  // a cached version that did not read: said once
};

}  // namespace skranke::office
