// Faults between a kiosk and the hub, injected by a TCP proxy, and a hub killed with SIGKILL
// mid-batch. After healing, the hub holds every ticket exactly once and the outbox drains
// within one backoff cap.
#include <doctest/doctest.h>

#include <algorithm>

#include <sqlite3.h>

#include "domain/office_time.hpp"
#include "hub/hub_store.hpp"
#include "support/fault_proxy.hpp"
#include "support/hub_fixture.hpp"
#include "support/hub_process.hpp"
#include "support/store_fixture.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using protocol::Role;

namespace {

// Quick issue for big backlogs: the same store code, without an fsync per ticket.
std::vector<std::string> issue_backlog(const StoreOptions& options, int count) {
    auto store = Store::open(options);
    REQUIRE(store.ok());
    REQUIRE(sqlite3_exec((*store)->handle(), "PRAGMA synchronous=OFF", nullptr, nullptr, nullptr) == SQLITE_OK);
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
        auto t = (*store)->issue_ticket(plain_request(), shipped_catalogue(), wall_clock_ms());
        REQUIRE(t.ok());
        ids.push_back(t->event_id);
    }
    return ids;
}

std::unique_ptr<sync::SyncEngine> start_engine(const StoreOptions& store, sync::SyncOptions options) {
    auto engine = sync::SyncEngine::start(store, std::move(options));
    REQUIRE_MESSAGE(engine.ok(), (engine.ok() ? "" : engine.error()));
    return std::move(engine.value());
}

std::int64_t hub_count(const std::filesystem::path& hub_db, const std::string& where = "1") {
    return query_int(hub_db, "SELECT count(*) FROM events WHERE " + where);
}

// Every ticket at the hub exactly once, and nothing else.
void check_exactly_once(const std::filesystem::path& hub_db, const std::vector<std::string>& ids) {
    CHECK(hub_count(hub_db) == static_cast<std::int64_t>(ids.size()));
    CHECK(query_int(hub_db, "SELECT count(DISTINCT event_id) FROM events") == static_cast<std::int64_t>(ids.size()));
    const auto stored = query_texts(hub_db, "SELECT event_id FROM events ORDER BY device_id, device_seq");
    CHECK(stored == ids);
}

}  // namespace

TEST_CASE("every network fault heals: each ticket reaches the hub exactly once") {
    struct Case {
        const char* name;
        Fault fault;
    };
    const std::vector<Case> cases = {
        {"connection refused", Fault::refuse},
        {"hub never answers", Fault::hang},
        {"reset before the request reaches the hub", Fault::reset_before},
        {"reply cut after the hub committed", Fault::cut_after_commit},
        {"slow trickle", Fault::trickle},
        {"500", Fault::http_500},
        {"503 with Retry-After", Fault::http_503},
        {"429 with Retry-After", Fault::http_429},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        HubFixture hub;
        const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
        FaultProxy proxy(hub.hub().port());
        const auto options = kiosk_options(hub.dir() / "kiosk.db", "kiosk-a", 'A');
        auto ids = issue_named_tickets(options, 5);
        proxy.set_fault(c.fault);
        auto settings = engine_options(hub.connection(kiosk.token, proxy.url()), /*pull=*/c.fault == Fault::cut_after_commit);
        settings.batch_size = 2;
        auto engine = start_engine(options, settings);
        // Let the fault bite a few times.
        REQUIRE(wait_until([&] { return engine->status().failures >= 3; }, 20s));
        CHECK(engine->status().outbox_depth > 0);
        if (c.fault == Fault::cut_after_commit) CHECK(hub.event_count() > 0);  // stored, but never acknowledged
        if (c.fault == Fault::http_503 || c.fault == Fault::http_429) {
            // Retry-After: 1 beats the 400 ms backoff cap: attempts are a second apart (an
            // attempt may be two pushes sent together).
            const auto times = proxy.faulted_times();
            const auto next = std::find_if(times.begin(), times.end(), [&](auto t) { return t - times.front() > 200ms; });
            REQUIRE(next != times.end());
            CHECK(*next - times.front() >= 900ms);
        }
        const auto more = issue_named_tickets(options, 3);  // visitors keep coming during the fault
        ids.insert(ids.end(), more.begin(), more.end());
        engine->notify_local_event();
        proxy.set_fault(Fault::none);
        const auto healed = std::chrono::steady_clock::now();
        REQUIRE(wait_until([&] { return engine->status().outbox_depth == 0; }, 15s));
        // Within one backoff cap (400 ms; Retry-After 1 s) plus the calls themselves.
        CHECK(std::chrono::steady_clock::now() - healed < 4s);
        check_exactly_once(hub.dir() / "hub" / "hub.db", ids);
        CHECK(engine->status().dead_letters == 0);
        // Online once a log read gets through too (it may still be waiting out its backoff).
        CHECK(wait_until([&] { return engine->status().online; }, 5s));
    }
}

TEST_CASE("a hub killed with SIGKILL mid-batch and restarted ends with every ticket exactly once") {
    TempDir dir;
    HubProcess hub(dir / "hub");
    hub.start();
    sync::Connection connection;
    connection.hub_url = hub.url();
    connection.connect_timeout_ms = 1000;
    connection.request_timeout_ms = 5000;
    auto enrolled = sync::enrol_device(connection, hub.enrol_code("kiosk"), "kiosk-a");
    REQUIRE(enrolled.ok());
    connection.token = enrolled->token;
    const auto options = kiosk_options(dir / "kiosk.db", "kiosk-a", 'A');
    const auto ids = issue_backlog(options, 1500);
    auto settings = engine_options(connection, /*pull=*/true);
    settings.batch_size = 50;
    auto engine = start_engine(options, settings);
    const auto hub_db = dir / "hub" / "hub.db";
    for (int round = 0; round < 3; ++round) {
        CAPTURE(round);
        const auto before = hub_count(hub_db);
        // Kill while batches are flowing.
        REQUIRE(wait_until([&] { return hub_count(hub_db) > before; }, 20s, 2ms));
        hub.kill_hard();
        const auto failures = engine->status().failures;
        REQUIRE(wait_until([&] { return engine->status().failures > failures; }, 10s));
        hub.start();
    }
    REQUIRE(wait_until([&] { return engine->status().outbox_depth == 0; }, 60s));
    check_exactly_once(hub_db, ids);
    REQUIRE(wait_until([&] { return engine->status().cursor == static_cast<std::int64_t>(ids.size()); }, 20s));
    CHECK(query_int(options.path, "SELECT count(*) FROM merged_log") == static_cast<std::int64_t>(ids.size()));
}

TEST_CASE("a 10,000-event backlog drains in bounded batches once the hub comes up") {
    TempDir dir;
    const auto options = kiosk_options(dir / "kiosk.db", "kiosk-a", 'A');
    const auto ids = issue_backlog(options, 10000);
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    auto engine = start_engine(options, engine_options(hub.connection(kiosk.token), /*pull=*/false));
    REQUIRE(wait_until([&] { return engine->status().outbox_depth == 0; }, 120s, 20ms));
    check_exactly_once(hub.dir() / "hub" / "hub.db", ids);
    const auto status = engine->status();
    CHECK(status.pushes >= 20);                               // at most 500 per batch
    CHECK(status.largest_batch_bytes < 2 * 1024 * 1024);       // never the whole backlog at once
}
