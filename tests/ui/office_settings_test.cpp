// The office's settings from the hub on the kiosk's screens: a real hub on 127.0.0.1 with
// an office file and a services.toml, the kiosk's sync engine on the headless kiosk's store
// file. The kiosk starts with its own kiosk.toml; after one sync it follows the hub's
// opening hours, phone, texts and needs; a change reaches it within one sync but waits
// until the visitor on the screens has finished; after a restart with the hub down it still
// has them. A cached configuration that does not read is refused naming it.
#include <doctest/doctest.h>

#include <atomic>

#include "client/sync_engine.hpp"
#include "store/office_cache.hpp"
#include "support/headless_kiosk.hpp"
#include "support/hub_fixture.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"
#include "visitor/opening_hours.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using visitor::OfficeStatus;

namespace {

std::string shipped_services() {
    return file_text(asset_dir() / "services.toml");
}

// The kiosk's own kiosk.toml: closed on Mondays (the test's day is Monday 2 March, 10:00).
HeadlessOptions closed_on_mondays(const std::filesystem::path& store_file) {
    HeadlessOptions options;
    options.config = visitor::default_kiosk_config();
    options.config.dpi = test_dpi;
    options.config.office.hours.week[0] = {};
    options.config.office.phone = "11 11 11 11";
    options.store_file = store_file;
    return options;
}

}  // namespace

TEST_CASE(
    "opening hours changed on the hub reach the kiosk within one sync and stay after a restart with the hub down") {
    TempDir files;
    const auto office = files / "office.toml", services = files / "services.toml";
    save_file(office, "[office]\nphone = \"22 22 22 22\"\n[opening_hours]\nmonday = \"08:00-15:30\"\n");
    save_file(services, shipped_services());
    hub::HubOptions hub_options;
    hub_options.office_file = office;
    hub_options.services_file = services;
    hub_options.config_check_ms = 20;
    auto hub = std::make_unique<HubFixture>(hub_options);
    const auto store_file = files / "kiosk.db";

    {
        HeadlessKiosk kiosk(closed_on_mondays(store_file));
        // No configuration from the hub yet: the kiosk's own file says Mondays are closed.
        CHECK(kiosk.office().version().empty());
        CHECK(kiosk.state().office == OfficeStatus::closed);
        CHECK(kiosk.state().office_phone == "11 11 11 11");

        const auto enrolled = hub->enrol(protocol::Role::kiosk, kiosk.store()->device_id());
        auto sync_options = engine_options(hub->connection(enrolled.token));
        sync_options.long_poll_wait_ms = 20000;  // a change must come at once, not at the poll's end
        std::atomic<int> stored{0};              // versions the engine stored and told the kiosk of
        sync_options.office_config_stored = [&] {
            kiosk.office_config_stored();
            ++stored;
        };
        auto engine = sync::SyncEngine::start(kiosk_options(store_file, kiosk.store()->device_id(), 'A'), sync_options);
        REQUIRE(engine.ok());

        // One sync: the hub's hours and phone.
        REQUIRE(wait_until(
            [&] {
                kiosk.frame();
                return kiosk.state().office == OfficeStatus::open;
            },
            10s));
        CHECK(kiosk.state().office_phone == "22 22 22 22");
        REQUIRE(kiosk.tap("language.en"));
        CHECK(kiosk.page() == "appointment_question");

        // IT opens Mondays at 12:00 from now on, words the closed screen for it and adds a
        // need. A visitor is on their way: their screens do not change under them.
        save_file(office,
                  "[office]\nphone = \"22 22 22 22\"\n[opening_hours]\nmonday = \"12:00-15:30\"\n"
                  "[texts.en]\n\"closed.title\" = \"We open at noon on Mondays\"\n"
                  "\"need.pension_help\" = \"Help with my pension\"\n");
        save_file(services, shipped_services() +
                                "\n[[need]]\nid = \"pension_help\"\ntext = \"need.pension_help\"\n"
                                "pictogram = \"document\"\ngroup = \"pension\"\n");
        const std::string old_version = kiosk.office().version();
        // The two files are saved one after the other: the hub may serve a version between.
        REQUIRE(wait_until(
            [&] {
                const auto held = cached_office_config(*kiosk.store());
                return stored >= 2 && held && *held && (*held)->office_toml.find("12:00") != std::string::npos &&
                       (*held)->services_toml.find("pension_help") != std::string::npos;
            },
            10s));
        for (int i = 0; i < 5; ++i) kiosk.frame();
        CHECK(kiosk.page() == "appointment_question");
        CHECK(kiosk.state().office == OfficeStatus::open);
        CHECK(kiosk.office().version() == old_version);

        // Once they are done, the start screen has the office's new settings.
        REQUIRE(kiosk.tap("nav.start_over"));
        kiosk.frame();
        CHECK(kiosk.office().version() != old_version);
        CHECK(kiosk.state().office == OfficeStatus::closed);
        REQUIRE(kiosk.state().opens);
        CHECK(kiosk.state().opens->days_ahead == 0);
        CHECK(kiosk.state().opens->minute == 12 * 60);
        REQUIRE(kiosk.tap("language.en"));
        CHECK(kiosk.page() == "closed");
        CHECK(kiosk.said("We open at noon on Mondays"));
        CHECK(kiosk.said("22 22 22 22"));
        REQUIRE(kiosk.tap("closed.callback"));
        CHECK(kiosk.page() == "callback_need");
        REQUIRE(kiosk.targets().find("need.pension_help"));
        CHECK(kiosk.targets().find("need.pension_help")->label == "Help with my pension");
        CHECK(kiosk.office_error().empty());
    }

    // The hub goes away; the kiosk starts again on its store, and its engine finds no hub.
    const std::string hub_url = hub->url();
    hub.reset();
    HeadlessKiosk restarted(closed_on_mondays(store_file));
    sync::Connection gone;
    gone.hub_url = hub_url;
    gone.token = "0000";
    auto offline =
        sync::SyncEngine::start(kiosk_options(store_file, restarted.store()->device_id(), 'A'), engine_options(gone));
    REQUIRE(offline.ok());
    restarted.frame();
    CHECK_FALSE(restarted.office().version().empty());
    CHECK(restarted.state().office == OfficeStatus::closed);
    REQUIRE(restarted.state().opens);
    CHECK(restarted.state().opens->minute == 12 * 60);
    CHECK(restarted.state().office_phone == "22 22 22 22");
    REQUIRE(restarted.tap("language.en"));
    CHECK(restarted.said("We open at noon on Mondays"));
}

TEST_CASE("a cached office configuration that does not read is refused naming it, and the kiosk keeps its own") {
    TempDir files;
    HeadlessKiosk kiosk(closed_on_mondays(files / "kiosk.db"));
    const std::string broken = "[opening_hours]\nmonday = \"noon\"\n";
    REQUIRE(save_office_config(*kiosk.store(), {office_config_version("", broken), "", broken, 1}).ok());
    kiosk.office_config_stored();
    kiosk.frame();
    CHECK(kiosk.office_error().find("office configuration") != std::string::npos);
    CHECK(kiosk.office_error().find("from the hub") != std::string::npos);
    CHECK(kiosk.office_error().find("opening_hours.monday must be") != std::string::npos);
    CHECK(kiosk.office().version().empty());
    CHECK(kiosk.state().office == OfficeStatus::closed);  // its own file's Monday
    CHECK(kiosk.state().office_phone == "11 11 11 11");

    const std::string bad_services = "[[need]]\nid = \"Bad Id\"\n";
    REQUIRE(save_office_config(*kiosk.store(), {office_config_version(bad_services, ""), bad_services, "", 2}).ok());
    kiosk.office_config_stored();
    kiosk.frame();
    CHECK(kiosk.office_error().find("service catalogue") != std::string::npos);
    CHECK(kiosk.office().version().empty());
}
