// A hub whose disk is full answers a pushing device with its storage error (503, try
// again later), stores nothing of the batch, tells IT the disk is full, and takes the batch
// once there is space. Its own binary: the fault shim is every connection's VFS here.
#include <doctest/doctest.h>

#include <cerrno>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "domain/office_time.hpp"
#include "support/fault_vfs.hpp"
#include "support/hub_fixture.hpp"
#include "support/sample_events.hpp"

using namespace skranke;
using namespace skranke::test;

TEST_CASE("a push to a hub with a full disk gets a storage error, not a 500, and nothing is stored") {
    register_fault_vfs(true);
    HubFixture hub;
    const auto kiosk = hub.enrol(protocol::Role::kiosk, "kiosk-a");
    const std::vector<std::string> json_header = {"Content-Type: application/json"};
    const std::string body = batch({issued_event("kiosk-a", 1, wall_clock_ms()), issued_event("kiosk-a", 2, wall_clock_ms())});

    std::ostringstream log;
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
    for (const auto& [op, code] : {std::pair{FaultOp::sync, SQLITE_IOERR_FSYNC}, std::pair{FaultOp::write, SQLITE_IOERR_WRITE},
                                  std::pair{FaultOp::write, SQLITE_FULL}}) {
        CAPTURE(code);
        log.str("");
        arm_fault(op, 1, code, true, ENOSPC);
        const auto reply = hub.call("POST", "/v1/events", kiosk.token, body, json_header);
        const bool fired = fault_fired();
        disarm_fault();
        CHECK(fired);
        CHECK(reply.status == 503);
        const auto answer = nlohmann::json::parse(reply.body, nullptr, false);
        CHECK(answer.value("code", "") == "hub_storage");
        CHECK(answer.value("message", "").find("nothing of it was stored") != std::string::npos);
        CHECK(hub.event_count() == 0);
        // IT reads why in the hub's log.
        CHECK(log.str().find("push failed") != std::string::npos);
        CHECK(log.str().find("the disk is full") != std::string::npos);
    }
    spdlog::set_default_logger(previous);

    const auto reply = hub.call("POST", "/v1/events", kiosk.token, body, json_header);
    CHECK(reply.status == 200);
    CHECK(hub.event_count() == 2);
}

TEST_CASE("a batch that does not commit leaves the hub's queue exactly as before: later actions are judged the same") {
    register_fault_vfs(true);
    HubFixture hub;
    const auto kiosk = hub.enrol(protocol::Role::kiosk, "kiosk-a");
    const auto desk = hub.enrol(protocol::Role::reception, "desk-1");
    const std::vector<std::string> json_header = {"Content-Type: application/json"};
    const auto now = wall_clock_ms();
    REQUIRE(hub.call("POST", "/v1/events", kiosk.token, batch({issued_event("kiosk-a", 1, now)}), json_header).status ==
            200);
    // A call of ticket 1, and the issues of tickets 2 and 3 in one batch, each refused by the disk.
    const std::string failing = batch({issued_event("kiosk-a", 2, now), issued_event("kiosk-a", 3, now)});
    const std::string call = batch({staff_event("ticket.called", "desk-1", 1, "kiosk-a:1", now)});
    for (const std::string* body : {&failing, &call}) {
        arm_fault(FaultOp::sync, 1, SQLITE_IOERR_FSYNC, true, EIO);
        const auto token = body == &failing ? kiosk.token : desk.token;
        CHECK(hub.call("POST", "/v1/events", token, *body, json_header).status == 503);
        disarm_fault();
    }
    // Nothing of them happened: ticket 1 waits (not "already called"), tickets 2 and 3 are
    // unknown until sent again, and the kiosk's sequence is back at 1 (ticket 2 is not "older
    // than one already stored"): all go through now, the same as on a hub that never failed.
    const auto state = hub.store().queue_state();
    REQUIRE(state.find("kiosk-a:1"));
    CHECK(state.find("kiosk-a:1")->state == TicketState::waiting);
    CHECK(state.find("kiosk-a:2") == nullptr);
    CHECK(state.find("kiosk-a:3") == nullptr);
    for (const auto& [token, body] : {std::pair{kiosk.token, failing}, std::pair{desk.token, call}}) {
        const auto reply = hub.call("POST", "/v1/events", token, body, json_header);
        REQUIRE(reply.status == 200);
        const auto answer = nlohmann::json::parse(reply.body);
        for (const auto& result : answer["results"]) CHECK(result["status"] == "stored");
    }
    CHECK(hub.store().queue_state().find("kiosk-a:1")->state == TicketState::called);
    CHECK(hub.store().queue_state().find("kiosk-a:3")->state == TicketState::waiting);
    CHECK(hub.event_count() == 4);
}
