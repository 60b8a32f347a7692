// End to end under Xvfb: a real hub (in this process, on 127.0.0.1), kiosks issuing tickets,
// another counter at work, then the real skranke program as the reception console (three
// pages) and as the waiting-room display, each saving a screenshot once its data is shown.
// The PNGs go to docs/screenshots/ when asked (SKRANKE_SCREENSHOTS_TO), which the README shows.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <set>

#include <stb/stb_image.h>

#include "domain/events.hpp"
#include "domain/queue_order.hpp"
#include "domain/office_time.hpp"
#include "support/earlier_today.hpp"
#include "hub/staff_store.hpp"
#include "store/sync_store.hpp"
#include "support/hub_fixture.hpp"
#include "support/store_fixture.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using protocol::Role;

namespace {

// The PNGs go to $SKRANKE_SCREENSHOTS_TO when it is set (that is how docs/screenshots/ is
// made, see README); otherwise to a temporary folder, so a test run changes no tracked file.
std::filesystem::path shots_dir() {
    if (const char* keep = std::getenv("SKRANKE_SCREENSHOTS_TO"); keep != nullptr && *keep != '\0') return keep;
    static const TempDir temporary;
    return temporary.path();
}

// Starts skranke with args in the background; its pid.
pid_t start_skranke(const std::vector<std::string>& args, const std::string& pin = "") {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (!pin.empty()) setenv("SKRANKE_SIGN_IN_PIN", pin.c_str(), 1);
        // Mesa's software OpenGL and X11 leave allocations at exit that LeakSanitizer cannot
        // even name (unloaded modules); our own code's leaks are checked by the headless tests.
        setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        std::vector<char*> argv{const_cast<char*>(SKRANKE_BIN)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(SKRANKE_BIN, argv.data());
        _exit(127);
    }
    return pid;
}

// Runs skranke with args; its exit code, or -1 when it had to be killed after the deadline.
int run_skranke(const std::vector<std::string>& args, const std::string& pin = "") {
    const auto started = std::chrono::steady_clock::now();
    const pid_t pid = start_skranke(args, pin);
    int status = -1;
    const bool ended = wait_until([&] { return waitpid(pid, &status, WNOHANG) == pid; }, 120s, 50ms);
    if (!ended) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
    }
    MESSAGE(args[1] << " ran " << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count() << " ms");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// What a command (xdotool, ImageMagick's import) printed, trailing newline removed.
std::string command_output(const std::string& command) {
    std::string out;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[256];
        while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
        pclose(pipe);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

// A PNG's pixels (the file's bytes differ between identical screens: ImageMagick dates them).
std::string pixels_of(const std::filesystem::path& file) {
    int w = 0, h = 0, channels = 0;
    unsigned char* pixels = stbi_load(file.c_str(), &w, &h, &channels, 3);
    if (!pixels) return "";
    std::string out(reinterpret_cast<const char*>(pixels), static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    stbi_image_free(pixels);
    return out;
}

// A screenshot that shows something: the right size and many colours.
void check_png(const std::filesystem::path& file) {
    CAPTURE(file.string());
    int w = 0, h = 0, channels = 0;
    unsigned char* pixels = stbi_load(file.c_str(), &w, &h, &channels, 3);
    REQUIRE(pixels);
    CHECK(w == 1920);
    CHECK(h == 1080);
    std::set<unsigned int> colours;
    for (int i = 0; i < w * h && colours.size() < 50; i += 97)
        colours.insert(pixels[i * 3] << 16 | pixels[i * 3 + 1] << 8 | pixels[i * 3 + 2]);
    stbi_image_free(pixels);
    CHECK(colours.size() >= 8);
}

struct Engine {
    std::unique_ptr<Store> store;
    std::unique_ptr<sync::SyncEngine> engine;
};

Engine device(HubFixture& hub, const std::filesystem::path& file, const std::string& id, char letter, const std::string& token) {
    Engine e;
    const auto options = kiosk_options(file, id, letter);
    auto store = Store::open(options);
    REQUIRE(store.ok());
    e.store = std::move(*store);
    auto engine = sync::SyncEngine::start(options, engine_options(hub.connection(token)));
    REQUIRE(engine.ok());
    e.engine = std::move(*engine);
    return e;
}

}  // namespace

TEST_CASE("screenshots of the reception console and the waiting-room display, from the real program") {
    HubFixture hub;
    {
        auto staff = hub::StaffStore::open(hub.dir() / "hub" / "staff.db");
        REQUIRE(staff.ok());
        REQUIRE((*staff)->add({"kari", "Kari Nordvik", hub::StaffRole::reception}, "135790", wall_clock_ms()).ok());
    }
    const std::int64_t now = wall_clock_ms();
    // Two kiosks: a morning's tickets, some urgent, some with children or an interpreter.
    const auto kiosk_a = hub.enrol(Role::kiosk, "kiosk-a");
    const auto kiosk_b = hub.enrol(Role::kiosk, "kiosk-b");
    Engine a = device(hub, hub.dir() / "kiosk-a.db", "kiosk-a", 'A', kiosk_a.token);
    Engine b = device(hub, hub.dir() / "kiosk-b.db", "kiosk-b", 'B', kiosk_b.token);
    const std::vector<std::string> needs = {"social_rent", "unemployment_benefit", "emergency_food", "digital_help",
                                            "sickness_care_benefit", "financial_advice", "social_living_costs",
                                            "deliver_documents", "emergency_housing", "work_and_jobs", "other", "social_rent"};
    for (std::size_t i = 0; i < needs.size(); ++i) {
        TicketRequest r;
        r.need_id = needs[i];
        r.children_affected = i % 3 == 1;
        r.interpreter_wanted = i % 4 == 2;
        r.interpreter_language = r.interpreter_wanted ? "uk" : "";
        r.accessibility.wheelchair = i == 5;
        r.description = i % 2 == 0 ? "Har fått varsel om utkastelse og trenger hjelp med søknaden" : "";
        r.name = "Besøkende " + std::to_string(i);
        Store& store = i % 2 == 0 ? *a.store : *b.store;
        REQUIRE(store.issue_ticket(r, shipped_catalogue(), skranke::test::earlier_today(now, static_cast<std::int64_t>(needs.size() - i) * 7, 90)).ok());
    }
    for (int i = 0; i < 2; ++i) {
        TicketRequest r;
        r.need_id = i == 0 ? "social_living_costs" : "unemployment_benefit";
        r.channel = Channel::callback;
        r.phone = i == 0 ? "412 34 567" : "98 76 54 32";
        r.language = i == 0 ? "uk" : "nb";
        r.urgent = i == 1;  // listed first, marked
        REQUIRE(a.store->issue_ticket(r, shipped_catalogue(), skranke::test::earlier_today(now, 50, 90)).ok());
    }
    a.engine->notify_local_event();
    b.engine->notify_local_event();
    REQUIRE(wait_until([&] { return a.engine->status().outbox_depth == 0 && b.engine->status().outbox_depth == 0; }, 20s));

    // Another counter has served some and called one.
    const auto other = hub.enrol(Role::reception, "reception-b");
    Engine desk = device(hub, hub.dir() / "reception-b.db", "reception-b", 'A', other.token);
    REQUIRE(wait_until([&] { return desk.engine->status().cursor == hub.store().last_seq(); }, 20s));
    SyncStore desk_events(*desk.store);
    auto queue = desk_events.queue_state();
    REQUIRE(queue.ok());
    std::vector<std::string> ids;
    for (const auto& [id, t] : queue->tickets())
        if (t.ticket.request.channel != Channel::callback && !t.ticket.request.urgent) ids.push_back(id);
    REQUIRE(ids.size() >= 6);
    for (int i = 0; i < 5; ++i) {
        REQUIRE(desk_events.record_event(TicketCalled{ids[i], "1"}, now).ok());
        if (i < 4) REQUIRE(desk_events.record_event(i == 2 ? EventBody(TicketNoShow{ids[i], "1"})
                                                           : EventBody(TicketServed{ids[i], "1"}),
                                                    now).ok());
    }
    desk.engine->notify_local_event();
    REQUIRE(wait_until([&] { return desk.engine->status().outbox_depth == 0; }, 20s));

    // This console (counter 2) has a ticket at its desk.
    const auto console = hub.enrol(Role::reception, "reception-a");
    const auto console_file = hub.dir() / "reception-a.db";
    {
        auto store = Store::open(kiosk_options(console_file, "reception-a", 'A'));
        REQUIRE(store.ok());
        SyncStore own(**store);
        REQUIRE(own.record_event(TicketCalled{ids[5], "2"}, now, "kari").ok());
    }
    const auto shots = shots_dir();
    std::filesystem::create_directories(shots);
    const std::string assets = std::string(SKRANKE_SOURCE_DIR) + "/assets";
    const std::vector<std::string> common = {"--role", "reception", "--store", console_file.string(), "--hub", hub.url(),
                                             "--token", console.token, "--assets", assets, "--sign-in-as", "kari",
                                             "--counter", "2"};
    for (const std::string page : {"queue", "callbacks", "figures"}) {
        CAPTURE(page);
        auto args = common;
        const auto file = shots / ("console-" + page + ".png");
        std::filesystem::remove(file);
        for (const std::string& extra : std::vector<std::string>{"--page", page, "--screenshot", file.string()}) args.push_back(extra);
        REQUIRE(run_skranke(args, "135790") == 0);
        check_png(file);
    }

    const auto display = hub.enrol(Role::display, "display-a");
    const auto file = shots / "display.png";
    std::filesystem::remove(file);
    REQUIRE(run_skranke({"--role", "display", "--store", (hub.dir() / "display-a.db").string(), "--hub", hub.url(),
                         "--token", display.token, "--assets", assets, "--screenshot", file.string()}) == 0);
    check_png(file);
    // The display's own copy of the log holds no names: the hub strips them for displays.
    CHECK(query_int(hub.dir() / "display-a.db", "SELECT count(*) FROM merged_log WHERE body LIKE '%Besøkende%'") == 0);

    // F2 on the real program at counter 3: the call reaches the hub for the first ticket in call
    // order, and the screen after it is saved (the notice and the "at counter" panel name it).
    REQUIRE(wait_until([&] { return desk.engine->status().cursor == hub.store().last_seq(); }, 20s));
    auto known = desk_events.queue_state();
    REQUIRE(known.ok());
    std::vector<QueueEntry> walk_ins;
    for (const QueueEntry& e : known->waiting_entries())
        if (known->find(e.key)->ticket.request.channel != Channel::callback) walk_ins.push_back(e);
    const auto ordered = order_queue(walk_ins, wall_clock_ms());
    REQUIRE_FALSE(ordered.empty());
    const std::string first = ordered.front().key;
    const auto third = hub.enrol(Role::reception, "reception-c");
    const auto third_file = hub.dir() / "reception-c.db";
    REQUIRE(Store::open(kiosk_options(third_file, "reception-c", 'A')).ok());  // the store knows its device id
    const pid_t pid = start_skranke({"--role", "reception", "--store", third_file.string(), "--hub", hub.url(), "--token",
                                     third.token, "--assets", assets, "--sign-in-as", "kari", "--counter", "3"},
                                    "135790");
    // Ready: kari is signed in at this console, it holds the whole log, and its window is there.
    std::string window;
    const bool ready = wait_until([&] {
        if (window.empty()) window = command_output("xdotool search --name 'Skranke' 2>/dev/null | tail -n 1");
        return !window.empty() && std::filesystem::exists(third_file) &&
               query_int(hub.dir() / "hub" / "staff.db",
                         "SELECT count(*) FROM staff_sessions WHERE device_id = 'reception-c'") == 1 &&
               query_int(third_file, "SELECT coalesce(max(hub_seq), 0) FROM merged_log") == hub.store().last_seq();
    }, 60s, 100ms);
    const TempDir scratch;
    const auto before = scratch / "console-before-f2.png";
    const auto after = shots / "console-after-f2.png";
    const auto capture = [&](const std::filesystem::path& png) {
        return command_output("import -window root '" + png.string() + "' >/dev/null 2>&1; echo $?") == "0";
    };
    const std::string called_here = "SELECT count(*) FROM events WHERE device_id = 'reception-c' AND type = 'ticket.called'";
    bool called = false;
    if (ready) {
        command_output("xdotool windowfocus " + window + " 2>/dev/null");
        REQUIRE(capture(before));
        // Held down until the call is at the hub: GLFW sees a press and release in one wakeup
        // as no press at all. Pressed again (a few times) if the queue was not drawn yet.
        for (int attempt = 0; attempt < 5 && !called; ++attempt) {
            command_output("xdotool keydown F2");
            called = wait_until([&] { return query_int(hub.dir() / "hub" / "hub.db", called_here) == 1; }, 5s, 50ms);
            command_output("xdotool keyup F2");
        }
    }
    // The screen once it has settled after the call: changed, and the same twice running.
    std::string shown, last;
    const bool settled = called && wait_until([&] {
        if (!capture(after)) return false;
        last = shown;
        shown = pixels_of(after);
        return !shown.empty() && shown == last && shown != pixels_of(before);
    }, 15s, 300ms);
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(ready);
    REQUIRE(called);
    CHECK(settled);
    CHECK(query_texts(hub.dir() / "hub" / "hub.db",
                      "SELECT json_extract(body, '$.ticket_id') || ' ' || json_extract(body, '$.counter') FROM events"
                      " WHERE device_id = 'reception-c' AND type = 'ticket.called'") ==
          std::vector<std::string>{first + " 3"});
    check_png(after);
}
