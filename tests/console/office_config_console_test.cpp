// The reception console names the needs as the office's hub serves them: a real hub on
// 127.0.0.1 with an office file and a services.toml holding a need the shipped catalogue
// lacks, the console's own sync engine keeping the hub's configuration in its store, and the
// console taking it in as the program does (office/hub_office.hpp, then
// ConsoleApp::catalogue_changed). A ticket for the new need shows the office's wording of it,
// the need is a transfer target, and the console still has it after a restart with the hub
// down.
#include <doctest/doctest.h>

#include <atomic>

#include "console/console_app.hpp"
#include "office/hub_office.hpp"
#include "store/office_cache.hpp"
#include "support/headless_roles.hpp"
#include "support/hub_devices.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using protocol::Role;

namespace {

constexpr const char* pension_need =
    "\n[[need]]\nid = \"pension_help\"\ntext = \"need.pension_help\"\npictogram = \"document\"\ngroup = \"pension\"\n";

bool has_need(const console::ConsoleState& state, const std::string& id) {
    for (const auto& [need, key] : state.needs)
        if (need == id) return true;
    return false;
}

}  // namespace

TEST_CASE("a need the office added on the hub reaches the console with the office's wording, and stays offline") {
    TempDir files;
    const auto office_file = files / "office.toml", services_file = files / "services.toml";
    save_file(office_file,
              "[texts.nb]\n\"need.pension_help\" = \"Hjelp med pensjonen min\"\n\"group.pension\" = \"Pensjon\"\n");
    const std::string services = file_text(asset_dir() / "services.toml") + pension_need;
    save_file(services_file, services);
    hub::HubOptions hub_options;
    hub_options.office_file = office_file;
    hub_options.services_file = services_file;
    auto hub = std::make_unique<HubFixture>(hub_options);
    add_reception_staff(*hub);

    // A kiosk that follows the hub issues a ticket for the new need.
    auto office_catalogue = ServiceCatalogue::load_text(services);
    REQUIRE(office_catalogue.ok());
    HubDevice kiosk = start_hub_device(*hub, Role::kiosk, "kiosk-a");
    TicketRequest request = plain_request();
    request.need_id = "pension_help";
    REQUIRE(kiosk.store->issue_ticket(request, *office_catalogue, wall_clock_ms()).ok());
    kiosk.engine->notify_local_event();
    REQUIRE(wait_until([&] { return caught_up(*hub, kiosk); }, 10s));

    // The console starts with the shipped needs; its engine tells it of the hub's configuration.
    std::atomic<bool> due{true};
    HubDevice desk_device = start_hub_device(*hub, Role::reception, "desk-1", 'R', 0, [&] { due = true; });
    ui::Translations visitor_texts = visitor_translations();
    auto office = std::make_unique<office::HubOffice>(default_office_settings(), shipped_catalogue(), visitor_texts);
    console::HubStaffDesk desk(hub->connection(desk_device.token));
    auto services_of_desk = hub_console_services(desk_device, desk);
    services_of_desk.catalogue = &office->catalogue();
    HeadlessConsole console(services_of_desk, 1920, 1080, &visitor_texts);
    sign_in_console(console.app(), "kari", "1", console.screen().now());
    CHECK_FALSE(has_need(console.app().state(), "pension_help"));

    // What console_main does each second: take a stored configuration in.
    const auto take_office = [&] {
        if (!due.exchange(false)) return false;
        const auto loaded = office->load_cached(*desk_device.store);
        REQUIRE_MESSAGE(loaded.ok(), loaded.error());
        if (*loaded) console.app().catalogue_changed();
        return *loaded;
    };
    REQUIRE(wait_until(
        [&] {
            take_office();
            console.frame();
            return console.screen().drew("Hjelp med pensjonen min");
        },
        10s));
    CHECK(office->version() == office_config_version(services, file_text(office_file)));
    CHECK(has_need(console.app().state(), "pension_help"));
    REQUIRE(console.app().state().waiting.size() == 1);
    CHECK(console.app().state().waiting.front().need_key == "need.pension_help");
    CHECK(console.app().state().waiting.front().group == "pension");
    CHECK_FALSE(console.screen().drew("pension_help"));  // never the bare id
    CHECK(console.screen().drew("Pensjon"));            // the filter for the office's new group
    CHECK_FALSE(console.screen().drew("group.pension"));

    // Restarted with the hub away: the store still has the office's configuration.
    const std::string version = office->version();
    hub.reset();
    visitor_texts = visitor_translations();
    office = std::make_unique<office::HubOffice>(default_office_settings(), shipped_catalogue(), visitor_texts);
    CHECK(office->version().empty());
    const auto loaded = office->load_cached(*desk_device.store);
    REQUIRE(loaded.ok());
    CHECK(*loaded);
    CHECK(office->version() == version);
    CHECK(office->catalogue().find("pension_help") != nullptr);
    CHECK(visitor_texts.text("nb", "need.pension_help") == "Hjelp med pensjonen min");
}
