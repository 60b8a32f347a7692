// A device with several hubs of one office in its hub_url: the list as it is read, and a
// kiosk's engine that carries on through the second hub when the first is killed, with
// every ticket in the office's log exactly once.
#include <doctest/doctest.h>

#include <map>
#include <sstream>

#include "client/hub_client.hpp"
#include "client/saved_hub.hpp"
#include "client/sync_engine.hpp"
#include "store/sync_store.hpp"
#include "support/hub_fixture.hpp"
#include "support/hub_process.hpp"
#include "support/pg_server.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;

namespace {

using Urls = std::vector<std::string>;

sync::Connection to_hubs(const std::string& hub_url, const std::string& token = "") {
    sync::Connection c;
    c.hub_url = hub_url;
    c.token = token;
    c.connect_timeout_ms = 1000;
    c.request_timeout_ms = 15000;
    return c;
}

std::string enrol(const std::string& hub_url, const std::string& code, const std::string& role,
                  const std::string& device_id) {
    auto enrolled = sync::enrol_device(to_hubs(hub_url), code, device_id, role);
    REQUIRE_MESSAGE(enrolled.ok(), (enrolled.ok() ? std::string() : enrolled.error()));
    return enrolled->token;
}

// How many times each event id is in the office's log, read through one hub.
std::map<std::string, int> log_copies(const HubProcess& hub, const std::string& token) {
    sync::HttpCall http;
    http.prepare(to_hubs(hub.url(), token), "GET", "/v1/events?after=0&limit=1000", {}, {});
    const sync::HttpReply reply = http.perform();
    std::map<std::string, int> copies;
    if (reply.status != 200) return copies;
    const nlohmann::json page = nlohmann::json::parse(reply.body);
    for (const auto& entry : page.at("events")) ++copies[entry.at("event").at("event_id").get<std::string>()];
    return copies;
}

bool each_once(const std::map<std::string, int>& copies, const std::vector<std::string>& ids) {
    for (const std::string& id : ids) {
        const auto it = copies.find(id);
        if (it == copies.end() || it->second != 1) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("failover: a hub list is split at commas and spaces, without empty entries or trailing slashes") {
    CHECK(sync::parse_hub_urls("https://hub-a:8470") == Urls{"https://hub-a:8470"});
    CHECK(sync::parse_hub_urls("https://hub-a:8470/") == Urls{"https://hub-a:8470"});
    CHECK(sync::parse_hub_urls("https://hub-a:8470, https://hub-b:8470//") ==
          Urls{"https://hub-a:8470", "https://hub-b:8470"});
    CHECK(sync::parse_hub_urls(" ,https://hub-a:8470,,  https://hub-b:8470 \thttps://hub-c:8470 ,") ==
          Urls{"https://hub-a:8470", "https://hub-b:8470", "https://hub-c:8470"});
    CHECK(sync::parse_hub_urls("").empty());
    CHECK(sync::parse_hub_urls(" , / ,").empty());

    sync::Connection c = to_hubs("http://a/, http://b");
    CHECK(sync::current_hub_url(c) == "http://a");
    c.hub_index = 1;
    CHECK(sync::current_hub_url(c) == "http://b");
    c.hub_index = 2;  // wraps around
    CHECK(sync::current_hub_url(c) == "http://a");
    CHECK(sync::current_hub_url(to_hubs("")).empty());
}

TEST_CASE("failover: the device's status names every hub it may use") {
    TempDir dir;
    auto store = Store::open(kiosk_options(dir / "kiosk.db", "kiosk-a", 'A'));
    REQUIRE(store.ok());
    SyncStore sync_store(**store);
    REQUIRE(sync::save_hub(sync_store, to_hubs("http://hub-a:8470/ ,http://hub-b:8470", "secret-token")).ok());
    std::ostringstream out;
    REQUIRE(sync::write_sync_status(out, **store, sync_store));
    CHECK(out.str().find("hub:          http://hub-a:8470, http://hub-b:8470\n") != std::string::npos);
    CHECK(out.str().find("secret-token") == std::string::npos);
}

TEST_CASE("failover: a kiosk whose hub is killed carries on through the office's other hub, each ticket once") {
    PgServer server;
    const std::string db = server.new_database("office");
    TempDir dir;
    HubProcess a(dir / "a");
    HubProcess b(dir / "b");
    for (HubProcess* hub : {&a, &b}) {
        hub->add_arguments({"--db", db, "--office-id", "oslo"});
        hub->start();
    }
    const std::string hubs = a.url() + ", " + b.url() + "/";
    const std::string kiosk_token = enrol(hubs, a.enrol_code("kiosk"), "kiosk", "kiosk-a");

    const StoreOptions kiosk = kiosk_options(dir / "kiosk.db", "kiosk-a", 'A');
    std::vector<std::string> ids = issue_named_tickets(kiosk, 5);
    auto started = sync::SyncEngine::start(kiosk, engine_options(to_hubs(hubs, kiosk_token)));
    REQUIRE_MESSAGE(started.ok(), (started.ok() ? "" : started.error()));
    std::unique_ptr<sync::SyncEngine> engine = std::move(started.value());
    REQUIRE(wait_until([&] { return engine->status().outbox_depth == 0 && engine->status().online; }, 20s));

    a.kill_hard();
    // Enrolment too asks the next hub when the first does not answer.
    const std::string desk_token = enrol(hubs, b.enrol_code("reception"), "reception", "desk-1");
    const std::vector<std::string> later = issue_named_tickets(kiosk, 5);
    ids.insert(ids.end(), later.begin(), later.end());
    engine->notify_local_event();

    std::map<std::string, int> copies;
    const bool all_there = wait_until(
        [&] {
            copies = log_copies(b, desk_token);
            return engine->status().outbox_depth == 0 && each_once(copies, ids);
        },
        30s, 50ms);
    CHECK(all_there);
    CHECK(copies.size() == ids.size());
    for (const std::string& id : ids) CHECK_MESSAGE(copies[id] == 1, id);
    CHECK(wait_until([&] { return engine->status().online; }, 10s));
}
