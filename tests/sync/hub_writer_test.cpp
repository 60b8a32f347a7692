// Only writes wait for the hub's one writer: while a batch waits for the file, a request
// with an unknown token is refused at once on every route, and every view a known device
// reads (log, queue, devices, export, config, figures) is served from the snapshot or the
// readers' own connections. Retention writes in short transactions.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <cerrno>

#include "client/staff_client.hpp"
#include "domain/office_time.hpp"
#include "hub/hub_store.hpp"
#include "protocol/event_codec.hpp"
#include "support/fault_vfs.hpp"
#include "support/held_write.hpp"
#include "support/hub_fixture.hpp"
#include "support/hub_process.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;
using protocol::Role;

namespace {

const std::vector<std::string> json_header = {"Content-Type: application/json"};

std::vector<nlohmann::json> kiosk_batch(int first, int count) {
    std::vector<nlohmann::json> events;
    for (int i = first; i < first + count; ++i) events.push_back(issued_event("kiosk-a", i, wall_clock_ms()));
    return events;
}

}  // namespace

TEST_CASE("unknown tokens are refused at once on every route while a batch waits for the writer") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    REQUIRE(hub.call("POST", "/v1/events", kiosk.token, batch(kiosk_batch(1, 3)), json_header).status == 200);
    std::vector<long> statuses;
    std::vector<std::string> messages;
    const auto held = while_a_batch_waits(hub, kiosk.token, kiosk_batch(4, 2), [&] {
        // Each route with a token never seen, then the same tokens again (remembered as unknown).
        for (int round = 0; round < 2; ++round)
            for (std::size_t i = 0; i < token_routes().size(); ++i) {
                const Route& route = token_routes()[i];
                const auto reply = hub.call(route.method, route.path, "not-a-token-" + std::to_string(i), route.body,
                                            json_header);
                statuses.push_back(reply.status);
                const auto body = nlohmann::json::parse(reply.body, nullptr, false);
                messages.push_back(body.is_object() ? body.value("message", "") : reply.error);
            }
    });
    REQUIRE(held.storing);
    CHECK(held.calls_first);  // every one of them before the batch got the file
    CHECK(held.pushed.status == 200);  // stored whole once the file was free
    REQUIRE(statuses.size() == 2 * token_routes().size());
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        CAPTURE(token_routes()[i % token_routes().size()].path);
        CHECK(statuses[i] == 401);
        CHECK(messages[i] == "unknown device token; enrol the device again");
    }
    CHECK(hub.event_count() == 5);
}

TEST_CASE("every view a known device reads is served while a batch waits for the writer") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto desk = hub.enrol(Role::reception, "desk-1");
    const auto display = hub.enrol(Role::display, "display-1");
    const auto admin = hub.enrol(Role::admin, "it-1");
    const auto added = run_hub_command("staff-add --id kari --name Kari", hub.dir() / "hub", "246813\\n");
    REQUIRE(added.status == 0);
    auto session = sync::staff_sign_in(hub.connection(desk.token), "kari", "246813", "2");
    REQUIRE(session.ok());
    REQUIRE(hub.call("POST", "/v1/events", kiosk.token, batch(kiosk_batch(1, 3)), json_header).status == 200);
    const auto called = staff_event("ticket.called", "desk-1", 1, "kiosk-a:1", wall_clock_ms());
    REQUIRE(hub.call("POST", "/v1/events", desk.token, batch({called}), json_header).status == 200);

    struct Read {
        std::string path;
        const EnrolledDevice* device;
        std::vector<std::string> headers;
        sync::HttpReply reply;
    };
    const std::vector<std::string> with_session = {"X-Skranke-Staff-Session: " + session->session};
    std::vector<Read> reads = {
        {"/v1/events?after=0", &desk, {}, {}},        {"/v1/events?after=0", &display, {}, {}},
        {"/v1/events?after=2", &display, {}, {}},     {"/v1/queue", &display, {}, {}},
        {"/v1/devices", &admin, {}, {}},              {"/v1/export?after=0", &admin, {}, {}},
        {"/v1/config", &kiosk, {}, {}},               {"/v1/figures", &desk, with_session, {}},
        {"/v1/figures.csv", &desk, with_session, {}},
    };
    for (Read& read : reads) REQUIRE(hub.call("GET", read.path, read.device->token, "", read.headers).status == 200);
    const auto held = while_a_batch_waits(hub, kiosk.token, kiosk_batch(4, 2), [&] {
        for (Read& read : reads) read.reply = hub.call("GET", read.path, read.device->token, "", read.headers);
    });
    REQUIRE(held.storing);
    CHECK(held.calls_first);
    CHECK(held.pushed.status == 200);
    for (const Read& read : reads) {
        CAPTURE(read.path);
        CHECK(read.reply.status == 200);
    }
    // What they read is the log and queue as committed before the waiting batch.
    CHECK(nlohmann::json::parse(reads[0].reply.body)["events"].size() == 4);
    CHECK(reads[0].reply.body.find("Kari Nordmann") != std::string::npos);
    CHECK(reads[1].reply.body.find("Kari Nordmann") == std::string::npos);
    CHECK(nlohmann::json::parse(reads[2].reply.body)["events"].size() == 2);
    const auto queue = nlohmann::json::parse(reads[3].reply.body);
    CHECK(queue["waiting"].size() == 2);
    CHECK(queue["called"].size() == 1);
    CHECK(nlohmann::json::parse(reads[4].reply.body)["devices"].size() == 4);
    CHECK(nlohmann::json::parse(reads[7].reply.body)["issued"] == 3);
    CHECK(hub.event_count() == 6);
}

TEST_CASE("the queue a reader gets is the one the writer decides by, after every commit") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto desk = hub.enrol(Role::reception, "desk-1");
    int issued = 0;
    std::int64_t desk_seq = 0;
    // Commits of one ticket and of hundreds, each followed by a call of the ticket before the
    // newest, so that readers' copies of the queue are renewed several times on the way.
    for (int commit = 0; commit < 45; ++commit) {
        const int count = commit % 15 == 14 ? 400 : 1;
        REQUIRE(hub.call("POST", "/v1/events", kiosk.token, batch(kiosk_batch(issued + 1, count)), json_header).status ==
                200);
        issued += count;
        if (issued < 2) continue;
        const auto call = staff_event("ticket.called", "desk-1", ++desk_seq, "kiosk-a:" + std::to_string(issued - 1),
                                      wall_clock_ms());
        const auto reply = hub.call("POST", "/v1/events", desk.token, batch({call}), json_header);
        REQUIRE(reply.status == 200);
        CHECK(nlohmann::json::parse(reply.body)["results"][0]["status"] == "stored");
    }
    // The same queue as a fold of the whole log, as every device makes it.
    std::vector<KnownEvent> log;
    auto page = hub.store().read_log(0, 100000);
    REQUIRE(page.ok());
    for (const auto& e : *page) log.push_back({as_event(nlohmann::json::parse(e.event_json)), {e.hub_seq, e.received_ms, {}}});
    const QueueState folded = fold_events(log);
    const QueueState served = hub.store().queue_state();
    REQUIRE(served.tickets().size() == folded.tickets().size());
    std::size_t differing = 0;
    for (const auto& [id, ticket] : folded.tickets()) {
        const QueueTicket* seen = served.find(id);
        if (seen == nullptr || seen->state != ticket.state || seen->called_by != ticket.called_by) ++differing;
    }
    CHECK(differing == 0);
    CHECK(served.find("kiosk-a:1")->state == TicketState::called);
}

TEST_CASE("retention empties personal fields in transactions of 500 rows: a failure keeps the batches done") {
    register_fault_vfs();
    TempDir dir;
    const auto made = dir / "made" / "hub.db";
    constexpr int events = 1234;
    {
        auto store = hub::HubStore::open(made);
        REQUIRE(store.ok());
        for (int first = 1; first <= events; first += 400) {
            const auto wire = kiosk_batch(first, std::min(400, events - first + 1));
            std::vector<std::string> texts;
            for (const auto& e : wire) texts.push_back(e.dump());
            std::vector<hub::PushedEvent> pushed;
            for (const auto& text : texts) pushed.push_back(hub::pushed_event_of(nlohmann::json::parse(text), text));
            REQUIRE((*store)->push(pushed, hub::Contact{wall_clock_ms(), std::nullopt, {}}).ok());
        }
    }
    const std::string removed_rows = "SELECT count(*) FROM events WHERE personal_removed = 1";
    bool some_kept = false;
    // The nth sync fails from there on (a disk going bad during the sweep), for every n the sweep reaches.
    for (int nth = 1; nth <= 12; ++nth) {
        CAPTURE(nth);
        const auto file = dir / std::to_string(nth) / "hub.db";
        std::filesystem::create_directories(file.parent_path());
        std::filesystem::copy_file(made, file);
        auto store = hub::HubStore::open(file, fault_vfs_name);
        REQUIRE(store.ok());
        arm_fault(FaultOp::sync, nth, SQLITE_IOERR_FSYNC, true, EIO);
        const auto swept = (*store)->remove_personal_before(wall_clock_ms() + 1);
        disarm_fault();
        if (swept.ok()) {
            CHECK(*swept == events);
            CHECK(query_int(file, removed_rows) == events);
            break;
        }
        const std::int64_t kept = query_int(file, removed_rows);
        CHECK(kept % 500 == 0);  // whole batches, never part of one
        some_kept = some_kept || kept > 0;
        const auto again = (*store)->remove_personal_before(wall_clock_ms() + 1);  // the next sweep does the rest
        REQUIRE(again.ok());
        CHECK(*again == events - kept);
        CHECK(query_int(file, removed_rows) == events);
    }
    CHECK(some_kept);
}

TEST_CASE("one day of the log is found by bisecting hub_seq on receive times, not by reading what came before") {
    TempDir dir;
    auto store = hub::HubStore::open(dir / "hub.db");
    REQUIRE(store.ok());
    constexpr std::int64_t six_hours = 6LL * 3600 * 1000;
    const std::int64_t base = wall_clock_ms() - 10 * six_hours;
    constexpr int pushes = 10;
    for (int k = 0; k < pushes; ++k) {  // three events a push, each push six hours after the one before
        std::vector<std::string> texts;
        for (int i = 1; i <= 3; ++i) texts.push_back(issued_event("kiosk-a", 3 * k + i, base + k * six_hours).dump());
        std::vector<hub::PushedEvent> pushed;
        for (const auto& text : texts) pushed.push_back(hub::pushed_event_of(nlohmann::json::parse(text), text));
        REQUIRE((*store)->push(pushed, hub::Contact{base + k * six_hours, std::nullopt, {}}).ok());
    }
    CHECK(*(*store)->cursor_before_received(base - 1) == 0);
    CHECK(*(*store)->cursor_before_received(base + pushes * six_hours) == 3 * pushes);
    for (int k = 0; k < pushes; ++k) {
        CAPTURE(k);
        CHECK(*(*store)->cursor_before_received(base + k * six_hours) == 3 * k);
        CHECK(*(*store)->cursor_before_received(base + k * six_hours + 1) == 3 * (k + 1));
    }
}

TEST_CASE("a device that sends thousands of refused events leaves a bounded memory, and each keeps its answer") {
    TempDir dir;
    auto store = hub::HubStore::open(dir / "hub.db");
    REQUIRE(store.ok());
    const std::int64_t t0 = wall_clock_ms();  // one body per event id: sent again, the same text
    const auto push = [&](const std::vector<nlohmann::json>& events) {
        std::vector<std::string> texts;
        for (const auto& e : events) texts.push_back(e.dump());
        std::vector<hub::PushedEvent> pushed;
        for (const auto& text : texts) pushed.push_back(hub::pushed_event_of(nlohmann::json::parse(text), text));
        auto results = (*store)->push(pushed, hub::Contact{wall_clock_ms(), std::nullopt, {}});
        REQUIRE(results.ok());
        return *results;
    };
    // 6,000 calls of tickets nobody issued, in batches: each refused as unknown_ticket.
    constexpr int refused = 6000;
    for (int first = 1; first <= refused; first += 500) {
        std::vector<nlohmann::json> calls;
        for (int seq = first; seq < first + 500; ++seq)
            calls.push_back(staff_event("ticket.called", "desk-x", seq, "nobody:" + std::to_string(seq), t0));
        for (const auto& r : push(calls)) REQUIRE(r.code == "unknown_ticket");
    }
    CHECK((*store)->rejections_in_memory() <= 4097);
    // Any of them sent again gets the same answer, those remembered and those not alike.
    for (int seq : {1, 2000, 4096, 4097, 5999, 6000}) {
        CAPTURE(seq);
        const auto again = push({staff_event("ticket.called", "desk-x", seq, "nobody:" + std::to_string(seq), t0)});
        REQUIRE(again.size() == 1);
        CHECK(again[0].status == "rejected");
        CHECK(again[0].code == "unknown_ticket");
    }
    // A changed body under a refused id is a conflict, not a new event.
    const auto changed = push({staff_event("ticket.called", "desk-x", 5000, "other:1", wall_clock_ms())});
    CHECK(changed[0].code == "conflict");
    // Once the device stores a later event, the memory of its refusals is let go.
    const auto ticket = push({issued_event("kiosk-q", 1, wall_clock_ms())});
    REQUIRE(ticket[0].status == "stored");
    const auto stored = push({staff_event("ticket.called", "desk-x", refused + 1, "kiosk-q:1", wall_clock_ms())});
    REQUIRE(stored[0].status == "stored");
    CHECK((*store)->rejections_in_memory() == 0);
}

TEST_CASE("the hub's queue view is today's room in the one order, with callback requests apart") {
    HubFixture hub;
    const auto display = hub.enrol(Role::display, "display-1");
    const std::int64_t now = wall_clock_ms(), day = 24LL * 3600 * 1000;
    // Today's tickets within the last minute, but never before midnight.
    const std::int64_t t0 = std::max(now - 60000, office_zone().day_start_utc(now) + 1000);
    const auto push = [&](Event event, std::int64_t received_ms) {
        const std::string text = protocol::write_event(event);
        REQUIRE(hub.store().push({hub::pushed_event_of(nlohmann::json::parse(text), text)},
                                 hub::Contact{received_ms, 0, {}}).ok());
    };
    push(issued_typed("kiosk-a", 1, now - day), now - day);  // yesterday's, never called
    Event callback = issued_typed("kiosk-a", 2, t0);
    std::get<TicketIssued>(callback.body).ticket.request.channel = Channel::callback;
    push(callback, t0);
    push(issued_typed("kiosk-a", 3, t0 + 10000), t0 + 10000);
    push(issued_typed("kiosk-a", 4, t0 + 20000, true), t0 + 20000);  // urgent: first
    push(issued_typed("kiosk-a", 5, t0 + 30000), t0 + 30000);
    push(staff_typed("ticket.called", "desk-a", 1, "kiosk-a:5", t0 + 40000), t0 + 40000);
    const auto reply = hub.call("GET", "/v1/queue", display.token);
    REQUIRE(reply.status == 200);
    const auto queue = nlohmann::json::parse(reply.body);
    const auto ids = [&](const char* list) {
        std::vector<std::string> out;
        for (const auto& t : queue.at(list)) out.push_back(t.at("ticket_id"));
        return out;
    };
    CHECK(ids("waiting") == std::vector<std::string>{"kiosk-a:4", "kiosk-a:3"});
    CHECK(ids("callbacks") == std::vector<std::string>{"kiosk-a:2"});
    CHECK(ids("called") == std::vector<std::string>{"kiosk-a:5"});
    CHECK(reply.body.find("kiosk-a:1") == std::string::npos);  // yesterday's is not today's queue
}
