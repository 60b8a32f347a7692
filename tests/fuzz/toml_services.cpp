// The service catalogue (services.toml, ServiceCatalogue::load_text): any text either
// loads as needs the kiosk and the hub can use, or is refused with a detail for IT.
#include <set>
#include <string>

#include "domain/service_catalogue.hpp"
#include "domain/validation.hpp"
#include "fuzz_check.hpp"

using namespace skranke;

namespace {

bool is_plain_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (const char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto loaded = ServiceCatalogue::load_text(fuzz::as_text(data, size));
    if (!loaded) {
        FUZZ_REQUIRE(loaded.error().message_key == "error.catalogue_invalid");
        FUZZ_REQUIRE(!loaded.error().detail.empty());
        return 0;
    }
    const ServiceCatalogue& catalogue = *loaded;
    FUZZ_REQUIRE(!catalogue.needs().empty());
    std::set<std::string> ids;
    int appointments = 0;
    for (const Need& need : catalogue.needs()) {
        FUZZ_REQUIRE(is_plain_id(need.id));
        FUZZ_REQUIRE(ids.insert(need.id).second);
        FUZZ_REQUIRE(!need.text_key.empty() && !need.pictogram.empty() && !need.queue_group.empty());
        FUZZ_REQUIRE(!(need.emergency && need.appointment));
        if (need.emergency) FUZZ_REQUIRE(need.default_priority == Priority::urgent && catalogue.is_urgent(need.id, false));
        if (need.appointment) ++appointments;
        FUZZ_REQUIRE(catalogue.find(need.id) == &need);
        FUZZ_REQUIRE(catalogue.is_urgent(need.id, true));
    }
    FUZZ_REQUIRE(appointments <= 1);
    // Counters: each a name the protocol carries (checked here by its parts), once each, and
    // known to the catalogue; nothing else is, once the file lists any.
    std::set<std::string> counters;
    for (const std::string& counter : catalogue.counters()) {
        FUZZ_REQUIRE(!counter.empty() && counter.size() <= 32 && is_valid_utf8(counter) && !has_control_characters(counter));
        FUZZ_REQUIRE(counters.insert(counter).second);
        FUZZ_REQUIRE(catalogue.knows_counter(counter));
    }
    if (!counters.empty()) FUZZ_REQUIRE(!catalogue.knows_counter(std::string(*counters.rbegin()) + "#"));
    FUZZ_REQUIRE(!catalogue.knows_counter(""));
    return 0;
}
