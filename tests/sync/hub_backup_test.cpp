// skranke-hub backup and restore, with the real binary. Backups taken while a kiosk's sync
// engine pushes hold every event acknowledged before they began, and a hub restored from one
// serves each with the same hub_seq and lets staff sign in; the pushes are not held up.
// Restore refuses while a hub runs on the folder, over a newer log without --force, and for
// anything that is not a whole backup, leaving the folder's bytes as they were; a backup
// never replaces a file that is not a backup. The nightly rotation keeps the newest N and
// touches no other file. Every wait is bounded; no sleeps.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "client/hub_client.hpp"
#include "client/staff_client.hpp"
#include "client/sync_engine.hpp"
#include "domain/office_time.hpp"
#include "support/hub_fixture.hpp"
#include "support/hub_process.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> json_header = {"Content-Type: application/json"};
constexpr int seeded_events = 12000;

sync::Connection enrol_with(const HubProcess& hub, const std::string& code, const std::string& device_id) {
    sync::Connection connection;
    connection.hub_url = hub.url();
    connection.request_timeout_ms = 10000;
    auto enrolled = sync::enrol_device(connection, code, device_id);
    REQUIRE_MESSAGE(enrolled.ok(), (enrolled.ok() ? "" : enrolled.error()));
    connection.token = enrolled->token;
    return connection;
}

sync::HttpReply call(const sync::Connection& connection, const std::string& method, const std::string& path,
                     const std::string& body = "") {
    sync::HttpCall http;
    http.prepare(connection, method, path, body, body.empty() ? std::vector<std::string>{} : json_header);
    return http.perform();
}

// Every entry the hub serves a device after a cursor: event id to hub_seq, page by page.
std::map<std::string, std::int64_t> served_log(const sync::Connection& device, std::int64_t after = 0) {
    std::map<std::string, std::int64_t> served;
    std::int64_t cursor = after;
    for (int page = 0; page < 1000; ++page) {
        const auto reply = call(device, "GET", "/v1/events?after=" + std::to_string(cursor) + "&limit=1000");
        REQUIRE(reply.status == 200);
        const auto body = nlohmann::json::parse(reply.body);
        if (body.at("events").empty()) break;
        for (const auto& entry : body.at("events"))
            served[entry.at("event").at("event_id").get<std::string>()] = entry.at("hub_seq").get<std::int64_t>();
        cursor = body.at("cursor").get<std::int64_t>();
    }
    return served;
}

std::int64_t health_last_seq(const HubProcess& hub) {
    sync::Connection anyone;
    anyone.hub_url = hub.url();
    const auto reply = call(anyone, "GET", "/v1/health");
    REQUIRE(reply.status == 200);
    return nlohmann::json::parse(reply.body).at("last_seq").get<std::int64_t>();
}

// What `skranke-hub backup` printed: "wrote PATH (hub_seq N, B bytes)".
struct Wrote {
    fs::path file;
    std::int64_t hub_seq = -1;
};
Wrote wrote_line(const std::string& output) {
    static const std::regex line(R"(wrote (\S+) \(hub_seq (\d+), \d+ bytes\))");
    std::smatch match;
    REQUIRE_MESSAGE(std::regex_search(output, match, line), output);
    return {match[1].str(), std::stoll(match[2].str())};
}

Wrote backup(const std::string& args, const fs::path& data) {
    const auto result = run_hub_command("backup " + args, data);
    REQUIRE_MESSAGE(result.status == 0, result.output);
    return wrote_line(result.output);
}

std::string bytes_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

void write_bytes(const fs::path& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary) << bytes;
}

// Every file in the folder with its bytes: what "nothing changed" is compared on.
std::map<std::string, std::string> folder_bytes(const fs::path& folder) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::directory_iterator(folder)) files[entry.path().filename().string()] = bytes_of(entry.path());
    return files;
}

std::set<std::string> names_in(const fs::path& folder) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder)) names.insert(entry.path().filename().string());
    return names;
}

// A running hub (the real binary) holding a staff member and a kiosk's first events.
struct Office {
    TempDir dir;
    fs::path data = dir / "hub";
    HubProcess hub{data};
    sync::Connection kiosk;

    explicit Office(int events) {
        hub.start();
        REQUIRE(run_hub_command("staff-add --id kari --name Kari", data, "246813\\n").status == 0);
        kiosk = enrol_with(hub, hub.enrol_code("kiosk"), "kiosk-a");
        push(1, events);
    }
    void push(int first, int last) {
        std::vector<nlohmann::json> events;
        for (int seq = first; seq <= last; ++seq) events.push_back(issued_event("kiosk-a", seq, wall_clock_ms()));
        REQUIRE(call(kiosk, "POST", "/v1/events", batch(events)).status == 200);
    }
};

}  // namespace

TEST_CASE("backups taken while a kiosk pushes hold every event acknowledged before they began, with the same hub_seq") {
    TempDir dir;
    const fs::path data = dir / "hub";
    HubProcess hub(data);
    hub.start();
    REQUIRE(run_hub_command("staff-add --id kari --name Kari", data, "246813\\n").status == 0);
    const auto kiosk = enrol_with(hub, hub.enrol_code("kiosk"), "kiosk-a");
    const auto desk = enrol_with(hub, hub.enrol_code("reception"), "desk-1");
    // A log of some megabytes first, so that each copy takes several steps of the backup API
    // while the kiosk's pushes come in between them.
    const auto earlier = enrol_with(hub, hub.enrol_code("kiosk"), "kiosk-s");
    for (int first = 1; first <= seeded_events; first += static_cast<int>(protocol::max_batch_events)) {
        std::vector<nlohmann::json> events;
        for (int seq = first; seq < first + static_cast<int>(protocol::max_batch_events); ++seq)
            events.push_back(issued_event("kiosk-s", seq, wall_clock_ms(), false, 'S'));
        REQUIRE(call(earlier, "POST", "/v1/events", batch(events)).status == 200);
    }
    REQUIRE(query_int(data / "hub.db", "PRAGMA page_count") > 2 * 1024);  // over two steps of 1024 pages

    // The kiosk issues tickets without pause while its engine pushes them.
    const auto kiosk_store = kiosk_options(dir / "kiosk.db", "kiosk-a", 'A');
    std::vector<std::string> issued = issue_named_tickets(kiosk_store, 5);
    auto started = sync::SyncEngine::start(kiosk_store, engine_options(kiosk, /*pull=*/false));
    REQUIRE_MESSAGE(started.ok(), (started.ok() ? "" : started.error()));
    auto engine = std::move(started.value());
    std::atomic<bool> stop{false};
    std::string issue_error;  // read after the thread is joined
    std::thread issuer([&] {
        try {
            while (!stop) {
                issued.push_back(issue_named_tickets(kiosk_store, 1).front());
                engine->notify_local_event();
            }
        } catch (const std::exception& e) {
            issue_error = e.what();
        }
    });
    struct JoinIssuer {
        std::atomic<bool>& stop;
        std::thread& thread;
        ~JoinIssuer() {
            stop = true;
            if (thread.joinable()) thread.join();
        }
    } join_issuer{stop, issuer};

    const fs::path backups = dir / "backups";
    fs::create_directories(backups);
    struct Taken {
        Wrote wrote;
        std::map<std::string, std::int64_t> acknowledged;  // event id: hub_seq, before the backup began
    };
    std::vector<Taken> taken;
    std::int64_t acked_count = 0;
    std::int64_t stored_while_copying = 0;
    for (int round = 0; round < 3; ++round) {
        // Each backup begins after more pushes were acknowledged, so no two are alike.
        const auto acked = [&] { return query_int(dir / "kiosk.db", "SELECT count(*) FROM outbox WHERE acked_ms IS NOT NULL"); };
        REQUIRE(wait_until([&] { return acked() >= acked_count + 5; }, 30s));
        acked_count = acked();
        Taken t;
        const auto acked_ids = query_texts(dir / "kiosk.db", "SELECT event_id FROM outbox WHERE acked_ms IS NOT NULL");
        std::map<std::string, std::int64_t> at_hub;
        for (const auto& row : query_texts(data / "hub.db", "SELECT event_id || ' ' || hub_seq FROM events")) {
            const auto space = row.find(' ');
            at_hub[row.substr(0, space)] = std::stoll(row.substr(space + 1));
        }
        for (const auto& id : acked_ids) {
            REQUIRE(at_hub.count(id) == 1);  // acknowledged means stored
            t.acknowledged[id] = at_hub[id];
        }
        const std::int64_t began = wall_clock_ms();
        t.wrote = backup("'" + (backups / ("round-" + std::to_string(round) + ".skranke-backup")).string() + "'", data);
        std::int64_t highest = 0;
        for (const auto& [id, seq] : t.acknowledged) highest = std::max(highest, seq);
        CHECK(t.wrote.hub_seq >= highest);
        stored_while_copying += query_int(data / "hub.db", "SELECT count(*) FROM events WHERE received_ms BETWEEN " +
                                                               std::to_string(began) + " AND " + std::to_string(wall_clock_ms()));
        taken.push_back(std::move(t));
    }
    CHECK(stored_while_copying > 0);  // the hub stored pushes while backups ran
    // Only the three backups are left in their folder: no temporary file.
    CHECK(names_in(backups) == std::set<std::string>{"round-0.skranke-backup", "round-1.skranke-backup",
                                                     "round-2.skranke-backup"});

    // The pushes went on past the backups, and everything issued reaches the hub, each once.
    CHECK(wait_until([&] { return health_last_seq(hub) > taken.back().wrote.hub_seq + 5; }, 30s));
    stop = true;
    issuer.join();
    CHECK(issue_error.empty());
    // The hub itself says when the last one is in (the engine's status may still count the
    // outbox as it was before the issuer's last ticket).
    const std::string of_kiosk = " FROM events WHERE device_id = 'kiosk-a'";
    const auto at_hub = [&] { return query_int(data / "hub.db", "SELECT count(DISTINCT event_id)" + of_kiosk); };
    CHECK(wait_until([&] { return at_hub() == static_cast<std::int64_t>(issued.size()); }, 30s));
    CHECK(query_int(data / "hub.db", "SELECT count(*)" + of_kiosk) == static_cast<std::int64_t>(issued.size()));
    engine.reset();

    for (std::size_t i = 0; i < taken.size(); ++i) {
        CAPTURE(i);
        const fs::path restored = dir / ("restored-" + std::to_string(i));
        const auto result = run_hub_command("restore '" + taken[i].wrote.file.string() + "'", restored);
        REQUIRE_MESSAGE(result.status == 0, result.output);
        CHECK(names_in(restored) == std::set<std::string>{"hub.db", "hub.lock", "staff.db"});
        HubProcess again(restored);
        again.start();
        CHECK(health_last_seq(again) == taken[i].wrote.hub_seq);
        auto kiosk_there = kiosk;
        kiosk_there.hub_url = again.url();
        // The seeded log is there too (hub_seq has no gaps); the kiosk's part is read whole.
        const auto served = served_log(kiosk_there, seeded_events);
        CHECK(served.size() == static_cast<std::size_t>(taken[i].wrote.hub_seq - seeded_events));
        for (const auto& [id, seq] : taken[i].acknowledged) {
            CAPTURE(id);
            REQUIRE(served.count(id) == 1);
            CHECK(served.at(id) == seq);
        }
        auto desk_there = desk;
        desk_there.hub_url = again.url();
        const auto signed_in = sync::staff_sign_in(desk_there, "kari", "246813", "1");
        CHECK_MESSAGE(signed_in.ok(), (signed_in.ok() ? "" : signed_in.error().message));
        CHECK(again.stop() == 0);
    }
}

TEST_CASE("restore is refused while a hub runs on the folder, and over a newer log unless --force") {
    Office office(3);
    const Wrote old = backup("'" + (office.dir / "old.skranke-backup").string() + "'", office.data);
    CHECK(old.hub_seq == 3);
    // A backup replaces an older backup of its name, never another file (such as the log itself).
    CHECK(backup("'" + old.file.string() + "'", office.data).hub_seq == 3);
    const auto over_log = run_hub_command("backup '" + (office.data / "hub.db").string() + "'", office.data);
    CHECK(over_log.status == 1);
    CHECK(over_log.output.find("is not a Skranke backup") != std::string::npos);
    office.push(4, 5);

    const std::string restore_old = "restore '" + old.file.string() + "'";
    const auto while_running = run_hub_command(restore_old, office.data);
    CHECK(while_running.status == 1);
    CHECK(while_running.output.find("is running on") != std::string::npos);
    CHECK(while_running.output.find("Stop the hub first") != std::string::npos);
    HubProcess second(office.data);  // nor does a second hub start on the folder
    CHECK_THROWS(second.start());
    CHECK(health_last_seq(office.hub) == 5);

    REQUIRE(office.hub.stop() == 0);
    const auto before = folder_bytes(office.data);
    const auto newer = run_hub_command(restore_old, office.data);
    CHECK(newer.status == 1);
    CHECK(newer.output.find("newer than the backup") != std::string::npos);
    CHECK(newer.output.find("2 entries would be lost") != std::string::npos);
    CHECK(newer.output.find("--force") != std::string::npos);
    CHECK(folder_bytes(office.data) == before);

    const auto forced = run_hub_command(restore_old + " --force", office.data);
    REQUIRE_MESSAGE(forced.status == 0, forced.output);
    CHECK(forced.output.find("the log up to hub_seq 3") != std::string::npos);
    office.hub.start();
    CHECK(health_last_seq(office.hub) == 3);
    const auto served = served_log(office.kiosk);
    CHECK(served == std::map<std::string, std::int64_t>{{"kiosk-a:1", 1}, {"kiosk-a:2", 2}, {"kiosk-a:3", 3}});
}

TEST_CASE("a file that is not a whole, sound backup is refused and the data folder keeps its bytes") {
    Office office(4);
    const Wrote good = backup("'" + (office.dir / "good.skranke-backup").string() + "'", office.data);
    REQUIRE(office.hub.stop() == 0);
    const std::string whole = bytes_of(good.file);
    REQUIRE(whole.size() > 4096);

    std::string damaged = whole;
    damaged[1024 + 700] = static_cast<char>(damaged[1024 + 700] ^ 0x55);  // inside hub.db's pages
    std::string garbage;
    for (std::size_t i = 0; i < 5000; ++i) garbage += static_cast<char>((i * 7919 + 13) % 251);
    const std::map<std::string, std::string> refused = {
        {"garbage", garbage},
        {"empty", ""},
        {"text", "hub.db\nstaff.db\n"},
        {"header only", whole.substr(0, 512)},
        {"half", whole.substr(0, whole.size() / 2)},
        {"without its end", whole.substr(0, whole.size() - 1024)},
        {"one byte short", whole.substr(0, whole.size() - 1)},
        {"one byte changed", damaged},
    };
    // Another tar, as `tar cf` makes it: not a backup either.
    write_bytes(office.dir / "notes.txt", "not a backup\n");
    REQUIRE(std::system(("tar cf '" + (office.dir / "other.tar").string() + "' -C '" + office.dir.path().string() +
                         "' notes.txt").c_str()) == 0);

    const auto before = folder_bytes(office.data);
    std::vector<fs::path> files = {office.dir / "missing.skranke-backup", office.dir / "other.tar"};
    for (const auto& [name, bytes] : refused) {
        files.push_back(office.dir / (name + ".skranke-backup"));
        write_bytes(files.back(), bytes);
    }
    for (const auto& file : files) {
        CAPTURE(file);
        const auto result = run_hub_command("restore '" + file.string() + "'", office.data);
        CAPTURE(result.output);
        CHECK(result.status == 1);
        CHECK(result.output.find("nothing in " + office.data.string() + " was changed") != std::string::npos);
        CHECK(folder_bytes(office.data) == before);
    }
    // The good one still restores (the same log: not newer).
    const auto restored = run_hub_command("restore '" + good.file.string() + "'", office.data);
    CHECK_MESSAGE(restored.status == 0, restored.output);
}

TEST_CASE("backup --into DIR --keep 3 run five times keeps the three newest and leaves other files alone") {
    Office office(2);
    const fs::path backups = office.dir / "backups";
    fs::create_directories(backups);
    const std::map<std::string, std::string> foreign = {
        {"notes.txt", "IT's notes\n"},
        {"hub-manual.skranke-backup", "a backup IT named by hand\n"},
        {"hub-20200101T000000Z.skranke-backup.old", "set aside\n"},
    };
    for (const auto& [name, bytes] : foreign) write_bytes(backups / name, bytes);

    std::vector<std::string> written;
    for (int run = 0; run < 5; ++run) {
        const Wrote w = backup("--into '" + backups.string() + "' --keep 3", office.data);
        CHECK(w.file.parent_path() == backups);
        CHECK(std::regex_match(w.file.filename().string(),
                               std::regex(R"(hub-\d{8}T\d{6}Z(-\d+)?\.skranke-backup)")));
        written.push_back(w.file.filename().string());
        office.push(3 + run, 3 + run);  // each backup holds one entry more
    }
    std::set<std::string> expected = {written[2], written[3], written[4]};
    for (const auto& [name, bytes] : foreign) expected.insert(name);
    CHECK(names_in(backups) == expected);
    for (const auto& [name, bytes] : foreign) CHECK(bytes_of(backups / name) == bytes);
    // The newest kept is the last one written: it holds the log as it was then.
    REQUIRE(office.hub.stop() == 0);
    const auto restored = run_hub_command("restore '" + (backups / written[4]).string() + "'", office.dir / "check");
    REQUIRE_MESSAGE(restored.status == 0, restored.output);
    CHECK(restored.output.find("the log up to hub_seq 6") != std::string::npos);
}
