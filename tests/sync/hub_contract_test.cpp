// The hub's promises: exactly once by event id, identical acknowledgements, conflicts
// decided by arrival, a device's order kept, personal data only where and while needed.
#include <doctest/doctest.h>

#include <atomic>
#include <limits>
#include <mutex>
#include <sstream>
#include <thread>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "domain/office_time.hpp"
#include "support/held_write.hpp"
#include "support/hub_fixture.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using protocol::Role;

namespace {
const std::vector<std::string> json_header = {"Content-Type: application/json"};

nlohmann::json push(HubFixture& hub, const std::string& token, const std::vector<nlohmann::json>& events) {
    const auto reply = hub.call("POST", "/v1/events", token, batch(events), json_header);
    REQUIRE(reply.status == 200);
    return nlohmann::json::parse(reply.body).at("results");
}

std::vector<nlohmann::json> kiosk_batch(const std::string& device, int first, int count) {
    std::vector<nlohmann::json> events;
    for (int i = first; i < first + count; ++i) events.push_back(issued_event(device, i, wall_clock_ms()));
    return events;
}

}  // namespace

TEST_CASE("the same batch twice gets the same acknowledgements and is stored once") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto events = kiosk_batch("kiosk-a", 1, 20);
    const auto first = push(hub, kiosk.token, events);
    const auto second = push(hub, kiosk.token, events);
    CHECK(first == second);
    for (const auto& r : first) CHECK(r["status"] == "stored");
    CHECK(hub.event_count() == 20);
    for (int i = 0; i < 50; ++i) CHECK(push(hub, kiosk.token, {events[3]})[0] == first[3]);
    CHECK(hub.copies_of("kiosk-a:4") == 1);
}

TEST_CASE("concurrent identical pushes store one copy and all get the same answer") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto events = kiosk_batch("kiosk-a", 1, 50);
    std::vector<std::string> replies(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < replies.size(); ++i)
        threads.emplace_back([&, i] { replies[i] = hub.call("POST", "/v1/events", kiosk.token, batch(events), json_header).body; });
    for (auto& t : threads) t.join();
    for (const auto& r : replies) CHECK(nlohmann::json::parse(r).at("results") == nlohmann::json::parse(replies[0]).at("results"));
    CHECK(hub.event_count() == 50);
}

TEST_CASE("the same event id with a different body is a conflict; the first body stays") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    auto event = issued_event("kiosk-a", 1, wall_clock_ms());
    CHECK(push(hub, kiosk.token, {event})[0]["status"] == "stored");
    event["ticket"]["urgent"] = true;
    const auto result = push(hub, kiosk.token, {event})[0];
    CHECK(result["status"] == "rejected");
    CHECK(result["code"] == "conflict");
    CHECK(hub.copies_of("kiosk-a:1") == 1);
    CHECK_FALSE(hub.store().queue_state().find("kiosk-a:1")->ticket.request.urgent);
}

TEST_CASE("a re-sent event is known whatever its formatting; the log keeps the text as sent") {
    hub::HubOptions options;
    options.retention_ms = 24LL * 3600 * 1000;
    HubFixture hub(options);
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto event = issued_event("kiosk-a", 1, wall_clock_ms());
    // Spaced out, with the keys in another order: not the bytes the hub stored first.
    const auto spaced = [](const nlohmann::json& e) {
        nlohmann::ordered_json reversed;
        for (auto it = e.rbegin(); it != e.rend(); ++it) reversed[it.key()] = *it;
        return "{\"events\": [\n  " + reversed.dump(2) + "\n]}";
    };
    const std::string first_text = batch({event});
    const auto first = hub.call("POST", "/v1/events", kiosk.token, first_text, json_header);
    REQUIRE(first.status == 200);
    const auto again = hub.call("POST", "/v1/events", kiosk.token, spaced(event), json_header);
    REQUIRE(again.status == 200);
    CHECK(nlohmann::json::parse(again.body)["results"] == nlohmann::json::parse(first.body)["results"]);
    CHECK(hub.copies_of("kiosk-a:1") == 1);
    const auto log = hub.store().read_log(0, 10);
    REQUIRE(log);
    REQUIRE(log->size() == 1);
    CHECK(nlohmann::json::parse(log->front().event_json) == event);

    auto changed = event;
    changed["ticket"]["description"] = "Noe annet";
    const auto conflict = nlohmann::json::parse(
        hub.call("POST", "/v1/events", kiosk.token, spaced(changed), json_header).body)["results"][0];
    CHECK(conflict["code"] == "conflict");

    // After the retention period the hub no longer holds the person, yet still knows the event.
    CHECK(*hub.hub().sweep_retention(wall_clock_ms() + 2 * options.retention_ms) == 1);
    const auto late = nlohmann::json::parse(
        hub.call("POST", "/v1/events", kiosk.token, spaced(event), json_header).body)["results"][0];
    CHECK(late == nlohmann::json::parse(first.body)["results"][0]);
    CHECK(hub.event_count() == 1);
}

TEST_CASE("a batch in another JSON layout is taken whole and answered the same") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto events = kiosk_batch("kiosk-a", 1, 3);
    // An extra member and "events" second: not the plain shape, so the hub parses it whole.
    nlohmann::ordered_json body;
    body["note"] = "from a case system's test client";
    body["events"] = events;
    const auto reply = hub.call("POST", "/v1/events", kiosk.token, body.dump(), json_header);
    REQUIRE(reply.status == 200);
    const auto results = nlohmann::json::parse(reply.body).at("results");
    for (const auto& r : results) CHECK(r["status"] == "stored");
    CHECK(push(hub, kiosk.token, events) == results);
    CHECK(hub.event_count() == 3);
}

TEST_CASE("a body or event text with a NUL byte or a byte order mark is not JSON, in either layout") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const std::string event = issued_event("kiosk-a", 1, wall_clock_ms()).dump();
    const std::string nul_then_junk = event + std::string("\0", 1) + "\"junk\": 1}";
    nlohmann::ordered_json other_layout;  // parsed whole
    other_layout["note"] = "x";
    const std::string bom = "\xEF\xBB\xBF";
    for (const std::string& body : {"{\"events\":[" + nul_then_junk + "]}", bom + "{\"events\":[" + event + "]}",
                                    "{\"note\":\"x\",\"events\":[" + event + "]}" + std::string("\0", 1) + "junk",
                                    bom + "{\"note\":\"x\",\"events\":[" + event + "]}"}) {
        CAPTURE(body);
        const auto reply = hub.call("POST", "/v1/events", kiosk.token, body, json_header);
        CHECK(reply.status == 400);
        CHECK(reply.error_code() == "malformed_json");
    }
    CHECK(hub.event_count() == 0);
    CHECK(push(hub, kiosk.token, {issued_event("kiosk-a", 1, wall_clock_ms())})[0]["status"] == "stored");
}

TEST_CASE("a push that follows another is stored after it, whichever reaches the hub first") {
    {
        // Its predecessor never comes: refused after the wait, nothing stored.
        hub::HubOptions options;
        options.follow_wait_ms = 300;
        HubFixture hub(options);
        const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
        auto headers = json_header;
        headers.push_back(std::string(protocol::follows_header) + ": 2");
        const auto lonely = hub.call("POST", "/v1/events", kiosk.token, batch(kiosk_batch("kiosk-a", 3, 2)), headers);
        CHECK(lonely.status == 409);
        CHECK(lonely.error_code() == "out_of_sequence");
        CHECK(hub.event_count() == 0);
    }
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    // Pairs as the engine sends them, two at once; the second one is sent first.
    for (int first = 1; first < 40; first += 4) {
        auto headers = json_header;
        headers.push_back(std::string(protocol::follows_header) + ": " + std::to_string(first + 1));
        sync::HttpReply second;
        std::thread later([&] {
            second = hub.call("POST", "/v1/events", kiosk.token, batch(kiosk_batch("kiosk-a", first + 2, 2)), headers);
        });
        const auto results = push(hub, kiosk.token, kiosk_batch("kiosk-a", first, 2));
        later.join();
        REQUIRE(second.status == 200);
        for (const auto& r : results) CHECK(r["status"] == "stored");
        const auto second_results = nlohmann::json::parse(second.body).at("results");
        for (const auto& r : second_results) CHECK(r["status"] == "stored");
    }
    const auto log = hub.store().read_log(0, 100);
    REQUIRE(log);
    REQUIRE(log->size() == 40);
    for (std::size_t i = 0; i < log->size(); ++i) CHECK(nlohmann::json::parse((*log)[i].event_json)["device_seq"] == static_cast<int>(i + 1));
}

TEST_CASE("two counters call the same ticket: the first to reach the hub wins, the other is told") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto desk1 = hub.enrol(Role::reception, "desk-1");
    const auto desk2 = hub.enrol(Role::reception, "desk-2");
    const auto t = wall_clock_ms();
    push(hub, kiosk.token, kiosk_batch("kiosk-a", 1, 2));
    // desk-2 made its call first by its own clock, but desk-1's reached the hub first.
    const auto win = push(hub, desk1.token, {staff_event("ticket.called", "desk-1", 1, "kiosk-a:1", t + 5000)});
    const auto lose_event = staff_event("ticket.called", "desk-2", 1, "kiosk-a:1", t);
    const auto lose = push(hub, desk2.token, {lose_event, staff_event("ticket.called", "desk-2", 2, "kiosk-a:2", t)});
    CHECK(win[0]["status"] == "stored");
    CHECK(lose[0]["status"] == "rejected");
    CHECK(lose[0]["code"] == "already_called");
    CHECK(lose[1]["status"] == "stored");  // the rest of desk-2's batch goes on
    // Asked again (a retry after a timeout), the loser gets the same answer.
    CHECK(push(hub, desk2.token, {lose_event})[0] == lose[0]);
    CHECK(hub.store().queue_state().find("kiosk-a:1")->called_by == "desk-1");
    // A refusal newer than anything the device has stored is answered the same when sent
    // again, before and after the device stores a later event.
    const auto late_event = staff_event("ticket.called", "desk-2", 3, "kiosk-a:1", t);
    const auto late = push(hub, desk2.token, {late_event});
    CHECK(late[0]["code"] == "already_called");
    CHECK(push(hub, desk2.token, {late_event})[0] == late[0]);
    CHECK(push(hub, desk2.token, {staff_event("ticket.recalled", "desk-2", 4, "kiosk-a:2", t)})[0]["status"] == "stored");
    CHECK(push(hub, desk2.token, {late_event})[0] == late[0]);
    CHECK(push(hub, desk2.token, {lose_event})[0] == lose[0]);
}

TEST_CASE("a device's events keep their order; an older event after a newer one is refused") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto events = kiosk_batch("kiosk-a", 1, 10);
    const auto results = push(hub, kiosk.token, std::vector<nlohmann::json>(events.begin() + 2, events.end()));
    for (std::size_t i = 1; i < results.size(); ++i) CHECK(results[i]["hub_seq"] > results[i - 1]["hub_seq"]);
    CHECK(push(hub, kiosk.token, {events[0]})[0]["code"] == "out_of_order");
}

TEST_CASE("the log after a cursor long-polls, and kiosks and displays never get names") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto desk = hub.enrol(Role::reception, "desk-1");
    const auto display = hub.enrol(Role::display, "display-1");
    sync::HttpReply waited;
    std::thread poller([&] { waited = hub.call("GET", "/v1/events?after=0&wait_ms=2500", display.token); });
    // The poll has reached the hub once the hub noted the display's visit.
    REQUIRE(wait_until([&] {
        return hub.query_int("SELECT count(*) FROM devices WHERE device_id = 'display-1' AND last_seen_ms IS NOT NULL") == 1;
    }, std::chrono::seconds(5)));
    push(hub, kiosk.token, kiosk_batch("kiosk-a", 1, 3));
    poller.join();
    REQUIRE(waited.status == 200);
    const auto page = nlohmann::json::parse(waited.body);
    REQUIRE_FALSE(page.at("events").empty());
    for (const auto& e : page.at("events")) CHECK(e["event"]["ticket"]["name"] == "");
    const auto staff = nlohmann::json::parse(hub.call("GET", "/v1/events?after=0", desk.token).body);
    CHECK(staff.at("events").size() == 3);
    CHECK(staff.at("events")[0]["event"]["ticket"]["name"] == "Kari Nordmann");
    CHECK(staff.at("cursor") == staff.at("events")[2]["hub_seq"]);
    const auto after = nlohmann::json::parse(hub.call("GET", "/v1/events?after=2", desk.token).body);
    CHECK(after.at("events").size() == 1);
}

TEST_CASE("personal fields are deleted after the retention period; the export shows it") {
    hub::HubOptions options;
    options.retention_ms = 24LL * 3600 * 1000;
    HubFixture hub(options);
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto admin = hub.enrol(Role::admin, "it-1");
    const auto events = kiosk_batch("kiosk-a", 1, 4);
    push(hub, kiosk.token, events);
    CHECK(*hub.hub().sweep_retention(wall_clock_ms()) == 0);  // still within the period
    const auto cached = hub.call("GET", "/v1/events?after=0", admin.token);  // the hub keeps the tail in memory
    CHECK(cached.body.find("Kari") != std::string::npos);
    const auto before = hub.call("GET", "/v1/export?after=1", admin.token);
    REQUIRE(before.status == 200);
    std::istringstream lines(before.body);
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        const auto entry = nlohmann::json::parse(line);
        CHECK(entry["hub_seq"] == count + 2);
        CHECK(entry["event"]["ticket"]["phone"] == "+4791234567");
        ++count;
    }
    CHECK(count == 3);
    CHECK(*hub.hub().sweep_retention(wall_clock_ms() + 2 * options.retention_ms) == 4);
    const auto after = hub.call("GET", "/v1/export", admin.token);
    CHECK(after.body.find("Kari") == std::string::npos);
    CHECK(after.body.find("+4791234567") == std::string::npos);
    const auto read_again = hub.call("GET", "/v1/events?after=0", admin.token);  // not from a stale cache
    REQUIRE(read_again.status == 200);
    CHECK(read_again.body.find("Kari") == std::string::npos);
    CHECK(read_again.body.find("+4791234567") == std::string::npos);
    // The idempotency contract survives redaction: the same event again gets the same ack.
    CHECK(push(hub, kiosk.token, {events[0]})[0]["status"] == "stored");
    CHECK(hub.event_count() == 4);
}

TEST_CASE("config lists the needs and the limits; the hub records each device's clock offset") {
    hub::HubOptions options;
    options.services_file = asset_dir() / "services.toml";
    HubFixture hub(options);
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto admin = hub.enrol(Role::admin, "it-1");
    const auto skew = 86400000LL;
    const auto reply = hub.call("GET", "/v1/config", kiosk.token, "",
                                {std::string(protocol::device_time_header) + ": " + std::to_string(wall_clock_ms() - skew)});
    REQUIRE(reply.status == 200);
    const auto config = nlohmann::json::parse(reply.body);
    CHECK(config["needs"].size() == shipped_catalogue().needs().size());
    CHECK(config["max_batch_events"] == 500);
    const auto devices = nlohmann::json::parse(hub.call("GET", "/v1/devices", admin.token).body)["devices"];
    for (const auto& d : devices)
        if (d["device_id"] == "kiosk-a") CHECK(std::llabs(d["clock_offset_ms"].get<long long>() + skew) < 5000);
}

TEST_CASE("the hub's logs carry event and device ids, never names, phones or descriptions") {
    std::ostringstream captured;
    {
        const LogTo capture(std::make_shared<spdlog::sinks::ostream_sink_mt>(captured));
        HubFixture hub;
        const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
        const auto desk = hub.enrol(Role::reception, "desk-1");
        auto events = kiosk_batch("kiosk-a", 1, 3);
        auto bad = issued_event("kiosk-a", 4, wall_clock_ms());
        bad["ticket"]["urgent"] = "Kari Nordmann";  // personal text in a malformed field, too
        events.push_back(bad);
        push(hub, kiosk.token, events);
        push(hub, kiosk.token, events);
        push(hub, desk.token, {staff_event("ticket.served", "desk-1", 1, "kiosk-a:1", wall_clock_ms())});
        hub.call("GET", "/v1/events?after=0", desk.token);
        hub.hub().sweep_retention(wall_clock_ms() + 365LL * 24 * 3600 * 1000);
    }
    const std::string log = captured.str();
    CHECK(log.find("kiosk-a:4") != std::string::npos);  // ids are there
    CHECK(log.find("Kari") == std::string::npos);
    CHECK(log.find("91234567") == std::string::npos);
    CHECK(log.find("husleie") == std::string::npos);
}

TEST_CASE("a hub that cannot commit answers 503 with Retry-After and stores nothing of the batch") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto events = kiosk_batch("kiosk-a", 1, 10);
    // The hub file's write lock is held longer than the hub's busy timeout.
    const auto blocker = hub.hold_writes();
    const auto reply = patient_push(hub, kiosk.token, events);
    CHECK(reply.status == 503);
    CHECK(reply.error_code() == "hub_storage");
    CHECK(reply.retry_after_ms == 1000);
    blocker->release();
    CHECK(hub.event_count() == 0);
    // The fold forgot the failed batch too: the same events are stored whole on retry.
    const auto results = push(hub, kiosk.token, events);
    for (const auto& r : results) CHECK(r["status"] == "stored");
    CHECK(hub.event_count() == 10);
}

TEST_CASE("a batch waiting for the disk holds up neither known devices nor readers of the newest log") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto desk = hub.enrol(Role::reception, "desk-1");
    push(hub, kiosk.token, kiosk_batch("kiosk-a", 1, 3));
    REQUIRE(hub.call("GET", "/v1/events?after=0", desk.token).status == 200);  // the newest log is in memory now

    // The hub file's write lock is held elsewhere: the next batch waits inside the store.
    sync::HttpReply read;
    const auto held = while_a_batch_waits(hub, kiosk.token, kiosk_batch("kiosk-a", 4, 2),
                                          [&] { read = hub.call("GET", "/v1/events?after=0", desk.token); });
    REQUIRE(held.storing);
    REQUIRE(read.status == 200);  // the device was let in, and the log answered from memory ...
    CHECK(nlohmann::json::parse(read.body).at("events").size() == 3);
    CHECK(held.calls_first);      // ... while the batch still waited for the file
    CHECK(held.pushed.status == 200);  // which was stored whole once the file was free
    CHECK(hub.event_count() == 5);
}

TEST_CASE("the hub refuses values, not only shapes, names the field, and a refused event never blocks the next") {
    hub::HubOptions options;
    options.services_file = asset_dir() / "services.toml";
    HubFixture hub(options);
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto desk = hub.enrol(Role::reception, "desk-1");
    const std::vector<std::string> json_header = {"Content-Type: application/json"};
    const auto now = wall_clock_ms();
    const auto push = [&](const std::string& token, const std::vector<nlohmann::json>& events) {
        const auto reply = hub.call("POST", "/v1/events", token, batch(events), json_header);
        REQUIRE(reply.status == 200);
        return nlohmann::json::parse(reply.body).at("results");
    };
    auto huge_seq = issued_event("kiosk-a", 1, now);
    huge_seq["device_seq"] = std::numeric_limits<std::int64_t>::max();
    huge_seq["event_id"] = "kiosk-a:" + std::to_string(std::numeric_limits<std::int64_t>::max());
    auto unknown_need = issued_event("kiosk-a", 2, now);
    unknown_need["ticket"]["need_id"] = "free_money";
    auto fractional = issued_event("kiosk-a", 3, now);
    fractional["ticket"]["created_ms"] = static_cast<double>(now) + 0.5;
    auto far_clock = issued_event("kiosk-a", 4, now - 500LL * 24 * 3600 * 1000);
    const auto results = push(kiosk.token, {huge_seq, unknown_need, fractional, far_clock, issued_event("kiosk-a", 5, now)});
    const std::vector<std::string> fields = {"device_seq", "ticket.need_id", "ticket.created_ms", "created_ms"};
    for (std::size_t i = 0; i < fields.size(); ++i) {
        CAPTURE(i);
        CHECK(results[i]["status"] == "rejected");
        CHECK(results[i]["code"] == "bad_event");
        CHECK(results[i]["message"].get<std::string>().rfind(fields[i], 0) == 0);
    }
    // The device's valid events after them are stored, in this push and the next.
    CHECK(results[4]["status"] == "stored");
    CHECK(push(kiosk.token, {issued_event("kiosk-a", 6, now)})[0]["status"] == "stored");

    auto no_counter = staff_event("ticket.called", "desk-1", 1, "kiosk-a:5", now);
    no_counter.erase("counter");
    auto counter_object = staff_event("ticket.called", "desk-1", 2, "kiosk-a:5", now);
    counter_object["counter"] = nlohmann::json::object();
    auto transfer = staff_event("ticket.transferred", "desk-1", 3, "kiosk-a:5", now);
    transfer["to_need_id"] = "free_money";
    const auto staff = push(desk.token, {no_counter, counter_object, transfer,
                                         staff_event("ticket.called", "desk-1", 4, "kiosk-a:5", now)});
    CHECK(staff[0]["message"].get<std::string>().rfind("counter", 0) == 0);
    CHECK(staff[1]["message"].get<std::string>().rfind("counter", 0) == 0);
    CHECK(staff[2]["message"].get<std::string>().rfind("to_need_id", 0) == 0);
    CHECK(staff[3]["status"] == "stored");
    // Counters the office's catalogue does not list (it lists 1-4).
    auto unknown_counter = staff_event("ticket.recalled", "desk-1", 5, "kiosk-a:5", now);
    unknown_counter["counter"] = "9";
    auto to_unknown_counter = staff_event("ticket.transferred", "desk-1", 6, "kiosk-a:5", now);
    to_unknown_counter["to_counter"] = "Skranke 2";
    auto to_known_counter = staff_event("ticket.transferred", "desk-1", 7, "kiosk-a:5", now);
    to_known_counter["to_counter"] = "4";
    const auto counters = push(desk.token, {unknown_counter, to_unknown_counter, to_known_counter});
    CHECK(counters[0]["code"] == "bad_event");
    CHECK(counters[0]["message"].get<std::string>().rfind("counter ", 0) == 0);
    CHECK(counters[1]["code"] == "bad_event");
    CHECK(counters[1]["message"].get<std::string>().rfind("to_counter ", 0) == 0);
    CHECK(counters[2]["status"] == "stored");
    CHECK(hub.event_count() == 4);
    // What the hub serves every device reads back whole.
    const auto log = hub.store().read_log(0, 10);
    REQUIRE(log);
    for (const auto& entry : *log) CHECK(protocol::parse_event(entry.event_json).ok());
}
