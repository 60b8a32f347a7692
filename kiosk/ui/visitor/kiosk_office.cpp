#include "visitor/kiosk_office.hpp"

#include "visitor/visitor_app.hpp"

namespace skranke::visitor {

KioskOffice::KioskOffice(KioskConfig local, ServiceCatalogue local_catalogue, ui::Translations& translations)
    : office_(local.office, std::move(local_catalogue), translations), config_(std::move(local)) {}

Result<bool, std::string> KioskOffice::load_cached(Store& store) {
    auto loaded = office_.load_cached(store);
    if (loaded && *loaded) config_.office = office_.settings();
    return loaded;
}

Result<bool, std::string> KioskOffice::apply_due(Store& store, VisitorApp& app) {
    if (!pending_ || !app.between_visits()) return false;
    pending_ = false;
    auto loaded = load_cached(store);
    if (loaded && *loaded) app.wipe();  // the start screen again, with the office's needs, hours and phone
    return loaded;
}

}  // namespace skranke::visitor
