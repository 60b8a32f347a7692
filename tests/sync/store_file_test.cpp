// A store is made only where no file exists. An empty, foreign or other kind of file is
// refused with what IT should do, and left exactly as it was: never a new device id, never
// an empty hub log, whichever program opens it.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <thread>

#include <sqlite3.h>

#include "client/sync_engine.hpp"
#include "hub/hub_store.hpp"
#include "hub/staff_store.hpp"
#include "store/store.hpp"
#include "store/store_file.hpp"
#include "support/child_process.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;
namespace fs = std::filesystem;

namespace {

void raw_sql(const fs::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    const int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    REQUIRE(code == SQLITE_OK);
}

std::optional<StoreError> open_device_store(const fs::path& file) {
    StoreOptions options;
    options.path = file;
    auto store = Store::open(options);
    if (!store) return store.error();
    return std::nullopt;
}

std::optional<StoreError> open_hub_log(const fs::path& file) {
    auto store = hub::HubStore::open(file);
    if (!store) return store.error();
    return std::nullopt;
}

std::optional<StoreError> open_staff_list(const fs::path& file) {
    auto store = hub::StaffStore::open(file);
    if (!store) return store.error();
    return std::nullopt;
}

struct Opener {
    std::string name;
    const StoreFileKind* kind;
    std::function<std::optional<StoreError>(const fs::path&)> open;
};

const std::vector<Opener>& openers() {
    static const std::vector<Opener> list = {
        {"device store", &device_store_kind(), open_device_store},
        {"hub.db", &hub_log_kind(), open_hub_log},
        {"staff.db", &hub_staff_kind(), open_staff_list},
    };
    return list;
}

// A file that must be refused, and words the refusal must use.
struct BadFile {
    std::string name;
    std::function<void(const fs::path&)> make;
    std::string says;
};

std::vector<BadFile> bad_files_for(const Opener& opener) {
    std::vector<BadFile> files = {
        {"an empty file", [](const fs::path& f) { std::ofstream{f}; }, "empty (0 bytes)"},
        {"random bytes",
         [](const fs::path& f) {
             std::ofstream out(f, std::ios::binary);
             for (int i = 0; i < 8192; ++i) out.put(static_cast<char>((i * 7919 + 13) & 0xff));
         },
         "not a SQLite database"},
        {"a few bytes", [](const fs::path& f) { std::ofstream(f) << "kiosk\n"; }, "not a SQLite database"},
        {"another program's SQLite file",
         [](const fs::path& f) { raw_sql(f, "CREATE TABLE notes (text); INSERT INTO notes VALUES ('x')"); },
         "another program"},
        {"a SQLite file with another program's application id",
         [](const fs::path& f) { raw_sql(f, "PRAGMA application_id = 12345; CREATE TABLE tickets (x)"); },
         "application id 12345"},
        {"a SQLite file without tables", [](const fs::path& f) { raw_sql(f, "PRAGMA user_version = 7"); },
         "without any tables"},
        {"a folder", [](const fs::path& f) { fs::create_directory(f); }, "not a regular file"},
    };
    for (const Opener& other : openers()) {
        if (other.kind == opener.kind) continue;
        files.push_back({"a " + other.name + " file", [&other](const fs::path& f) { REQUIRE_FALSE(other.open(f)); },
                         "this is a " + std::string(other.kind->name)});
    }
    return files;
}

std::string contents(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::set<std::string> names_in(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
    return names;
}

using Ran = RanCommand;
Ran run(const std::string& command) { return run_command(command); }

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

}  // namespace

TEST_CASE("every opener refuses every kind of file that is not its own, and leaves it as it was") {
    for (const Opener& opener : openers()) {
        for (const BadFile& bad : bad_files_for(opener)) {
            CAPTURE(opener.name);
            CAPTURE(bad.name);
            TempDir dir;
            const fs::path file = dir / "store.db";
            bad.make(file);
            const std::string before = fs::is_regular_file(file) ? contents(file) : "";
            const auto names_before = names_in(dir.path());

            const auto error = opener.open(file);
            REQUIRE(error.has_value());
            CHECK(error->kind == StoreErrorKind::not_a_store);
            CHECK(error->detail.find(file.string()) != std::string::npos);
            CHECK(error->detail.find(bad.says) != std::string::npos);
            CHECK(error->detail.find("backup") != std::string::npos);
            CHECK(error->detail.find(std::string(opener.kind->name)) != std::string::npos);
            // Refused means untouched: the same bytes, no journal or WAL beside it.
            if (fs::is_regular_file(file)) CHECK(contents(file) == before);
            CHECK(names_in(dir.path()) == names_before);
            // And refused again the next time: nothing was half-repaired.
            const auto again = opener.open(file);
            REQUIRE(again.has_value());
            CHECK(again->kind == StoreErrorKind::not_a_store);
        }
    }
}

TEST_CASE("a lost store's refusal says what starting afresh costs") {
    TempDir dir;
    { std::ofstream{dir / "kiosk.db"}; }
    const auto kiosk = open_device_store(dir / "kiosk.db");
    REQUIRE(kiosk);
    CHECK(kiosk->detail.find("ticket numbers start again at 001") != std::string::npos);
    CHECK(kiosk->detail.find("new device id") != std::string::npos);
    { std::ofstream{dir / "hub.db"}; }
    const auto hub = open_hub_log(dir / "hub.db");
    REQUIRE(hub);
    CHECK(hub->detail.find("enrolled again") != std::string::npos);
}

TEST_CASE("a new file of each kind is made complete, marked with its kind, with nothing left beside it") {
    for (const Opener& opener : openers()) {
        CAPTURE(opener.name);
        TempDir dir;
        const fs::path file = dir / "sub" / "store.db";
        REQUIRE_FALSE(opener.open(file));
        CHECK(query_int(file, "PRAGMA application_id") == opener.kind->application_id);
        CHECK(query_texts(file, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
        for (const auto& name : names_in(dir / "sub")) CHECK(name.find(".creating-") == std::string::npos);
        REQUIRE_FALSE(opener.open(file));  // and opens again as itself
    }
}

TEST_CASE("a file of an older Skranke, without an application id, is recognised by its tables and marked") {
    for (const Opener& opener : openers()) {
        CAPTURE(opener.name);
        TempDir dir;
        const fs::path file = dir / "store.db";
        REQUIRE_FALSE(opener.open(file));
        raw_sql(file, "PRAGMA application_id = 0");
        REQUIRE(query_int(file, "PRAGMA application_id") == 0);
        const auto error = opener.open(file);
        CHECK_MESSAGE(!error, (error ? error->detail : ""));
        CHECK(query_int(file, "PRAGMA application_id") == opener.kind->application_id);
    }
}

TEST_CASE("a device store keeps its device id and numbering; only a missing file is a first start") {
    TempDir dir;
    StoreOptions options;
    options.path = dir / "kiosk.db";
    std::string device_id;
    {
        auto store = Store::open(options);
        REQUIRE(store.ok());
        device_id = (*store)->device_id();
        REQUIRE((*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms()).ok());
    }
    auto store = Store::open(options);
    REQUIRE(store.ok());
    CHECK((*store)->device_id() == device_id);
    auto second = (*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms());
    REQUIRE(second.ok());
    CHECK(second->number.sequence == 2);

    StoreOptions no_create;
    no_create.path = dir / "missing.db";
    no_create.create_if_missing = false;
    auto missing = Store::open(no_create);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().detail.find("does not exist") != std::string::npos);
    CHECK_FALSE(fs::exists(no_create.path));
}

TEST_CASE("processes starting at once on a missing store share one store and one device id") {
    TempDir dir;
    const fs::path file = dir / "kiosk.db";
    constexpr int starters = 6;
    std::vector<std::string> ids(starters);
    std::vector<std::string> errors(starters);
    std::vector<std::thread> threads;
    for (int i = 0; i < starters; ++i) {
        threads.emplace_back([&, i] {
            StoreOptions options;
            options.path = file;
            auto store = Store::open(options);
            if (store) ids[static_cast<std::size_t>(i)] = (*store)->device_id();
            else errors[static_cast<std::size_t>(i)] = store.error().detail;
        });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < starters; ++i) {
        CAPTURE(errors[static_cast<std::size_t>(i)]);
        CHECK(ids[static_cast<std::size_t>(i)] == ids[0]);
    }
    CHECK_FALSE(ids[0].empty());
    CHECK(query_int(file, "SELECT count(*) FROM meta WHERE key = 'device_id'") == 1);
    for (const auto& name : names_in(dir.path())) CHECK(name.find(".creating-") == std::string::npos);
}

TEST_CASE("what a killed first start left beside the store is removed by the next one") {
    TempDir dir;
    const fs::path file = dir / "kiosk.db";
    // pid_max is at most 2^22, so this creator is certainly gone.
    const fs::path abandoned = dir / "kiosk.db.creating-99999999-1";
    { std::ofstream(abandoned) << "half a store"; }
    { std::ofstream(abandoned.string() + "-journal") << "its journal"; }
    // A creator that is alive (init) and just started is left alone.
    const fs::path busy = dir / "kiosk.db.creating-1-1";
    { std::ofstream(busy) << "being built"; }
    REQUIRE_FALSE(open_device_store(file));
    CHECK_FALSE(fs::exists(abandoned));
    CHECK_FALSE(fs::exists(abandoned.string() + "-journal"));
    CHECK(fs::exists(busy));
}

TEST_CASE("skranke-cli refuses every bad store file with a clear error and issues no ticket") {
    TempDir dir;
    for (const BadFile& bad : bad_files_for(openers()[0])) {
        CAPTURE(bad.name);
        const fs::path file = dir / ("bad-" + std::to_string(names_in(dir.path()).size()) + ".db");
        bad.make(file);
        const std::string before = fs::is_regular_file(file) ? contents(file) : "";
        for (const std::string command : {"issue other", "check", "today"}) {
            CAPTURE(command);
            const Ran ran = run(std::string(SKRANKE_CLI) + " --store " + quoted(file) + " " + command);
            CHECK(ran.status == 1);
            CHECK(ran.output.find("store error (not_a_store)") != std::string::npos);
            CHECK(ran.output.find(bad.says) != std::string::npos);
            CHECK(ran.output.find("Ticket") == std::string::npos);
        }
        if (fs::is_regular_file(file)) CHECK(contents(file) == before);
    }
    // A check never makes a store; issuing on a missing file is the first start.
    const Ran check = run(std::string(SKRANKE_CLI) + " --store " + quoted(dir / "new.db") + " check");
    CHECK(check.status == 1);
    CHECK_FALSE(fs::exists(dir / "new.db"));
    const Ran first = run(std::string(SKRANKE_CLI) + " --store " + quoted(dir / "new.db") + " issue other");
    CHECK(first.status == 0);
    CHECK(first.output.find("Ticket A 001") != std::string::npos);
}

TEST_CASE("skranke-sync status and run, and the sync engine, never make a store where there is none") {
    TempDir dir;
    const fs::path missing = dir / "kiosk.db";
    for (const std::string command : {"status", "run"}) {
        CAPTURE(command);
        const Ran ran = run(std::string(SKRANKE_SYNC_TOOL) + " --store " + quoted(missing) + " " + command);
        CHECK(ran.status == 1);
        CHECK(ran.output.find("does not exist") != std::string::npos);
        CHECK(names_in(dir.path()).empty());
    }
    StoreOptions options;
    options.path = missing;
    sync::SyncOptions settings;
    settings.connection.hub_url = "http://127.0.0.1:9";
    settings.connection.token = "t";
    const auto engine = sync::SyncEngine::start(options, settings);
    REQUIRE_FALSE(engine.ok());
    CHECK(engine.error().find("does not exist") != std::string::npos);
    CHECK(names_in(dir.path()).empty());
}

TEST_CASE("skranke-hub refuses a bad hub.db or staff.db at every command and at start") {
    for (const char* file_name : {"hub.db", "staff.db"}) {
        const Opener& opener = std::string(file_name) == "hub.db" ? openers()[1] : openers()[2];
        for (const BadFile& bad : bad_files_for(opener)) {
            CAPTURE(file_name);
            CAPTURE(bad.name);
            TempDir dir;
            bad.make(dir / file_name);
            const std::string before = fs::is_regular_file(dir / file_name) ? contents(dir / file_name) : "";
            const std::string hub = std::string(SKRANKE_HUB) + " --data " + quoted(dir.path()) + " ";
            const std::string command = std::string(file_name) == "hub.db" ? "enrol-code" : "staff-list";
            for (const std::string& args : {command, std::string("--port 0")}) {
                CAPTURE(args);
                const Ran ran = run(hub + args);
                CHECK(ran.status == 1);
                CHECK(ran.output.find(bad.says) != std::string::npos);
                CHECK(ran.output.find("listening") == std::string::npos);
            }
            if (fs::is_regular_file(dir / file_name)) CHECK(contents(dir / file_name) == before);
        }
    }
}

#ifdef SKRANKE_GUI_PROGRAM
TEST_CASE("the reception console and the display refuse a bad store before they start") {
    TempDir dir;
    { std::ofstream{dir / "empty.db"}; }
    raw_sql(dir / "foreign.db", "CREATE TABLE notes (text)");
    for (const char* role : {"reception", "display"}) {
        for (const char* name : {"empty.db", "foreign.db"}) {
            CAPTURE(role);
            CAPTURE(name);
            const Ran ran = run(std::string(SKRANKE_GUI_PROGRAM) + " --role " + role + " --store " + quoted(dir / name));
            CHECK(ran.status == 1);
            CHECK(ran.output.find("cannot open the store") != std::string::npos);
            CHECK(ran.output.find("Skranke does not start a new Skranke device store") != std::string::npos);
        }
    }
    CHECK(fs::file_size(dir / "empty.db") == 0);
}
#endif
