// Out of space is reported as a full disk wherever it strikes (opening, writing, syncing,
// truncating, checkpointing, a first start) on a kiosk's store and on the hub's, never as a
// generic I/O error that sends IT looking for a broken disk.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <sqlite3.h>

#include "domain/office_time.hpp"
#include "hub/hub_store.hpp"
#include "store/store.hpp"
#include "support/fault_vfs.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;
namespace fs = std::filesystem;

namespace {

struct Failure {
    std::string step;
    StoreError error;
};

StoreResult<std::unique_ptr<Store>> open_kiosk(const fs::path& file, const std::string& vfs) {
    StoreOptions options;
    options.path = file;
    options.vfs_name = vfs;
    return Store::open(options);
}

// A kiosk's first start, a ticket, a checkpoint, a restart, another ticket and checkpoint;
// the first step that fails, if any.
std::optional<Failure> kiosk_life(const fs::path& file) {
    const char* steps[] = {"first start", "open"};
    for (const char* start : steps) {
        auto store = open_kiosk(file, fault_vfs_name);
        if (!store) return Failure{start, store.error()};
        auto ticket = (*store)->issue_ticket(plain_request(), shipped_catalogue(), test_time_ms());
        if (!ticket) return Failure{"issue", ticket.error()};
        auto done = (*store)->checkpoint();
        if (!done) return Failure{"checkpoint", done.error()};
    }
    return std::nullopt;
}

std::optional<Failure> hub_push(hub::HubStore& store, std::int64_t first_seq) {
    std::vector<std::string> texts;
    for (std::int64_t seq = first_seq; seq < first_seq + 3; ++seq) texts.push_back(issued_event("kiosk-a", seq, wall_clock_ms()).dump());
    std::vector<hub::PushedEvent> events;
    for (const auto& text : texts) events.push_back(hub::pushed_event_of(nlohmann::json::parse(text), text));
    auto pushed = store.push(events, hub::Contact{wall_clock_ms(), std::nullopt, {}});
    if (!pushed) return Failure{"push", pushed.error()};
    return std::nullopt;
}

// The hub's first start, an enrolment, a push, retention, a restart and another push.
std::optional<Failure> hub_life(const fs::path& file) {
    {
        auto store = hub::HubStore::open(file, fault_vfs_name);
        if (!store) return Failure{"first start", store.error()};
        auto code = (*store)->create_enrol_code(protocol::Role::kiosk, wall_clock_ms(), 60000);
        if (!code) return Failure{"enrol code", code.error()};
        auto enrolled = (*store)->enrol(*code, "kiosk-a", wall_clock_ms());
        if (!enrolled) return Failure{"enrol", enrolled.error()};
        if (auto failed = hub_push(**store, 1)) return failed;
        auto removed = (*store)->remove_personal_before(wall_clock_ms() + 1);
        if (!removed) return Failure{"retention", removed.error()};
    }
    auto store = hub::HubStore::open(file, fault_vfs_name);
    if (!store) return Failure{"open", store.error()};
    return hub_push(**store, 4);
}

struct Fault {
    FaultOp op;
    int sqlite_code;
    const char* name;
};

// What a full disk looks like to SQLite at each kind of call (as the unix VFS reports it).
const std::vector<Fault>& full_disk_faults() {
    static const std::vector<Fault> faults = {
        {FaultOp::open, SQLITE_CANTOPEN, "open"},
        {FaultOp::write, SQLITE_FULL, "write (SQLITE_FULL)"},
        {FaultOp::write, SQLITE_IOERR_WRITE, "write (I/O error)"},
        {FaultOp::sync, SQLITE_IOERR_FSYNC, "sync"},
        {FaultOp::truncate, SQLITE_IOERR_TRUNCATE, "truncate"},
        {FaultOp::shm, SQLITE_IOERR_SHMSIZE, "shared memory"},
    };
    return faults;
}

// Fails the nth such call from there on, for every n the life reaches; every failure
// must be of the expected kind, and what is left on disk is a store or nothing at all.
std::set<std::string> sweep(const Fault& fault, int system_errno, StoreErrorKind expected,
                            const std::function<std::optional<Failure>(const fs::path&)>& life,
                            const std::function<bool(const fs::path&)>& opens_clean) {
    register_fault_vfs();
    std::set<std::string> failed_steps;
    for (int nth = 1; nth < 400; ++nth) {
        const std::string fault_name = fault.name;
        CAPTURE(fault_name);
        CAPTURE(nth);
        TempDir dir;
        const fs::path file = dir / "store.db";
        arm_fault(fault.op, nth, fault.sqlite_code, true, system_errno);
        const auto failure = life(file);
        const bool fired = fault_fired();
        disarm_fault();
        if (failure) {
            CAPTURE(failure->step);
            CAPTURE(failure->error.detail);
            failed_steps.insert(failure->step);
            CHECK(failure->error.kind == expected);
            if (expected == StoreErrorKind::disk_full)
                CHECK(failure->error.detail.find("the disk is full") != std::string::npos);
        }
        // Never a half-made store that is refused for ever after.
        if (fs::exists(file)) CHECK(opens_clean(file));
        if (!fired) break;
    }
    return failed_steps;
}

bool kiosk_opens(const fs::path& file) { return open_kiosk(file, "").ok(); }
bool hub_opens(const fs::path& file) { return hub::HubStore::open(file).ok(); }

}  // namespace

TEST_CASE("a full disk is disk_full at every open, write, sync, truncate and checkpoint of a kiosk store") {
    std::map<std::string, std::set<std::string>> steps;
    for (const Fault& fault : full_disk_faults()) {
        steps[fault.name] = sweep(fault, ENOSPC, StoreErrorKind::disk_full, kiosk_life, kiosk_opens);
        CHECK_MESSAGE(!steps[fault.name].empty(), fault.name << " never failed a step");
    }
    // Each moment IT meets a full disk: starting, restarting, issuing and checkpointing.
    for (const char* step : {"first start", "open", "issue", "checkpoint"}) {
        bool seen = false;
        for (const auto& [name, failed] : steps) seen = seen || failed.count(step) != 0;
        CHECK_MESSAGE(seen, "no fault reached " << step);
    }
    CHECK(steps["open"].count("open") == 1);
    CHECK(steps["shared memory"].count("open") == 1);
    CHECK(steps["truncate"].count("checkpoint") == 1);
    CHECK(steps["sync"].count("issue") == 1);
}

TEST_CASE("a full disk is disk_full at every open, write, sync and truncate of the hub store") {
    std::map<std::string, std::set<std::string>> steps;
    for (const Fault& fault : full_disk_faults()) {
        steps[fault.name] = sweep(fault, ENOSPC, StoreErrorKind::disk_full, hub_life, hub_opens);
        if (fault.op != FaultOp::truncate) CHECK_MESSAGE(!steps[fault.name].empty(), fault.name << " never failed a step");
    }
    for (const char* step : {"first start", "open", "enrol", "push"}) {
        bool seen = false;
        for (const auto& [name, failed] : steps) seen = seen || failed.count(step) != 0;
        CHECK_MESSAGE(seen, "no fault reached " << step);
    }
}

TEST_CASE("a quota that is used up is a full disk too") {
    CHECK_FALSE(sweep({FaultOp::sync, SQLITE_IOERR_FSYNC, "sync"}, EDQUOT, StoreErrorKind::disk_full, kiosk_life, kiosk_opens).empty());
}

TEST_CASE("an I/O error that is not about space stays an I/O error") {
    for (const Fault& fault : full_disk_faults()) {
        if (fault.sqlite_code == SQLITE_FULL) continue;
        CHECK_FALSE(sweep(fault, EIO, StoreErrorKind::io, kiosk_life, kiosk_opens).empty());
    }
}

TEST_CASE("on a really full disk skranke-cli and skranke-hub say the disk is full and leave no empty store") {
    // A small tmpfs in a private mount namespace: the real programs on a real full disk.
    if (std::system("unshare -Urm true >/dev/null 2>&1") != 0) {
        MESSAGE("skipped: this machine does not allow unprivileged mount namespaces");
        return;
    }
    TempDir dir;
    fs::create_directory(dir / "disk");
    const std::string cli = std::string(SKRANKE_CLI), hub = std::string(SKRANKE_HUB);
    {
        std::ofstream script(dir / "full.sh");
        script << "set -u\nmount -t tmpfs -o size=1m tmpfs \"$1\" || exit 90\ncd \"$1\"\n"
               << "step() { name=$1; shift; echo \"== $name\"; \"$@\" 2>&1; echo \"== status $?\"; }\n"
               << "step first " << cli << " --store k.db issue other\n"
               << "step hub-first " << hub << " enrol-code --data hub\n"
               << "dd if=/dev/zero of=filler bs=4k 2>/dev/null\n"
               << "step issue " << cli << " --store k.db issue other\n"
               << "step check " << cli << " --store k.db check\n"
               << "step new " << cli << " --store new.db issue other\n"
               << "step hub " << hub << " enrol-code --data hub\n"
               << "step hub-new " << hub << " enrol-code --data hub2\n"
               << "echo \"== files\"; ls -A . hub hub2\n";
    }
    FILE* pipe = popen(("timeout 120 unshare -Urm sh '" + (dir / "full.sh").string() + "' '" +
                        (dir / "disk").string() + "' 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    const int status = pclose(pipe);
    CAPTURE(output);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) != 90);
    // Splits the output into each step's lines.
    std::map<std::string, std::string> said;
    std::string current;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("== ", 0) == 0 && line.rfind("== status", 0) != 0) current = line.substr(3);
        else said[current] += line + "\n";
    }
    CHECK(said["first"].find("Ticket A 001") != std::string::npos);
    CHECK(said["hub-first"].find("== status 0") != std::string::npos);
    for (const char* step : {"issue", "check", "new", "hub", "hub-new"}) {
        CAPTURE(step);
        CHECK(said[step].find("the disk is full") != std::string::npos);
        CHECK(said[step].find("== status 1") != std::string::npos);
    }
    CHECK(said["issue"].find("store error (disk_full)") != std::string::npos);
    // The first starts that failed left no file to be refused later.
    CHECK(said["files"].find("new.db") == std::string::npos);
    CHECK(said["files"].find("hub.db") != std::string::npos);
    CHECK(said["files"].find("creating") == std::string::npos);
}
