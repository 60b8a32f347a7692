#include "support/hub_devices.hpp"

#include <doctest/doctest.h>

#include "domain/office_time.hpp"
#include "hub/staff_store.hpp"
#include "support/headless_roles.hpp"
#include "support/store_fixture.hpp"

namespace skranke::test {

HubDevice start_hub_device(HubFixture& hub, protocol::Role role, const std::string& id, char letter,
                           std::int64_t clock_skew_ms, std::function<void()> office_config_stored) {
    HubDevice d;
    d.clock_skew_ms->store(clock_skew_ms);
    d.options = kiosk_options(hub.dir() / (id + ".db"), id, letter);
    auto store = Store::open(d.options);
    REQUIRE(store.ok());
    d.store = std::move(*store);
    d.view = open_test_view(d.options.path);
    const auto enrolled = hub.enrol(role, id);
    auto settings = engine_options(hub.connection(enrolled.token));
    settings.store_written = [view = d.view.get()] { (void)view->update_now(); };
    settings.office_config_stored = std::move(office_config_stored);
    if (clock_skew_ms != 0) settings.device_clock = [skew = d.clock_skew_ms] { return wall_clock_ms() + skew->load(); };
    auto engine = sync::SyncEngine::start(d.options, settings);
    REQUIRE(engine.ok());
    d.engine = std::move(*engine);
    d.token = enrolled.token;
    return d;
}

bool caught_up(HubFixture& hub, const HubDevice& device) {
    const auto depth = device.store->outbox_depth();
    return depth.ok() && *depth == 0 && device.engine->status().cursor == hub.store().last_seq();
}

void add_reception_staff(HubFixture& hub) {
    auto staff = hub::StaffStore::open(hub.dir() / "hub" / "staff.db");
    REQUIRE(staff.ok());
    REQUIRE((*staff)->add({"kari", "Kari N.", hub::StaffRole::reception}, staff_pin, wall_clock_ms()).ok());
    REQUIRE((*staff)->add({"ola", "Ola H.", hub::StaffRole::reception}, staff_pin, wall_clock_ms()).ok());
}

console::ConsoleServices hub_console_services(HubDevice& device, console::StaffDesk& desk) {
    console::ConsoleServices s;
    s.store = device.store.get();
    s.view = device.view.get();
    s.catalogue = &shipped_catalogue();
    s.texts = &staff_translations();
    s.desk = &desk;
    sync::SyncEngine* engine = device.engine.get();
    s.sync_status = [engine] {
        const auto st = engine->status();
        return console::SyncView{st.online, st.outbox_depth, st.last_sync_ms, st.cursor};
    };
    s.notify_sync = [engine] { engine->notify_local_event(); };
    s.counters = {"1", "2"};
    if (device.clock_skew_ms->load() != 0)
        s.wall_clock_ms = [skew = device.clock_skew_ms] { return wall_clock_ms() + skew->load(); };
    return s;
}

void HubConsole::apply(console::IntentKind kind) {
    console::Intent i;
    i.kind = kind;
    app->apply(i, now_s);
}

HubConsole start_console(HubFixture& hub, const std::string& id, const std::string& staff, const std::string& counter,
                         std::int64_t clock_skew_ms) {
    HubConsole c;
    c.device = start_hub_device(hub, protocol::Role::reception, id, 'A', clock_skew_ms);
    c.desk = std::make_unique<console::HubStaffDesk>(hub.connection(c.device.token));
    c.app = std::make_unique<console::ConsoleApp>(hub_console_services(c.device, *c.desk));
    sign_in_console(*c.app, staff, counter, c.now_s);
    return c;
}

void sign_in_console(console::ConsoleApp& app, const std::string& staff, const std::string& counter, double now_s) {
    console::Intent in;
    in.kind = console::IntentKind::sign_in;
    in.text = staff;
    in.pin = staff_pin;
    in.counter = counter;
    app.apply(in, now_s);
    REQUIRE(app.state().signed_in);
}

}  // namespace skranke::test
