// Storage faults become clear error values, never a crash or a half-written ticket.
#include <doctest/doctest.h>

#include <fstream>
#include <sqlite3.h>
#include <string>
#include <unistd.h>

#include "domain/office_time.hpp"
#include "store/store.hpp"
#include "support/fault_vfs.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

StoreResult<std::unique_ptr<Store>> open_at(const std::filesystem::path& path, const std::string& vfs = "") {
    StoreOptions options;
    options.path = path;
    options.kiosk_letter = 'F';
    options.vfs_name = vfs;
    return Store::open(options);
}

// Every ticket has its event and the other way round; integrity is ok.
void check_consistent(const std::filesystem::path& db) {
    CHECK(query_texts(db, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    CHECK(query_int(db, "SELECT count(*) FROM tickets t LEFT JOIN outbox o ON o.event_id = t.event_id "
                        "WHERE o.event_id IS NULL") == 0);
    CHECK(query_int(db, "SELECT count(*) FROM outbox o LEFT JOIN tickets t ON o.event_id = t.event_id "
                        "WHERE t.event_id IS NULL") == 0);
    CHECK(query_int(db, "SELECT count(*) FROM tickets") ==
          query_int(db, "SELECT count(DISTINCT service_day || letter || sequence) FROM tickets"));
}

bool is_storage_error(const StoreError& error) {
    return error.message_key == "error.go_to_reception" &&
           (error.kind == StoreErrorKind::io || error.kind == StoreErrorKind::disk_full ||
            error.kind == StoreErrorKind::read_only);
}

// Fails the nth write or sync during one ticket issue, for n = 1, 2, ... until the
// issue no longer reaches the fault; each time the file stays consistent.
void run_fault_sweep(FaultOp op, int error_code) {
    register_fault_vfs();
    int failures = 0;
    for (int nth = 1; nth < 200; ++nth) {
        CAPTURE(nth);
        TempDir dir;
        const auto db = dir / "k.db";
        {
            auto store = open_at(db);
            REQUIRE(store.ok());
            for (int i = 0; i < 3; ++i) REQUIRE((*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms()).ok());
        }
        bool fired = false;
        std::string shown_event;
        {
            auto store = open_at(db, fault_vfs_name);
            REQUIRE(store.ok());
            arm_fault(op, nth, error_code, false);
            auto ticket = (*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms(0, 1));
            fired = fault_fired();
            disarm_fault();
            if (ticket) {
                shown_event = ticket->event_id;
            } else {
                ++failures;
                CHECK(is_storage_error(ticket.error()));
                CHECK(!ticket.error().detail.empty());
            }
            // The same connection recovers once the fault is gone.
            auto after = (*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms(0, 2));
            CHECK_MESSAGE(after.ok(), (after.ok() ? "" : after.error().detail));
        }
        check_consistent(db);
        if (!shown_event.empty())
            CHECK(query_int(db, "SELECT count(*) FROM tickets WHERE event_id = '" + shown_event + "'") == 1);
        const auto count = query_int(db, "SELECT count(*) FROM tickets");
        CHECK(count >= 4);
        CHECK(count <= 5);
        if (!fired) break;  // the issue made fewer than nth such calls: every position was tried
    }
    CHECK(failures > 0);
}

}  // namespace

TEST_CASE("a failing write at every position of a ticket issue gives a clean error") {
    run_fault_sweep(FaultOp::write, SQLITE_IOERR_WRITE);
}

TEST_CASE("a failing sync at every position of a ticket issue gives a clean error") {
    run_fault_sweep(FaultOp::sync, SQLITE_IOERR_FSYNC);
}

TEST_CASE("a full disk is reported as disk full and nothing half-written remains") {
    register_fault_vfs();
    TempDir dir;
    const auto db = dir / "k.db";
    auto store = open_at(db, fault_vfs_name);
    REQUIRE(store.ok());
    REQUIRE((*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms()).ok());
    arm_fault(FaultOp::write, 1, SQLITE_FULL, true);
    for (int i = 0; i < 3; ++i) {
        auto ticket = (*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms());
        REQUIRE_FALSE(ticket.ok());
        CHECK(ticket.error().kind == StoreErrorKind::disk_full);
        CHECK(ticket.error().message_key == "error.go_to_reception");
    }
    disarm_fault();
    store = open_at(db);  // closes the faulty connection, opens a clean one
    REQUIRE(store.ok());
    check_consistent(db);
    CHECK(query_int(db, "SELECT count(*) FROM tickets") == 1);
    auto next = (*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms());
    REQUIRE(next.ok());
    CHECK(next->number.text() == "F 002");
}

TEST_CASE("a read-only disk is reported as read-only") {
    register_fault_vfs();
    TempDir dir;
    const auto db = dir / "k.db";
    auto store = open_at(db, fault_vfs_name);
    REQUIRE(store.ok());
    arm_fault(FaultOp::write, 1, SQLITE_READONLY, true);
    auto ticket = (*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms());
    disarm_fault();
    REQUIRE_FALSE(ticket.ok());
    CHECK(ticket.error().kind == StoreErrorKind::read_only);
}

TEST_CASE("a store file without write permission is reported, not crashed on") {
    if (geteuid() == 0) return;  // root writes anyway; the VFS case above covers the mapping
    TempDir dir;
    const auto db = dir / "k.db";
    { REQUIRE(open_at(db).ok()); }
    std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    std::filesystem::permissions(db, std::filesystem::perms::owner_read);
    auto store = open_at(db);
    if (store) {
        auto ticket = (*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms());
        CHECK_FALSE(ticket.ok());
    }
    std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all);
}

TEST_CASE("a file that is not a database is refused as not a store, and left as it was") {
    TempDir dir;
    const auto db = dir / "k.db";
    {
        std::ofstream garbage(db, std::ios::binary);
        for (int i = 0; i < 4096; ++i) garbage.put(static_cast<char>((i * 7919) & 0xff));
    }
    auto store = open_at(db);
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().kind == StoreErrorKind::not_a_store);
    CHECK(store.error().message_key == "error.go_to_reception");
    CHECK(std::filesystem::file_size(db) == 4096);
}

TEST_CASE("a store with damaged pages gives errors, never a crash") {
    TempDir dir;
    const auto db = dir / "k.db";
    {
        auto store = open_at(db);
        REQUIRE(store.ok());
        for (int i = 0; i < 300; ++i) REQUIRE((*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms()).ok());
    }
    {
        std::fstream file(db, std::ios::binary | std::ios::in | std::ios::out);
        file.seekp(4096 * 3);
        for (int i = 0; i < 4096 * 4; ++i) file.put(static_cast<char>(0xA5));
    }
    auto store = open_at(db);
    if (!store) {
        CHECK(store.error().kind == StoreErrorKind::corrupt);
        return;
    }
    auto integrity = (*store)->integrity_check();
    const bool reported = !integrity.ok() || *integrity != "ok";
    CHECK(reported);
    auto tickets = (*store)->tickets_of_day(service_day_of(test_time_ms()));
    if (!tickets) CHECK(tickets.error().kind == StoreErrorKind::corrupt);
}

TEST_CASE("a store folder that cannot be created is an I/O error") {
    TempDir dir;
    { std::ofstream blocker(dir / "not-a-folder"); }
    auto store = open_at(dir / "not-a-folder" / "k.db");
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().kind == StoreErrorKind::io);
}

TEST_CASE("an invalid request is refused with the visitor's problems and stores nothing") {
    TempDir dir;
    auto store = open_at(dir / "k.db");
    REQUIRE(store.ok());
    TicketRequest request = plain_request();
    request.phone = "12";
    request.name = std::string("Ola\0Nordmann", 12);
    auto ticket = (*store)->issue_ticket(request, shipped_catalogue(), test_time_ms());
    REQUIRE_FALSE(ticket.ok());
    CHECK(ticket.error().kind == StoreErrorKind::invalid_request);
    CHECK(ticket.error().problems.size() == 2);
    CHECK(query_int(dir / "k.db", "SELECT count(*) FROM tickets") == 0);
    CHECK(query_int(dir / "k.db", "SELECT count(*) FROM day_counters") == 0);
}
