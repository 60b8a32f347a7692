// A hub whose disk is full answers a pushing device with its storage error (503, try
// again later), stores nothing of the batch, tells IT the disk is full, and takes the batch
// once there is space. Its own binary: the fault shim is every connection's VFS here.
#include <doctest/doctest.h>

#include <cerrno>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "domain/service_day.hpp"
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
