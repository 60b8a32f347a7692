// Real skranke-hub processes on one office database: two serving the same office, one another
// office. Devices reach either hub of their office and see one queue; the other office's hub
// knows nothing of them; a hub killed in the middle of pushes loses nothing, and its devices
// carry on through the other.
#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>

#include "client/hub_client.hpp"
#include "domain/office_time.hpp"
#include "support/hub_process.hpp"
#include "support/pg_server.hpp"
#include "support/sample_events.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

// A hub on the office database serving office_id, with its own (empty) data folder.
std::unique_ptr<HubProcess> office_hub(const TempDir& dir, const std::string& name, const std::string& url,
                                       const std::string& office_id) {
    auto hub = std::make_unique<HubProcess>(dir / name);
    hub->add_arguments({"--db", url, "--office-id", office_id});
    hub->start();
    return hub;
}

sync::Connection to(const HubProcess& hub, const std::string& token = "") {
    sync::Connection c;
    c.hub_url = hub.url();
    c.token = token;
    c.connect_timeout_ms = 1000;
    c.request_timeout_ms = 15000;
    c.low_speed_time_s = 15;
    return c;
}

sync::HttpReply call(const HubProcess& hub, const std::string& token, const std::string& method,
                     const std::string& path, const std::string& body = "") {
    sync::HttpCall http;
    http.prepare(to(hub, token), method, path, body, {"Content-Type: application/json"});
    return http.perform();
}

std::string enrol(HubProcess& hub, const std::string& role, const std::string& device_id) {
    auto enrolled = sync::enrol_device(to(hub), hub.enrol_code(role), device_id, role);
    REQUIRE_MESSAGE(enrolled.ok(), (enrolled.ok() ? std::string() : enrolled.error()));
    return enrolled->token;
}

// The push's results (status 200), or an empty array.
nlohmann::json push(const HubProcess& hub, const std::string& token, const std::vector<nlohmann::json>& events) {
    const auto reply = call(hub, token, "POST", "/v1/events", batch(events));
    if (reply.status != 200) return nlohmann::json::array();
    return nlohmann::json::parse(reply.body).at("results");
}

nlohmann::json log_after(const HubProcess& hub, const std::string& token, std::int64_t after) {
    const auto reply = call(hub, token, "GET", "/v1/events?after=" + std::to_string(after) + "&limit=1000");
    REQUIRE(reply.status == 200);
    return nlohmann::json::parse(reply.body).at("events");
}

}  // namespace

TEST_CASE("two hubs serve one office: a push through one wakes a long-poll on the other, and either takes the calls") {
    PgServer server;
    const std::string url = server.new_database("office");
    TempDir dir;
    auto first = office_hub(dir, "first", url, "oslo");
    auto second = office_hub(dir, "second", url, "oslo");
    auto elsewhere = office_hub(dir, "elsewhere", url, "bergen");

    const std::string kiosk = enrol(*first, "kiosk", "kiosk-a");
    const std::string display = enrol(*second, "display", "display-1");
    const std::string desk = enrol(*second, "reception", "desk-1");

    // The display waits on the second hub; the kiosk pushes to the first.
    sync::HttpReply waited;
    std::thread poller([&] { waited = call(*second, display, "GET", "/v1/events?after=0&wait_ms=20000"); });
    const auto started = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(
        std::chrono::milliseconds(300));  // the poll is (most likely) waiting: either way it must see the push
    const auto stored = push(*first, kiosk, std::vector<nlohmann::json>{issued_event("kiosk-a", 1, wall_clock_ms())});
    REQUIRE(stored.size() == 1);
    CHECK(stored[0]["status"] == "stored");
    poller.join();
    REQUIRE(waited.status == 200);
    const auto page = nlohmann::json::parse(waited.body).at("events");
    REQUIRE(page.size() == 1);
    CHECK(page[0]["event"]["ticket"]["name"] == "");  // a display never gets names, on any hub
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));

    // The desk calls the ticket through the second hub; the same call again through the first
    // is the same answer.
    const auto call_event = staff_event("ticket.called", "desk-1", 1, "kiosk-a:1", wall_clock_ms());
    const auto called = push(*second, desk, std::vector<nlohmann::json>{call_event});
    REQUIRE(called.size() == 1);
    CHECK(called[0]["status"] == "stored");
    CHECK(called[0]["hub_seq"] == 2);
    const auto again = push(*first, desk, std::vector<nlohmann::json>{call_event});
    REQUIRE(again.size() == 1);
    CHECK(again[0]["hub_seq"] == 2);
    // Both hubs' queues agree.
    for (const HubProcess* hub : {first.get(), second.get()}) {
        const auto queue = call(*hub, display, "GET", "/v1/queue");
        REQUIRE(queue.status == 200);
        CHECK(nlohmann::json::parse(queue.body).at("called").size() == 1);
    }

    // The other office's hub: the tokens are unknown there, its log is empty, and the kiosk's
    // id cannot be enrolled into it.
    CHECK(call(*elsewhere, kiosk, "GET", "/v1/events?after=0").status == 401);
    CHECK(call(*elsewhere, display, "GET", "/v1/queue").status == 401);
    const std::string own = enrol(*elsewhere, "display", "display-bergen");
    CHECK(log_after(*elsewhere, own, 0).empty());
    const auto taken = sync::enrol_device(to(*elsewhere), elsewhere->enrol_code("kiosk"), "kiosk-a", "kiosk");
    REQUIRE_FALSE(taken.ok());
    CHECK_MESSAGE(taken.error().find("kiosk-a is enrolled in office oslo") != std::string::npos, taken.error());
    CHECK(log_after(*second, display, 0).size() == 2);
    // Every route that takes a device token: an admin of the one office is an unknown device
    // at the other office's hub, and known at both hubs of its own.
    const std::string admin = enrol(*first, "admin", "admin-oslo");
    const auto unknown_device = [](const sync::HttpReply& reply) {
        return reply.status == 401 && reply.body.find("unknown device token") != std::string::npos;
    };
    for (const Route& route : token_routes()) {
        CAPTURE(route.path);
        CHECK(unknown_device(call(*elsewhere, admin, route.method, route.path, route.body)));
        if (route.path.find("wait_ms") != std::string::npos) continue;  // would wait for a new entry
        CHECK_FALSE(unknown_device(call(*first, admin, route.method, route.path, route.body)));
        CHECK_FALSE(unknown_device(call(*second, admin, route.method, route.path, route.body)));
    }
}

TEST_CASE(
    "a hub killed in the middle of pushes, again and again: nothing lost, nothing twice, the other hub carries on") {
    PgServer server;
    const std::string url = server.new_database("office");
    TempDir dir;
    auto first = office_hub(dir, "first", url, "oslo");
    auto second = office_hub(dir, "second", url, "oslo");
    const std::string kiosk = enrol(*first, "kiosk", "kiosk-a");
    const std::string desk = enrol(*second, "reception", "desk-1");

    constexpr int rounds = 20;
    constexpr int per_round = 20;
    int next = 1;
    for (int round = 0; round < rounds; ++round) {
        std::vector<nlohmann::json> events;
        for (int i = 0; i < per_round; ++i) events.push_back(issued_event("kiosk-a", next + i, wall_clock_ms()));
        // Batches of 4 to the first hub until it is killed under them.
        std::atomic<bool> killed = false;
        std::thread pusher([&] {
            for (std::size_t i = 0; i < events.size() && !killed; i += 4)
                push(*first, kiosk,
                     std::vector<nlohmann::json>(events.begin() + static_cast<std::ptrdiff_t>(i),
                                                 events.begin() + static_cast<std::ptrdiff_t>(i + 4)));
        });
        std::this_thread::sleep_for(
            std::chrono::milliseconds(5 * (round % 8 + 1)));  // a kill at another moment each round
        first->kill_hard();
        killed = true;
        pusher.join();
        // The kiosk sends everything of the round again, through the other hub: what the killed
        // hub stored is a replay, the rest is stored now.
        const auto results = push(*second, kiosk, events);
        REQUIRE(results.size() == events.size());
        for (const auto& r : results) CHECK(r["status"] == "stored");
        next += per_round;
        first->start();
    }
    // The log: gapless from 1, each event once, in the kiosk's order.
    const auto log = log_after(*first, desk, 0);
    REQUIRE(log.size() == static_cast<std::size_t>(rounds * per_round));
    std::set<std::string> ids;
    for (std::size_t i = 0; i < log.size(); ++i) {
        CHECK(log[i]["hub_seq"] == static_cast<std::int64_t>(i + 1));
        CHECK(log[i]["event"]["device_seq"] == static_cast<std::int64_t>(i + 1));
        ids.insert(log[i]["event"]["event_id"].get<std::string>());
    }
    CHECK(ids.size() == log.size());
}

TEST_CASE(
    "the office database restarted during pushes: 503 with Retry-After while it is down, then every push completes") {
    PgServer server;
    const std::string url = server.new_database("office");
    TempDir dir;
    auto hub = office_hub(dir, "hub", url, "oslo");
    const std::string kiosk = enrol(*hub, "kiosk", "kiosk-a");
    const std::string desk = enrol(*hub, "reception", "desk-1");
    REQUIRE(push(*hub, kiosk, std::vector<nlohmann::json>{issued_event("kiosk-a", 1, wall_clock_ms())}).size() == 1);

    server.stop();  // fast shutdown: the hub's connections are ended
    const std::vector<nlohmann::json> waiting = {issued_event("kiosk-a", 2, wall_clock_ms()),
                                                 issued_event("kiosk-a", 3, wall_clock_ms())};
    const auto refused = call(*hub, kiosk, "POST", "/v1/events", batch(waiting));
    CHECK(refused.status == 503);
    CHECK(refused.retry_after_ms.has_value());
    CHECK(refused.body.find("password") == std::string::npos);
    server.start();
    // The device sends the same batch again, as its engine does after Retry-After.
    const auto stored = push(*hub, kiosk, waiting);
    REQUIRE(stored.size() == 2);
    CHECK(stored[0]["hub_seq"] == 2);
    CHECK(stored[1]["hub_seq"] == 3);
    CHECK(log_after(*hub, desk, 0).size() == 3);
}
