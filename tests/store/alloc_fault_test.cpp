// Out of memory inside SQLite: the Nth allocation of a ticket issue fails, for N = 1, 2, ...
// Each time the visitor gets a clean error and the file stays whole. This binary swaps
// SQLite's allocator for the whole process, so it runs apart from the other store tests.
#include <doctest/doctest.h>

#include <atomic>
#include <sqlite3.h>

#include "store/store.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

sqlite3_mem_methods real_methods;
std::atomic<bool> armed{false};
std::atomic<int> nth{0};
std::atomic<int> seen{0};
std::atomic<bool> fired{false};

bool must_fail() {
    if (!armed) return false;
    if (++seen == nth) {
        fired = true;
        return true;
    }
    return false;
}
void* failing_malloc(int size) { return must_fail() ? nullptr : real_methods.xMalloc(size); }
void* failing_realloc(void* p, int size) { return must_fail() ? nullptr : real_methods.xRealloc(p, size); }

// Installs the failing allocator once, before any connection exists.
void install_failing_allocator() {
    static const bool installed = [] {
        sqlite3_shutdown();
        REQUIRE(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_methods) == SQLITE_OK);
        sqlite3_mem_methods methods = real_methods;
        methods.xMalloc = failing_malloc;
        methods.xRealloc = failing_realloc;
        REQUIRE(sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) == SQLITE_OK);
        REQUIRE(sqlite3_initialize() == SQLITE_OK);
        return true;
    }();
    CHECK(installed);
}

}  // namespace

TEST_CASE("a failing allocation at every position of a ticket issue gives a clean error") {
    install_failing_allocator();
    int failures = 0;
    int tried = 0;
    for (int n = 1; n < 500; ++n, ++tried) {
        CAPTURE(n);
        TempDir dir;
        const auto db = dir / "k.db";
        StoreOptions options;
        options.path = db;
        auto store = Store::open(options);
        REQUIRE(store.ok());
        REQUIRE((*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms()).ok());

        seen = 0;
        fired = false;
        nth = n;
        armed = true;
        auto ticket = (*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms(0, 1));
        armed = false;
        if (!ticket) {
            ++failures;
            CHECK(ticket.error().message_key == "error.go_to_reception");
            CHECK_FALSE(ticket.error().detail.empty());
        }
        auto after = (*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms(0, 2));
        CHECK_MESSAGE(after.ok(), (after.ok() ? "" : after.error().detail));
        store.value().reset();

        CHECK(query_texts(db, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
        const auto tickets = query_int(db, "SELECT count(*) FROM tickets");
        CHECK(tickets == (ticket ? 3 : 2));
        CHECK(query_int(db, "SELECT count(*) FROM outbox") == tickets);
        if (!fired) break;  // the issue made fewer than n allocations: every position was tried
    }
    MESSAGE(tried << " allocation positions tried, " << failures << " failed cleanly");
    CHECK(failures > 0);
}
