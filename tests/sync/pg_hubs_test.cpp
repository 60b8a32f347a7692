// Real skranke-hub processes on one office database: two serving the same office, one another
// office. Devices reach either hub of their office and see one queue; the other office's hub
// knows nothing of them; a hub killed in the middle of pushes loses nothing, and its devices
// carry on through the other.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "client/hub_client.hpp"
#include "domain/office_time.hpp"
#include "support/hub_process.hpp"
#include "support/pg_server.hpp"
#include "support/sample_events.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

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

// office: one of the hub's (empty: its first).
std::string enrol(HubProcess& hub, const std::string& role, const std::string& device_id,
                  const std::string& office = "") {
    auto enrolled = sync::enrol_device(to(hub), hub.enrol_code(role, office), device_id, role);
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
    // The push is made once the second hub says the display's read waits, so that the wake-up
    // must cross from one hub to the other.
    const auto polls_waiting = [&] {
        const auto health = call(*second, "", "GET", "/v1/health");
        return health.status == 200 && nlohmann::json::parse(health.body).value("long_polls", 0) == 1;
    };
    REQUIRE(wait_until(polls_waiting, std::chrono::seconds(10)));
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
        // Batches of 4 to the first hub until it is killed under them: after another number of
        // answered batches each round (0 to 4), while the next one is on its way.
        std::atomic<bool> killed = false;
        std::atomic<int> answered = 0;
        std::thread pusher([&] {
            for (std::size_t i = 0; i < events.size() && !killed; i += 4) {
                push(*first, kiosk,
                     std::vector<nlohmann::json>(events.begin() + static_cast<std::ptrdiff_t>(i),
                                                 events.begin() + static_cast<std::ptrdiff_t>(i + 4)));
                ++answered;
            }
        });
        const int kill_after = round % 5;
        REQUIRE(wait_until([&] { return answered >= kill_after; }, std::chrono::seconds(30),
                           std::chrono::milliseconds(1)));
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

TEST_CASE("two hubs each serving two offices, pushes and calls at once: each office's log gapless, each ticket "
          "called once, nothing of one office at the other") {
    PgServer server;
    const std::string url = server.new_database("office");
    TempDir dir;
    constexpr int tickets = 25;  // per kiosk
    // Both hubs serve both offices; a third serves only Bergen.
    std::vector<std::unique_ptr<HubProcess>> hubs;
    for (int h = 0; h < 2; ++h) hubs.push_back(office_hub(dir, "hub-" + std::to_string(h), url, "oslo,bergen"));
    auto bergen_only = office_hub(dir, "bergen-only", url, "bergen");
    struct Office {
        std::string id;
        std::vector<std::string> kiosks, desks;  // tokens; device i uses hub i % 2 first
    };
    std::vector<Office> offices(2);
    offices[0].id = "oslo";
    offices[1].id = "bergen";
    for (Office& o : offices)
        for (int i = 0; i < 2; ++i) {  // the codes are made for the office, the devices enrol at either hub
            o.kiosks.push_back(enrol(*hubs[i % 2], "kiosk", o.id + "-kiosk-" + std::to_string(i), o.id));
            o.desks.push_back(enrol(*hubs[(i + 1) % 2], "reception", o.id + "-desk-" + std::to_string(i), o.id));
        }

    std::mutex failed_mutex;
    std::vector<std::string> failed;
    const auto fail = [&](const std::string& what) {
        std::lock_guard lock(failed_mutex);
        failed.push_back(what);
    };
    std::map<std::string, int> calls_stored;  // "office ticket": calls stored
    std::mutex calls_mutex;
    std::vector<std::thread> threads;
    for (Office& o : offices) {
        // Each kiosk pushes its tickets one a push, to the hubs in turn, and each once more to
        // the other hub (a device that moved sends its batch again): the same answer both times.
        for (int k = 0; k < 2; ++k)
            threads.emplace_back([&, k] {
                const std::string device = o.id + "-kiosk-" + std::to_string(k);
                for (int i = 1; i <= tickets; ++i) {
                    const auto e = issued_event(device, i, wall_clock_ms());
                    const auto first = push(*hubs[(k + i) % 2], o.kiosks[k], {e});
                    const auto again = push(*hubs[(k + i + 1) % 2], o.kiosks[k], {e});
                    if (first.size() != 1 || again.size() != 1 || first[0]["status"] != "stored" ||
                        first[0]["hub_seq"] != again[0]["hub_seq"])
                        fail(device + ":" + std::to_string(i) + " " + first.dump() + " " + again.dump());
                }
            });
        // Each desk reads the log through its hub as it grows and calls every ticket it sees; the
        // two desks of an office race for each one, through different hubs.
        for (int d = 0; d < 2; ++d)
            threads.emplace_back([&, d] {
                const std::string device = o.id + "-desk-" + std::to_string(d);
                const HubProcess& hub = *hubs[d % 2];
                std::int64_t cursor = 0, seq = 0;
                int seen = 0;
                const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
                while (seen < 2 * tickets && std::chrono::steady_clock::now() < give_up) {
                    const auto reply = call(hub, o.desks[d], "GET",
                                            "/v1/events?after=" + std::to_string(cursor) + "&limit=100&wait_ms=2000");
                    if (reply.status != 200) {
                        fail(device + " read " + std::to_string(reply.status));
                        return;
                    }
                    const auto page = nlohmann::json::parse(reply.body);
                    cursor = page.at("cursor").get<std::int64_t>();
                    for (const auto& entry : page.at("events")) {
                        const auto& e = entry.at("event");
                        if (e.at("type") != "ticket.issued") continue;
                        ++seen;
                        const std::string ticket = e.at("event_id").get<std::string>();
                        const auto r = push(hub, o.desks[d], {staff_event("ticket.called", device, ++seq, ticket,
                                                                          wall_clock_ms())});
                        if (r.size() != 1) {
                            fail(device + " call " + ticket);
                        } else if (r[0]["status"] == "stored") {
                            std::lock_guard lock(calls_mutex);
                            ++calls_stored[o.id + " " + ticket];
                        } else if (r[0]["code"] != "already_called") {
                            fail(device + " call " + ticket + ": " + r[0].dump());
                        }
                    }
                }
                if (seen != 2 * tickets) fail(device + " saw " + std::to_string(seen) + " tickets");
            });
    }
    for (auto& t : threads) t.join();
    for (const std::string& f : failed) CHECK_MESSAGE(false, f);

    // Every ticket of each office called exactly once.
    CHECK(calls_stored.size() == 2 * 2 * tickets);
    for (const auto& [ticket, times] : calls_stored) CHECK_MESSAGE(times == 1, ticket);
    for (const Office& o : offices) {
        CAPTURE(o.id);
        const auto log = log_after(*hubs[0], o.desks[0], 0);
        // Gapless from 1; each event once; only this office's devices; both hubs read the same.
        REQUIRE(log.size() == static_cast<std::size_t>(2 * tickets + 2 * tickets));
        std::set<std::string> ids;
        for (std::size_t i = 0; i < log.size(); ++i) {
            CHECK(log[i]["hub_seq"] == static_cast<std::int64_t>(i + 1));
            CHECK(ids.insert(log[i]["event"]["event_id"].get<std::string>()).second);
            CHECK(log[i]["event"]["device_id"].get<std::string>().rfind(o.id + "-", 0) == 0);
        }
        CHECK(log_after(*hubs[1], o.desks[1], 0) == log);
        // Both hubs' queues for the office: every ticket at a counter, none waiting, none of the other's.
        for (const auto& hub : hubs) {
            const auto queue = call(*hub, o.desks[0], "GET", "/v1/queue");
            REQUIRE(queue.status == 200);
            const auto q = nlohmann::json::parse(queue.body);
            CHECK(q.at("waiting").empty());
            REQUIRE(q.at("called").size() == static_cast<std::size_t>(2 * tickets));
            for (const auto& t : q.at("called"))
                CHECK(t.at("ticket_id").get<std::string>().rfind(o.id + "-", 0) == 0);
        }
    }
    // An admin of one office, at a hub serving both: the devices, the export and the figures'
    // day log are its office's only.
    const std::string admin = enrol(*hubs[1], "admin", "oslo-admin", "oslo");
    const auto devices = call(*hubs[0], admin, "GET", "/v1/devices");
    REQUIRE(devices.status == 200);
    const auto listed = nlohmann::json::parse(devices.body).at("devices");
    CHECK(listed.size() == 5);  // two kiosks, two desks, the admin
    for (const auto& d : listed) CHECK(d.at("device_id").get<std::string>().rfind("oslo-", 0) == 0);
    const auto exported = call(*hubs[0], admin, "GET", "/v1/export?after=0&limit=1000");
    REQUIRE(exported.status == 200);
    CHECK(exported.body.find("bergen-") == std::string::npos);
    CHECK(std::count(exported.body.begin(), exported.body.end(), '\n') == 4 * tickets);
    for (const Route& route : token_routes()) {  // every route: nothing of the other office
        CAPTURE(route.path);
        if (route.path.find("wait_ms") != std::string::npos) continue;  // would wait for a new entry
        const auto reply = call(*hubs[0], admin, route.method, route.path, route.body);
        CHECK(reply.body.find("unknown device token") == std::string::npos);  // a device of an office served
        CHECK(reply.body.find("bergen") == std::string::npos);
    }
    // A hub of one office knows nothing of the other's devices; it answers its own.
    CHECK(call(*bergen_only, offices[0].kiosks[0], "GET", "/v1/events?after=0").status == 401);
    CHECK(call(*bergen_only, offices[0].desks[1], "GET", "/v1/queue").status == 401);
    // (A hub that only follows takes the others' entries in as their notifications arrive.)
    const auto whole_office = [&] {
        return log_after(*bergen_only, offices[1].desks[0], 0).size() == static_cast<std::size_t>(4 * tickets);
    };
    CHECK(wait_until(whole_office, std::chrono::seconds(10)));
    // Health counts the entries of every office the hub serves.
    const auto health = call(*hubs[0], "", "GET", "/v1/health");
    REQUIRE(health.status == 200);
    CHECK(nlohmann::json::parse(health.body).at("last_seq") == 2 * 4 * tickets);
    // A command works on one office, and says so when given two.
    const auto refused = run_hub_command("enrol-code --db " + url + " --office-id oslo,bergen", dir / "command");
    CHECK(refused.status == 1);
    CHECK_MESSAGE(refused.output.find("enrol-code works on one office") != std::string::npos, refused.output);
}
