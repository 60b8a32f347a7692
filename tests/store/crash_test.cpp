// Crash safety: a process issuing tickets is killed with SIGKILL at random moments; every
// ticket it reported (shown) survives, nothing is duplicated, the outbox matches.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "store/store.hpp"
#include "support/child_process.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

TEST_CASE("tickets shown before a power cut survive 60 random SIGKILLs") {
    TempDir dir;
    const auto db = dir / "kiosk.db";
    std::map<std::string, std::string> reported;  // event id -> number
    const std::vector<std::string> args = {db.string(), (asset_dir() / "services.toml").string(), plain_request().need_id};
    const KillCampaign campaign = kill_while_working(CRASH_CHILD, args, 60, 30, 180, 20261125, [&](const std::string& line) {
        const auto tab = line.find('\t');
        REQUIRE(tab != std::string::npos);
        const std::string number = line.substr(0, tab);
        const std::string event_id = line.substr(tab + 1);
        CHECK_MESSAGE(reported.emplace(event_id, number).second, "event id reported twice: " << event_id);
    });
    CHECK_MESSAGE(campaign.ended_early == 0, "the child ended on its own instead of being killed");
    CHECK(campaign.landed == 60);
    MESSAGE(reported.size() << " tickets reported across 60 kills");
    REQUIRE(reported.size() > 60);

    CHECK(query_texts(db, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    for (const auto& [event_id, number] : reported) {
        const auto stored = query_texts(db, "SELECT letter || ' ' || printf('%03d', sequence) FROM tickets "
                                            "WHERE event_id = '" + event_id + "'");
        REQUIRE_MESSAGE(stored.size() == 1, "reported ticket missing: " << event_id);
        CHECK(stored.front() == number);
    }
    const auto tickets = query_int(db, "SELECT count(*) FROM tickets");
    CHECK(tickets >= static_cast<std::int64_t>(reported.size()));
    CHECK(query_int(db, "SELECT count(DISTINCT service_day || letter || sequence) FROM tickets") == tickets);
    CHECK(query_int(db, "SELECT count(*) FROM outbox") == tickets);
    CHECK(query_int(db, "SELECT count(*) FROM tickets t JOIN outbox o USING (event_id)") == tickets);
    // Numbers of one day have no gaps: the counter moves in the ticket's own transaction.
    CHECK(query_int(db, "SELECT count(*) FROM (SELECT service_day, max(sequence) - count(*) AS gap FROM "
                        "tickets GROUP BY service_day) WHERE gap != 0") == 0);
}

TEST_CASE("a first start killed at any moment leaves no store or a whole one, never one refused for ever") {
    TempDir dir;
    std::mt19937 random(20261202);
    std::uniform_int_distribution<int> run_ms(100, 700);  // a first start takes tens of ms
    std::size_t reported = 0;
    int cut_short = 0;  // kills that landed inside a first start (its temporary file was left)
    for (int round = 0; round < 30; ++round) {
        CAPTURE(round);
        const auto folder = dir / ("round-" + std::to_string(round));
        std::filesystem::create_directory(folder);
        const KilledRun r = run_and_kill(CRASH_CHILD, {"--create", folder.string()}, std::chrono::milliseconds(run_ms(random)));
        REQUIRE_MESSAGE(r.killed, "child ended on its own with status " << r.status);
        std::map<std::string, std::string> device_of;  // file -> the device id it reported
        std::istringstream lines(r.output);
        std::string line;
        while (std::getline(lines, line) && !lines.eof()) device_of[line.substr(0, line.find('\t'))] = line.substr(line.find('\t') + 1);
        reported += device_of.size();
        std::set<std::string> cut_stores;  // first starts the kill cut short (their temporary file stayed)
        for (const auto& entry : std::filesystem::directory_iterator(folder)) {
            const std::string name = entry.path().filename().string();
            if (const auto at = name.find(".creating-"); at != std::string::npos) {
                cut_stores.insert(name.substr(0, at));
                continue;
            }
            if (name.size() < 3 || name.substr(name.size() - 3) != ".db") continue;  // -wal, -shm
            CAPTURE(name);
            StoreOptions options;
            options.path = entry.path();
            options.create_if_missing = false;
            auto store = Store::open(options);
            REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error().detail));
            if (device_of.count(name) != 0) CHECK((*store)->device_id() == device_of[name]);
        }
        cut_short += cut_stores.empty() ? 0 : 1;
        // Starting again clears what the killed first start left behind.
        for (const std::string& name : cut_stores) {
            StoreOptions again;
            again.path = folder / name;
            REQUIRE(Store::open(again).ok());
        }
        for (const auto& entry : std::filesystem::directory_iterator(folder))
            CHECK(entry.path().filename().string().find(".creating-") == std::string::npos);
    }
    MESSAGE(reported << " stores made, " << cut_short << " of 30 kills inside a first start");
    CHECK(reported > 30);
    CHECK(cut_short > 0);
}
