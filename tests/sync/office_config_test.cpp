// The office's configuration from the hub to a device's store (PROTOCOL.md section 11): a
// real hub on 127.0.0.1 serving its services.toml and office file, a kiosk's sync engine
// on a real store file. A change of the office file reaches the store within one sync (the
// long-poll is answered at once, not at its end), one version at a time; a broken file is
// refused naming the file and the key while the last good one is served on; a hub that
// starts with a broken file says so; a device says which version it holds, strictly.
#include <doctest/doctest.h>

#include <atomic>

#include "client/sync_engine.hpp"
#include "domain/office_settings.hpp"
#include "store/office_cache.hpp"
#include "support/hub_fixture.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using protocol::Role;

namespace {

std::string office_file(const std::string& monday, const std::string& phone = "22 22 22 22") {
    return "[office]\nphone = \"" + phone + "\"\n[opening_hours]\nmonday = \"" + monday + "\"\n";
}

// The hub's configuration as /v1/config serves it.
nlohmann::json served_config(HubFixture& hub, const std::string& token) {
    const auto reply = hub.call("GET", "/v1/config", token);
    REQUIRE(reply.status == 200);
    return nlohmann::json::parse(reply.body);
}

// A hub serving the shipped services.toml and an office file in a folder of the test's.
struct OfficeHub {
    TempDir files;
    std::filesystem::path office = files / "office.toml";
    std::unique_ptr<HubFixture> hub;

    explicit OfficeHub(const std::string& office_text, std::int64_t check_ms = 20) {
        save_file(office, office_text);
        hub::HubOptions options;
        options.services_file = asset_dir() / "services.toml";
        options.office_file = office;
        options.config_check_ms = check_ms;
        hub = std::make_unique<HubFixture>(options);
    }
};

// What the hub says when it does not start with these options (empty: it started).
std::string start_error(const hub::HubOptions& options) {
    try {
        HubFixture hub(options);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return {};
}

std::optional<CachedOfficeConfig> cached(Store& store) {
    auto read = cached_office_config(store);
    REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error().detail));
    return *read;
}

}  // namespace

TEST_CASE("opening hours changed in the hub's office file reach a kiosk's store within one sync") {
    OfficeHub office(office_file("08:00-15:30"));
    HubFixture& hub = *office.hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto options = kiosk_options(hub.dir() / "kiosk.db", "kiosk-a", 'A');
    auto store = Store::open(options);
    REQUIRE(store.ok());
    CHECK_FALSE(cached(**store));  // nothing from the hub yet: the kiosk's own files count

    std::atomic<int> stored{0};
    auto sync_options = engine_options(hub.connection(kiosk.token));
    // The long-poll waits far longer than the test: a change comes at once or the test fails.
    sync_options.long_poll_wait_ms = 20000;
    sync_options.office_config_stored = [&] { ++stored; };
    auto engine = sync::SyncEngine::start(options, sync_options);
    REQUIRE(engine.ok());

    const std::string first = served_config(hub, kiosk.token)["config_version"];
    REQUIRE(wait_until([&] { return stored == 1; }, 10s));
    auto held = cached(**store);
    REQUIRE(held);
    CHECK(held->version == first);
    CHECK(held->office_toml == office_file("08:00-15:30"));
    CHECK_FALSE(held->services_toml.empty());
    CHECK(held->version == office_config_version(held->services_toml, held->office_toml));

    // IT moves Monday's opening to 10:00: the hub sees the file, answers the waiting
    // long-poll, and the engine fetches and stores the new version.
    save_file(office.office, office_file("10:00-14:00"));
    REQUIRE(wait_until([&] { return stored == 2; }, 10s));
    held = cached(**store);
    REQUIRE(held);
    const std::string second = served_config(hub, kiosk.token)["config_version"];
    CHECK(second != first);
    CHECK(held->version == second);
    const auto settings = parse_office_file(held->office_toml, "cached");
    REQUIRE(settings.ok());
    CHECK(settings->hours.week[0].from_minute == 10 * 60);
    CHECK(settings->hours.week[0].to_minute == 14 * 60);

    // Touching the file without changing it is no new version: nothing is fetched again.
    save_file(office.office, office_file("10:00-14:00"));
    hub.hub().reload_office_config();
    CHECK(served_config(hub, kiosk.token)["config_version"] == second);
    CHECK(stored == 2);
}

TEST_CASE("a broken office file on the hub is refused naming the file and the key, the last good one served on") {
    // The hub looks only when the test says (a check interval of an hour).
    OfficeHub office(office_file("08:00-15:30"), 3600 * 1000);
    HubFixture& hub = *office.hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const nlohmann::json good = served_config(hub, kiosk.token);
    CHECK(good["office_toml"] == office_file("08:00-15:30"));
    CHECK(good["needs"].size() > 3);

    for (const auto& [text, key] : std::vector<std::pair<std::string, std::string>>{
             {office_file("9 to 5"), "opening_hours.monday"},
             {office_file("08:00-15:30") + "[office]\n", "line 5"},  // a TOML error: the line
             {office_file("08:00-15:30") + "kiosk_letter = \"B\"\n", "opening_hours.kiosk_letter"},
             {office_file("08:00-15:30") + "[texts.en]\n\"closed.title\" = 5\n", "texts.en.\"closed.title\""}}) {
        CAPTURE(text);
        save_file(office.office, text);
        const auto reload = hub.hub().reload_office_config();
        CHECK_FALSE(reload.changed);
        CHECK(reload.refused.find(office.office.string()) != std::string::npos);
        CHECK(reload.refused.find(key) != std::string::npos);
        const nlohmann::json served = served_config(hub, kiosk.token);
        CHECK(served["config_version"] == good["config_version"]);
        CHECK(served["office_toml"] == good["office_toml"]);
        // A log read says the version served, so devices keep it.
        const auto log = nlohmann::json::parse(hub.call("GET", "/v1/events?after=0&wait_ms=0", kiosk.token).body);
        CHECK(log["config_version"] == good["config_version"]);
    }
    // A file that goes away is refused too: the hub keeps what it has.
    std::filesystem::remove(office.office);
    CHECK(hub.hub().reload_office_config().refused.find("cannot read " + office.office.string()) != std::string::npos);
    CHECK(served_config(hub, kiosk.token)["config_version"] == good["config_version"]);

    // Put right, it is served.
    save_file(office.office, office_file("08:00-12:00"));
    CHECK(hub.hub().reload_office_config().changed);
    const nlohmann::json fixed = served_config(hub, kiosk.token);
    CHECK(fixed["config_version"] != good["config_version"]);
    CHECK(fixed["office_toml"] == office_file("08:00-12:00"));

    // A broken services.toml is refused the same way, naming that file.
    const auto services = office.files / "services.toml";
    save_file(services, "[[need]]\nid = \"x\"\n");
    hub::HubOptions options;
    options.services_file = services;
    options.office_file = office.office;
    CHECK(start_error(options).find(services.string() + ": ") != std::string::npos);
}

TEST_CASE("a hub does not start with an office file it cannot read, and says which key is wrong") {
    TempDir files;
    save_file(files / "office.toml", office_file("08:00-15:30") + "tuesday = \"all day\"\n");
    hub::HubOptions options;
    options.office_file = files / "office.toml";
    const std::string said = start_error(options);
    CHECK(said.find((files / "office.toml").string() + ": opening_hours.tuesday must be") != std::string::npos);
    options.office_file = files / "missing.toml";
    CHECK(start_error(options).find("cannot read " + (files / "missing.toml").string()) != std::string::npos);
}

TEST_CASE("a log read says which configuration the device holds; another one is answered at once") {
    OfficeHub office(office_file("08:00-15:30"), 3600 * 1000);
    HubFixture& hub = *office.hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const std::string version = served_config(hub, kiosk.token)["config_version"];

    // Holding another version: answered at once, however long it asked to wait.
    const auto started = std::chrono::steady_clock::now();
    const auto other =
        hub.call("GET", "/v1/events?after=0&wait_ms=20000&config_version=" + std::string(64, '0'), kiosk.token);
    CHECK(other.status == 200);
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    CHECK(nlohmann::json::parse(other.body)["config_version"] == version);

    // A value that is not a version is refused naming it.
    for (const std::string& bad :
         std::vector<std::string>{"abc", std::string(64, 'G'), std::string(65, '0'), version + "%20"}) {
        CAPTURE(bad);
        const auto refused = hub.call("GET", "/v1/events?after=0&wait_ms=0&config_version=" + bad, kiosk.token);
        CHECK(refused.status == 400);
        CHECK(refused.body.find("config_version") != std::string::npos);
    }
}
