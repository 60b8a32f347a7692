// The hub's write-ahead log is copied into hub.db by a thread of its own, not inside a
// push's commit; given back, the writer's commits copy it as SQLite's own would.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include "hub/hub_file.hpp"
#include "store/sqlite_util.hpp"
#include "store/wal_checkpointer.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;

namespace {

// One transaction of about `pages` pages of log (a row of 4000 bytes per page).
void write_pages(sqlite3* db, int pages) {
    sql::WriteTransaction tx(db);
    REQUIRE(tx.begin_code() == SQLITE_OK);
    sql::Statement insert(db, "INSERT INTO filler (bytes) VALUES (zeroblob(4000))");
    for (int i = 0; i < pages; ++i) {
        REQUIRE(insert.step() == SQLITE_DONE);
        insert.reset();
    }
    REQUIRE(tx.commit() == SQLITE_OK);
}

// Rows the database file itself holds, without its write-ahead log: what checkpoints copied.
std::int64_t rows_in_file(const TempDir& dir) {
    std::filesystem::copy_file(dir / "hub.db", dir / "copy.db", std::filesystem::copy_options::overwrite_existing);
    sqlite3* raw = nullptr;
    const std::string uri = "file:" + (dir / "copy.db").string() + "?immutable=1";
    const int opened = sqlite3_open_v2(uri.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
    const Connection copy(raw);
    REQUIRE(opened == SQLITE_OK);
    sql::Statement count(copy.get(), "SELECT count(*) FROM filler");
    if (!count.valid()) return -1;  // the table itself is still only in the log
    REQUIRE(count.step() == SQLITE_ROW);
    return count.int64(0);
}

}  // namespace

TEST_CASE("a log past 1000 pages is copied into the file by the checkpointer's thread; given back, by the commit") {
    TempDir dir;
    auto writer = hub::open_hub_file(dir / "hub.db", {});
    REQUIRE(writer);
    REQUIRE(sql::exec(writer->get(), "CREATE TABLE filler (bytes BLOB)") == SQLITE_OK);
    auto own = hub::open_hub_reader(dir / "hub.db", {});
    REQUIRE(own);
    {
        WalCheckpointer checkpointer(std::move(own.value()));
        checkpointer.attach(writer->get());
        write_pages(writer->get(), 200);  // under 1000 pages: nothing wakes the thread
        CHECK(checkpointer.runs() == 0);
        const std::int64_t before = rows_in_file(dir);
        CHECK(before < 200);
        write_pages(writer->get(), 900);
        REQUIRE(wait_until([&] { return checkpointer.runs() >= 1; }, 10s));
        CHECK(rows_in_file(dir) == 1100);  // every committed row, copied beside the writer
        WalCheckpointer::detach(writer->get());
    }
    // Given back (the checkpointer gone): the commit that takes the log past 1000 pages
    // copies it before it returns, as SQLite's own autocheckpoint does.
    write_pages(writer->get(), 1100);
    CHECK(rows_in_file(dir) == 2200);
}
