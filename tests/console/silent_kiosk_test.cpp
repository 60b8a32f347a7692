// The reception console's small warning about a kiosk of the office that has not been in
// touch with the hub: asked of a real hub over HTTP (GET /v1/devices as reception reads it)
// off the UI thread, drawn as one line in the staff's language, gone once the kiosk is back.
// The kiosks' last contacts are written through the hub's store with the times they had.
#include <doctest/doctest.h>

#include <chrono>

#include "console/console_app.hpp"
#include "domain/office_time.hpp"
#include "support/headless_roles.hpp"
#include "support/hub_devices.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using protocol::Role;

namespace {

constexpr std::int64_t minute_ms = 60000;

std::string said(std::string_view key, const std::vector<std::pair<std::string, std::string>>& values) {
    return ui::fill(staff_translations().text("nb", key), values);
}

// The console draws this line within 10 s (it asks the hub every 0.2 s here).
bool shows_line(HeadlessConsole& console, const std::string& line) {
    return wait_until(
        [&] {
            console.frame();
            return console.screen().drew(line);
        },
        10s);
}

void note_contact_at(HubFixture& hub, const std::string& device_id, std::int64_t at_ms) {
    hub.store().note_contact(device_id, hub::Contact{at_ms, std::nullopt, {}});
}

}  // namespace

TEST_CASE("the console says which kiosk has not been in touch for how long, and stops once it is back") {
    HubFixture hub;
    add_reception_staff(hub);
    HubDevice reception = start_hub_device(hub, Role::reception, "desk-silent", 'R');
    HubDevice in_touch = start_hub_device(hub, Role::kiosk, "kiosk-a", 'A');
    const auto quiet = hub.enrol(Role::kiosk, "kiosk-b");
    hub.enrol(Role::display, "display-quiet");  // silent too, but not a kiosk: no word about it
    note_contact_at(hub, "display-quiet", wall_clock_ms() - 30 * minute_ms);
    note_contact_at(hub, quiet.device_id, wall_clock_ms() - 14 * minute_ms - 20000);

    console::HubStaffDesk desk(hub.connection(reception.token));
    auto services = hub_console_services(reception, desk);
    services.silent_kiosks_every_s = 0.2;
    HeadlessConsole console(services);
    sign_in_console(console.app(), "kari", "1", console.screen().now());

    const std::string one = said("console.kiosk_silent", {{"device", "kiosk-b"}, {"minutes", "14"}});
    CHECK(one == "Kiosken kiosk-b har ikke hatt kontakt med huben på 14 minutter. Si fra til IT.");
    const auto shows = [&](const std::string& line) { return shows_line(console, line); };
    REQUIRE(shows(one));
    CHECK_FALSE(console.screen().drew("kiosk-a"));
    CHECK_FALSE(console.screen().drew("display-quiet"));

    // A second kiosk silent longer: one line names both, from the longest silent.
    hub.enrol(Role::kiosk, "kiosk-c");
    note_contact_at(hub, "kiosk-c", wall_clock_ms() - 40 * minute_ms);
    REQUIRE(shows(said("console.kiosks_silent",
                       {{"count", "2"}, {"minutes", "14"}, {"devices", "kiosk-c, kiosk-b"}})));

    // Both back in touch: the line goes.
    note_contact_at(hub, "kiosk-b", wall_clock_ms());
    note_contact_at(hub, "kiosk-c", wall_clock_ms());
    REQUIRE(wait_until(
        [&] {
            console.frame();
            return console.app().state().silent_kiosks.empty() && !console.screen().drew("kiosk-b");
        },
        10s));
    CHECK(console.app().state().signed_in);
}

TEST_CASE("the console says which kiosk's printer is out of paper, open or off, and stops once it prints again") {
    HubFixture hub;
    add_reception_staff(hub);
    HubDevice reception = start_hub_device(hub, Role::reception, "desk-printer", 'R');
    hub.enrol(Role::kiosk, "kiosk-a");
    hub.enrol(Role::kiosk, "kiosk-b");
    const auto printer_says = [&](const std::string& device, std::optional<std::string> state) {
        hub::HealthReport report;
        report.printer = std::move(state);
        hub.store().note_contact(device, hub::Contact{wall_clock_ms(), std::nullopt, report});
    };
    printer_says("kiosk-a", "paper_out");
    printer_says("kiosk-b", "ok");

    console::HubStaffDesk desk(hub.connection(reception.token));
    auto services = hub_console_services(reception, desk);
    services.silent_kiosks_every_s = 0.2;
    HeadlessConsole console(services);
    sign_in_console(console.app(), "kari", "1", console.screen().now());
    const auto shows = [&](const std::string& line) { return shows_line(console, line); };
    REQUIRE(shows(said("console.printer_paper_out", {{"device", "kiosk-a"}})));
    CHECK_FALSE(console.screen().drew("kiosk-b"));
    CHECK(console.app().state().silent_kiosks.empty());  // in touch: only the printer is said

    for (const char* state : {"cover_open", "offline", "paper_low"}) {
        CAPTURE(state);
        printer_says("kiosk-a", state);
        REQUIRE(shows(said(std::string("console.printer_") + state, {{"device", "kiosk-a"}})));
    }
    printer_says("kiosk-a", "ok");
    REQUIRE(wait_until(
        [&] {
            console.frame();
            return console.app().state().printer_alerts.empty() && !console.screen().drew("kiosk-a");
        },
        10s));
}

TEST_CASE("the console says when the SMS notifier has not been in touch: visitors outside get no SMS") {
    HubFixture hub;
    add_reception_staff(hub);
    HubDevice reception = start_hub_device(hub, Role::reception, "desk-notify", 'R');
    const auto notifier = hub.enrol(Role::notify, "notify-office");
    note_contact_at(hub, notifier.device_id, wall_clock_ms() - 12 * minute_ms - 20000);

    console::HubStaffDesk desk(hub.connection(reception.token));
    auto services = hub_console_services(reception, desk);
    services.silent_kiosks_every_s = 0.2;
    HeadlessConsole console(services);
    sign_in_console(console.app(), "kari", "1", console.screen().now());

    const std::string line = said("console.notifier_silent", {{"device", "notify-office"}, {"minutes", "12"}});
    CHECK(line.find("får ikke SMS") != std::string::npos);
    REQUIRE(shows_line(console, line));
    CHECK(console.app().state().silent_kiosks.empty());  // not counted among the kiosks

    note_contact_at(hub, notifier.device_id, wall_clock_ms());
    REQUIRE(wait_until(
        [&] {
            console.frame();
            return !console.screen().drew("notify-office");
        },
        10s));
}
