// End to end: the real skranke binary on a virtual X server (Xvfb, Mesa llvmpipe), tapped
// with xdotool like a finger on a touch screen. The program's --screenshot-dir hook saves
// a PNG of every new screen (read back from the GL framebuffer) and state.json with where
// each button is, so the test taps buttons by name and waits on conditions, not on time.
// Run by CTest through xvfb-run; set SKRANKE_SCREENSHOTS_TO=<dir> to keep the PNGs
// (that is how docs/screenshots/ is made, see README).
#include <doctest/doctest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <thread>

#include <stb_image.h>  // implementation comes from libstb.so
#include <nlohmann/json.hpp>

#include "client/saved_hub.hpp"
#include "domain/office_time.hpp"
#include "store/sync_store.hpp"
#include "printer/escpos.hpp"
#include "support/fake_printer.hpp"
#include "support/hub_fixture.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

class KioskProcess {
public:
    // open: whether the office is open all week or closed all week; store: the store file
    // (default: one in dir); idle_seconds: time before "Do you need more time?";
    // retry_seconds: how often a store or hub link that could not start is tried again.
    // extra_config: more of kiosk.toml (a [printer] section).
    KioskProcess(const fs::path& dir, bool open, std::string store = {}, int idle_seconds = 60,
                 int retry_seconds = 30, const std::string& extra_config = {})
        : dir_(dir), shots_(dir / "shots") {
        fs::create_directories(shots_);
        if (store.empty()) store = (dir / "kiosk.db").string();
        std::ofstream config(dir / "kiosk.toml");
        config << "[timing]\nidle_seconds = " << idle_seconds << "\nretry_seconds = " << retry_seconds
               << "\n[opening_hours]\n";
        for (const char* day : {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
            config << day << " = \"" << (open ? "00:00-24:00" : "closed") << "\"\n";
        config << "closed_days = []\n" << extra_config;
        config.close();
        std::vector<std::string> args = {SKRANKE_BIN,    "--config", (dir / "kiosk.toml").string(),
                                         "--store",      store,      "--screenshot-dir",
                                         shots_.string()};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        // Mesa and libX11 keep allocations until exit that LeakSanitizer would report as
        // leaks; the kiosk's own code is leak-checked by the headless ui_tests.
        std::vector<std::string> env_strings = {"ASAN_OPTIONS=detect_leaks=0"};
        for (char** e = environ; *e; ++e)
            if (std::string(*e).rfind("ASAN_OPTIONS=", 0) != 0) env_strings.emplace_back(*e);
        std::vector<char*> envp;
        for (auto& e : env_strings) envp.push_back(e.data());
        envp.push_back(nullptr);
        REQUIRE(posix_spawn(&pid_, SKRANKE_BIN, nullptr, nullptr, argv.data(), envp.data()) == 0);
    }
    ~KioskProcess() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
    }
    KioskProcess(const KioskProcess&) = delete;
    KioskProcess& operator=(const KioskProcess&) = delete;

    bool alive() {
        if (pid_ <= 0) return false;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        return true;
    }

    std::optional<nlohmann::json> state() const {
        std::ifstream in(shots_ / "state.json");
        if (!in) return std::nullopt;
        try {
            return nlohmann::json::parse(in);
        } catch (const nlohmann::json::exception&) {
            return std::nullopt;
        }
    }

    // Polls state.json until pred holds, the program dies, or the deadline passes.
    template <typename Pred>
    std::optional<nlohmann::json> wait_for(Pred pred, std::chrono::seconds limit = std::chrono::seconds(90)) {
        const auto deadline = Clock::now() + limit;
        for (int round = 0; round < 100000 && Clock::now() < deadline; ++round) {
            if (auto s = state(); s && pred(*s)) return s;
            if (!alive()) return std::nullopt;
            std::this_thread::sleep_until(Clock::now() + std::chrono::milliseconds(40));
        }
        return std::nullopt;
    }

    std::optional<nlohmann::json> wait_for_page(const std::string& page) {
        return wait_for([&](const nlohmann::json& s) { return s["page"] == page && s["png"] != ""; });
    }

    static std::optional<std::pair<int, int>> where(const nlohmann::json& state, const std::string& key,
                                                    const std::string& value) {
        for (const auto& t : state["targets"])
            if (t[key] == value)
                return std::pair{static_cast<int>(t["x"].get<double>()), static_cast<int>(t["y"].get<double>())};
        return std::nullopt;
    }

    // Taps a point and waits until the program has handled it.
    bool tap_at(std::pair<int, int> point) {
        const auto before = state();
        const long taps = before ? (*before)["taps"].get<long>() : 0;
        const std::string command =
            "xdotool mousemove " + std::to_string(point.first) + " " + std::to_string(point.second) + " click 1";
        if (std::system(command.c_str()) != 0) return false;
        return wait_for([&](const nlohmann::json& s) { return s["taps"].get<long>() > taps; }).has_value();
    }

    bool tap(const nlohmann::json& state, const std::string& id) {
        const auto point = where(state, "id", id);
        return point && tap_at(*point);
    }

    // Taps a target that may lie past a scrolling list's edge (eleven languages do not all fit
    // on the start screen): as a visitor would, by the band that shows more, until the whole
    // target is in view. A target is whole when it is as tall as the tallest of its kind.
    bool scroll_and_tap(const std::string& id) {
        const std::string kind = id.substr(0, id.rfind('.') + 1);
        for (int bands = 0; bands < 20; ++bands) {  // bounded: a longer list is a fault
            const auto s = state();
            if (!s) return false;
            double height = 0, tallest = 0;
            bool more = false;
            for (const auto& t : (*s)["targets"]) {
                const std::string tid = t["id"];
                if (tid == id) height = t["h"].get<double>();
                if (tid.rfind(kind, 0) == 0) tallest = std::max(tallest, t["h"].get<double>());
                more = more || tid == "scroll.more_below";
            }
            if (height > 0 && height >= tallest - 1) return tap(*s, id);
            if (!more || !tap(*s, "scroll.more_below")) return false;
        }
        return false;
    }

    const fs::path& shots() const { return shots_; }
    const fs::path& dir() const { return dir_; }

private:
    fs::path dir_, shots_;
    pid_t pid_ = -1;
};

// Not blank: several colours, and no single colour covers almost everything.
bool looks_drawn(const fs::path& png) {
    int w = 0, h = 0, channels = 0;
    unsigned char* pixels = stbi_load(png.c_str(), &w, &h, &channels, 3);
    if (!pixels) return false;
    std::set<unsigned int> colours;
    std::size_t same_as_first = 0;
    const std::size_t n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
    for (std::size_t i = 0; i < n; i += 7) {
        const unsigned int c = (unsigned(pixels[3 * i]) << 16) | (unsigned(pixels[3 * i + 1]) << 8) | pixels[3 * i + 2];
        if (colours.size() < 64) colours.insert(c);
        if (c == ((unsigned(pixels[0]) << 16) | (unsigned(pixels[1]) << 8) | pixels[2])) ++same_as_first;
    }
    stbi_image_free(pixels);
    return colours.size() >= 8 && same_as_first < n / 7 * 98 / 100;
}

// Every screen has a PNG, none of them is blank; keeps them when asked.
void check_screenshots(const KioskProcess& kiosk, std::size_t expected, const std::string& prefix) {
    std::vector<fs::path> pngs;
    for (const auto& entry : fs::directory_iterator(kiosk.shots()))
        if (entry.path().extension() == ".png") pngs.push_back(entry.path());
    std::sort(pngs.begin(), pngs.end());
    CHECK(pngs.size() >= expected);
    for (const auto& png : pngs) {
        CAPTURE(png.string());
        CHECK(looks_drawn(png));
    }
    if (const char* keep = std::getenv("SKRANKE_SCREENSHOTS_TO"); keep && !pngs.empty()) {
        int w = 0, h = 0, channels = 0;
        REQUIRE(stbi_info(pngs.front().c_str(), &w, &h, &channels));
        const std::string orientation = w < h ? "portrait-" : "landscape-";
        fs::create_directories(keep);
        for (const auto& png : pngs)
            fs::copy_file(png, fs::path(keep) / (orientation + prefix + png.filename().string()),
                          fs::copy_options::overwrite_existing);
    }
}

// The X window's size as xdotool sees it, "1080x1920"; empty if not found.
std::string window_geometry() {
    FILE* pipe = popen("xdotool search --name '^Skranke$' getwindowgeometry 2>/dev/null", "r");
    if (!pipe) return {};
    std::string out;
    char buffer[256];
    while (fgets(buffer, sizeof buffer, pipe)) out += buffer;
    pclose(pipe);
    const auto at = out.find("Geometry: ");
    if (at == std::string::npos) return {};
    return out.substr(at + 10, out.find('\n', at) - at - 10);
}

std::string screen_geometry() {
    FILE* pipe = popen("xdotool getdisplaygeometry 2>/dev/null", "r");
    if (!pipe) return {};
    int w = 0, h = 0;
    const int got = fscanf(pipe, "%d %d", &w, &h);
    pclose(pipe);
    return got == 2 ? std::to_string(w) + "x" + std::to_string(h) : std::string{};
}

// From the questions page to the ticket: children yes/no, no interpreter, "Ola" (or "ola")
// typed on the on-screen keyboard by key labels, then "Get ticket". The ticket page's state.
nlohmann::json answer_and_get_ticket(KioskProcess& kiosk, const nlohmann::json& questions, bool children,
                                     bool capital) {
    REQUIRE(kiosk.tap(questions, children ? "children.yes" : "children.no"));
    REQUIRE(kiosk.tap(questions, "interpreter.no"));
    REQUIRE(kiosk.tap(questions, "nav.next"));
    auto s = kiosk.wait_for_page("details");
    REQUIRE(s);
    const auto details = *s;
    if (capital) REQUIRE(kiosk.tap(details, "key.shift"));
    for (const char* letter : {"o", "l", "a"}) {
        const auto point = KioskProcess::where(details, "label", letter);
        REQUIRE(point);
        REQUIRE(kiosk.tap_at(*point));
    }
    REQUIRE(kiosk.tap(details, "nav.next"));
    REQUIRE((s = kiosk.wait_for_page("confirm")));
    REQUIRE(kiosk.tap(*s, "confirm.get_ticket"));
    // "ticket", or "ticket-unprinted" when a printer could not print it.
    s = kiosk.wait_for([](const nlohmann::json& state) {
        return state["page"].get<std::string>().rfind("ticket", 0) == 0 && state["png"] != "";
    });
    REQUIRE(s);
    return *s;
}

// From the start page: Norwegian, no appointment, rent, no children, no interpreter, "ola".
void walk_in_ticket(KioskProcess& kiosk, const nlohmann::json& start) {
    REQUIRE(kiosk.tap(start, "language.nb"));
    auto s = kiosk.wait_for_page("appointment_question");
    REQUIRE(s);
    REQUIRE(kiosk.tap(*s, "appointment.no"));
    REQUIRE((s = kiosk.wait_for_page("need")));
    REQUIRE(kiosk.tap(*s, "need.social_rent"));
    REQUIRE((s = kiosk.wait_for_page("questions")));
    answer_and_get_ticket(kiosk, *s, false, false);
}

// From the start page to the details in language, then text typed by the keys' labels (for
// a syllable keyboard, a consonant and then one of its forms: ids "key.form.N"), then a
// ticket; the text is stored as typed. Each key is looked for once the screen shows it.
struct Key {
    std::string label;
    bool form = false;
};
void type_in(KioskProcess& kiosk, const std::string& language, const std::vector<Key>& keys,
             const std::string& expected) {
    auto s = kiosk.wait_for_page("start");
    REQUIRE(s);
    REQUIRE(kiosk.scroll_and_tap("language." + language));
    REQUIRE((s = kiosk.wait_for_page("appointment_question")));
    REQUIRE(kiosk.tap(*s, "appointment.no"));
    REQUIRE((s = kiosk.wait_for_page("need")));  // its screenshot goes into docs/screenshots
    REQUIRE(kiosk.tap(*s, "need.social_rent"));
    REQUIRE((s = kiosk.wait_for_page("questions")));
    REQUIRE(kiosk.tap(*s, "children.no"));
    REQUIRE(kiosk.tap(*s, "interpreter.no"));
    REQUIRE(kiosk.tap(*s, "nav.next"));
    REQUIRE((s = kiosk.wait_for_page("details")));
    for (const Key& key : keys) {
        CAPTURE(key.label);
        std::optional<std::pair<int, int>> point;
        REQUIRE(kiosk.wait_for([&](const nlohmann::json& state) {
            for (const auto& t : state["targets"]) {
                const std::string id = t["id"];
                if (t["label"] == key.label && id.rfind("key.", 0) == 0 && (id.rfind("key.form.", 0) == 0) == key.form) {
                    point = std::pair{static_cast<int>(t["x"].get<double>()), static_cast<int>(t["y"].get<double>())};
                    return true;
                }
            }
            return false;
        }, std::chrono::seconds(20)));
        REQUIRE(kiosk.tap_at(*point));
    }
    REQUIRE((s = kiosk.state()));
    REQUIRE(kiosk.tap(*s, "nav.next"));
    REQUIRE((s = kiosk.wait_for_page("confirm")));
    REQUIRE(kiosk.tap(*s, "confirm.get_ticket"));
    REQUIRE(kiosk.wait_for([](const nlohmann::json& state) {
        return state["page"].get<std::string>().rfind("ticket", 0) == 0 && state["png"] != "";
    }));
    CHECK(skranke::test::query_int(kiosk.dir() / "kiosk.db",
                                   "SELECT count(*) FROM tickets WHERE description = '" + expected + "'") == 1);
}

}  // namespace

TEST_CASE("the real kiosk under Xvfb: taps through to a stored ticket, with a drawn PNG of every screen") {
    REQUIRE(std::getenv("DISPLAY") != nullptr);
    skranke::test::TempDir dir;
    KioskProcess kiosk(dir.path(), true);

    auto s = kiosk.wait_for_page("start");
    REQUIRE(s);
    // Kiosk mode: the window covers the whole screen, undecorated, with the pointer hidden.
    CHECK(window_geometry() == screen_geometry());
    CHECK((*s)["window"]["cursor_hidden"] == true);
    CHECK((*s)["window"]["decorated"] == false);
    CHECK_FALSE(screen_geometry().empty());
    REQUIRE(kiosk.tap(*s, "language.nb"));
    REQUIRE((s = kiosk.wait_for_page("appointment_question")));
    REQUIRE(kiosk.tap(*s, "appointment.no"));
    REQUIRE((s = kiosk.wait_for_page("need")));
    REQUIRE(kiosk.tap(*s, "bar.language"));  // the language picker, open over any screen
    REQUIRE((s = kiosk.wait_for_page("need-languages")));
    REQUIRE(kiosk.tap(*s, "menu.language.nb"));
    REQUIRE((s = kiosk.wait_for_page("need")));
    REQUIRE(kiosk.tap(*s, "need.emergency_food"));
    REQUIRE((s = kiosk.wait_for_page("questions")));
    answer_and_get_ticket(kiosk, *s, true, true);

    // The ticket is in the store the program wrote.
    const fs::path db = dir.path() / "kiosk.db";
    CHECK(skranke::test::query_int(db, "SELECT count(*) FROM tickets") == 1);
    CHECK(skranke::test::query_int(db,
                                   "SELECT count(*) FROM tickets WHERE need_id = 'emergency_food' AND urgent = 1 "
                                   "AND children_affected = 1 AND description = 'Ola'") == 1);

    check_screenshots(kiosk, 9, "walk-in-");
}

TEST_CASE("the real kiosk in Arabic, right to left, and in Tigrinya, two taps a syllable: typed, stored, shown") {
    REQUIRE(std::getenv("DISPLAY") != nullptr);
    {
        skranke::test::TempDir dir;
        KioskProcess kiosk(dir.path(), true);
        // seen lam alef meem, "salaam": joined on the screen.
        type_in(kiosk, "ar", {{"\u0633"}, {"\u0644"}, {"\u0627"}, {"\u0645"}}, "\u0633\u0644\u0627\u0645");
        check_screenshots(kiosk, 6, "arabic-");
    }
    {
        skranke::test::TempDir dir;
        KioskProcess kiosk(dir.path(), true);
        // ሰ, then ላ from ለ and ም from መ: "selam".
        type_in(kiosk, "ti", {{"ሰ"}, {"ሰ", true}, {"ለ"}, {"ላ", true}, {"መ"}, {"ም", true}}, "ሰላም");
        check_screenshots(kiosk, 6, "tigrinya-");
    }
}

TEST_CASE("the real kiosk with a paper-ticket printer: prints the ticket, and asks to write the number down when the paper is out") {
    REQUIRE(std::getenv("DISPLAY") != nullptr);
    skranke::test::TempDir dir;
    skranke::test::FakePrinter printer;
    KioskProcess kiosk(dir.path(), true, {}, 60, 30,
                       "[printer]\nconnection = \"network\"\naddress = \"" + printer.address() + "\"\n");
    auto s = kiosk.wait_for_page("start");
    REQUIRE(s);
    walk_in_ticket(kiosk, *s);
    REQUIRE(printer.wait_for_jobs(1, std::chrono::seconds(60)));
    const auto printed = skranke::printer::raster_of(printer.jobs().front().bytes);
    REQUIRE(printed);
    CHECK(printed->width == skranke::printer::paper_dots);
    CHECK(printed->height > 500);  // about 9 cm: a Norwegian ticket has no part for staff
    REQUIRE((s = kiosk.wait_for_page("ticket")));

    // The roll runs out: the next visitor's ticket is stored but not printed, and the screen
    // asks to write the number down.
    printer.set_answers(skranke::test::printer_paper_out);
    REQUIRE(kiosk.tap(*s, "ticket.done"));
    REQUIRE((s = kiosk.wait_for_page("start")));
    walk_in_ticket(kiosk, *s);
    REQUIRE(kiosk.wait_for_page("ticket-unprinted"));
    CHECK(skranke::test::query_int(dir.path() / "kiosk.db", "SELECT count(*) FROM tickets") == 2);
    CHECK(printer.jobs().size() == 1);
}

TEST_CASE("the real kiosk when the office is closed: says so and takes a callback request") {
    REQUIRE(std::getenv("DISPLAY") != nullptr);
    skranke::test::TempDir dir;
    KioskProcess kiosk(dir.path(), false);
    auto s = kiosk.wait_for_page("start");
    REQUIRE(s);
    // This visit uses high contrast and larger text, so the screenshots show both.
    REQUIRE(kiosk.tap(*s, "bar.contrast"));
    REQUIRE((s = kiosk.state()));
    REQUIRE(kiosk.tap(*s, "bar.text_size"));
    REQUIRE((s = kiosk.state()));
    REQUIRE(kiosk.tap(*s, "language.en"));
    REQUIRE((s = kiosk.wait_for_page("closed")));
    REQUIRE(kiosk.tap(*s, "closed.callback"));
    REQUIRE((s = kiosk.wait_for_page("callback_need")));
    REQUIRE(kiosk.tap(*s, "need.social_rent"));
    REQUIRE((s = kiosk.wait_for_page("callback_phone")));
    const auto phone = *s;
    for (const char* digit : {"9", "1", "2", "3", "4", "5", "6", "7"})
        REQUIRE(kiosk.tap(phone, std::string("key.") + digit));
    REQUIRE(kiosk.tap(phone, "nav.next"));
    REQUIRE((s = kiosk.wait_for_page("callback_confirm")));
    REQUIRE(kiosk.tap(*s, "callback.send"));
    REQUIRE((s = kiosk.wait_for_page("callback_done")));
    const fs::path db = dir.path() / "kiosk.db";
    CHECK(skranke::test::query_int(db,
                                   "SELECT count(*) FROM tickets WHERE channel = 'callback' AND "
                                   "need_id = 'social_rent' AND language = 'en' AND phone LIKE '%91234567'") == 1);
    check_screenshots(kiosk, 6, "closed-");
}

TEST_CASE("the real kiosk: appointment check-in with its time, and the idle warning") {
    REQUIRE(std::getenv("DISPLAY") != nullptr);
    skranke::test::TempDir dir;
    KioskProcess kiosk(dir.path(), true, {}, 10);
    auto s = kiosk.wait_for_page("start");
    REQUIRE(s);
    REQUIRE(kiosk.tap(*s, "language.nb"));
    REQUIRE((s = kiosk.wait_for_page("appointment_question")));
    REQUIRE(kiosk.tap(*s, "appointment.yes"));
    REQUIRE((s = kiosk.wait_for_page("appointment_time")));
    // The earliest time offered (an hour before now): the appointment is due at once.
    std::string earliest;
    for (const auto& t : (*s)["targets"]) {
        const std::string id = t["id"];
        if (earliest.empty() && id.rfind("appointment_time.", 0) == 0 && id != "appointment_time.unknown")
            earliest = id;
    }
    REQUIRE_FALSE(earliest.empty());
    REQUIRE(KioskProcess::where(*s, "id", "appointment_time.unknown").has_value());
    REQUIRE(kiosk.tap(*s, earliest));
    REQUIRE((s = kiosk.wait_for_page("appointment_details")));
    // Untouched for the configured 10 s: the warning comes by itself.
    REQUIRE((s = kiosk.wait_for_page("appointment_details-idle")));
    REQUIRE(kiosk.tap(*s, "idle.yes"));
    REQUIRE((s = kiosk.wait_for_page("appointment_details")));
    REQUIRE(kiosk.tap(*s, "nav.skip"));
    REQUIRE((s = kiosk.wait_for_page("confirm")));
    REQUIRE(kiosk.tap(*s, "confirm.get_ticket"));
    REQUIRE((s = kiosk.wait_for_page("ticket")));
    CHECK(skranke::test::query_int(dir.path() / "kiosk.db",
                                   "SELECT count(*) FROM tickets WHERE channel = 'appointment' AND "
                                   "appointment_ms IS NOT NULL AND appointment_ms <= created_ms") == 1);
    // Due, so nobody is ahead: the one sentence is "first in the queue", and one way to finish.
    CHECK(KioskProcess::where(*s, "id", "ticket.done").has_value());
    CHECK_FALSE(KioskProcess::where(*s, "id", "nav.start_over").has_value());
    check_screenshots(kiosk, 8, "appointment-");
}

TEST_CASE("the real kiosk: a long press turns the screen reader on, a touch only explores, a double tap chooses") {
    REQUIRE(std::getenv("DISPLAY") != nullptr);
    skranke::test::TempDir dir;
    KioskProcess kiosk(dir.path(), true);
    auto s = kiosk.wait_for_page("start");
    REQUIRE(s);
    const auto nb = KioskProcess::where(*s, "id", "language.nb");
    const auto en = KioskProcess::where(*s, "id", "language.en");
    REQUIRE((nb && en));
    // Runs a finger's xdotool commands, then gives the program time to act: the page after.
    const auto finger = [&](const std::pair<int, int>& p, const std::string& commands) -> std::string {
        const std::string command =
            "xdotool mousemove " + std::to_string(p.first) + " " + std::to_string(p.second) + " " + commands;
        if (std::system(command.c_str()) != 0) return "xdotool failed";
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        const auto after = kiosk.state();
        return after ? (*after)["page"].get<std::string>() : "no state";
    };
    // Held still for 3.6 s with no other event: the program's own timer notices the long press,
    // and the button under the finger does not fire.
    CHECK(finger(*nb, "mousedown 1 sleep 3.6 mouseup 1") == "start");
    // A tap is a touch now: it says the button and does not choose it.
    CHECK(finger(*en, "click 1") == "start");
    // Two quick taps anywhere choose what was touched last.
    REQUIRE(std::system("xdotool mousemove 540 6 click --repeat 2 --delay 120 1") == 0);
    REQUIRE((s = kiosk.wait_for_page("appointment_question")));
}

TEST_CASE("the real kiosk with a store that cannot open: runs, and sends visitors to reception") {
    REQUIRE(std::getenv("DISPLAY") != nullptr);
    skranke::test::TempDir dir;
    KioskProcess kiosk(dir.path(), true, "/proc/skranke-cannot-be-here/kiosk.db");
    auto s = kiosk.wait_for_page("start");
    REQUIRE(s);
    REQUIRE(kiosk.tap(*s, "language.nb"));
    REQUIRE((s = kiosk.wait_for_page("reception")));
    CHECK(KioskProcess::where(*s, "id", "reception.done").has_value());
    check_screenshots(kiosk, 2, "store-failure-");
}

TEST_CASE("the real kiosk enrolled with a hub: a tapped ticket reaches the hub once and the kiosk forgets the name") {
    REQUIRE(std::getenv("DISPLAY") != nullptr);
    skranke::test::HubFixture hub;
    skranke::test::TempDir dir;
    const fs::path db = dir.path() / "kiosk.db";
    {
        // What `skranke-sync enrol` does: trade a code for a token, keep it in the store.
        auto store = skranke::Store::open(skranke::test::kiosk_options(db, "", 'E'));
        REQUIRE(store.ok());
        const auto enrolled = hub.enrol(skranke::protocol::Role::kiosk, (*store)->device_id());
        skranke::SyncStore sync_store(**store);
        REQUIRE(skranke::sync::save_hub(sync_store, hub.connection(enrolled.token)).ok());
    }
    KioskProcess kiosk(dir.path(), true, db.string());
    auto s = kiosk.wait_for_page("start");
    REQUIRE(s);
    walk_in_ticket(kiosk, *s);

    const auto ids = skranke::test::query_texts(db, "SELECT event_id FROM tickets");
    REQUIRE(ids.size() == 1);
    // The kiosk's sync engine pushes at once; the hub stores the ticket exactly once, and
    // once acknowledged the kiosk keeps the number and need but not what the visitor typed.
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    bool delivered = false, forgotten = false;
    while (Clock::now() < deadline && !(delivered && forgotten)) {
        delivered = hub.copies_of(ids.front()) == 1;
        forgotten = skranke::test::query_int(db, "SELECT count(*) FROM tickets WHERE description = ''") == 1;
        if (!(delivered && forgotten)) std::this_thread::sleep_until(Clock::now() + std::chrono::milliseconds(50));
    }
    CHECK(delivered);
    CHECK(forgotten);
    CHECK(hub.event_count() == 1);
    CHECK(skranke::test::query_int(db, "SELECT count(*) FROM tickets WHERE need_id = 'social_rent'") == 1);
    CHECK(kiosk.alive());
}

TEST_CASE("the real kiosk tries again: a store that could not open, then enrolment while it runs, need no restart") {
    REQUIRE(std::getenv("DISPLAY") != nullptr);
    skranke::test::HubFixture hub;
    skranke::test::TempDir dir;
    // The store's folder cannot be made: a file stands where it should be.
    const fs::path blocker = dir.path() / "data";
    std::ofstream(blocker) << "not a folder\n";
    const fs::path db = blocker / "kiosk.db";
    KioskProcess kiosk(dir.path(), true, db.string(), 60, 1);
    auto s = kiosk.wait_for_page("start");
    REQUIRE(s);
    REQUIRE(kiosk.tap(*s, "language.nb"));
    REQUIRE((s = kiosk.wait_for_page("reception")));
    REQUIRE(kiosk.tap(*s, "reception.done"));
    REQUIRE((s = kiosk.wait_for_page("start")));

    // IT clears the way; the running kiosk makes its store on its next try.
    fs::remove(blocker);
    const auto made_by = Clock::now() + std::chrono::seconds(30);
    while (!fs::exists(db) && Clock::now() < made_by)
        std::this_thread::sleep_until(Clock::now() + std::chrono::milliseconds(50));
    REQUIRE(fs::exists(db));
    REQUIRE(kiosk.alive());

    // IT enrols the running kiosk with the real tool, as docs/hub.md says.
    auto code = hub.store().create_enrol_code(skranke::protocol::Role::kiosk, skranke::wall_clock_ms(), 60000);
    REQUIRE(code.ok());
    const std::string enrol = std::string(SKRANKE_SYNC_BIN) + " --store " + db.string() + " enrol --hub " + hub.url() +
                              " --code " + *code + " >/dev/null";
    REQUIRE(std::system(enrol.c_str()) == 0);

    walk_in_ticket(kiosk, *s);
    const auto ids = skranke::test::query_texts(db, "SELECT event_id FROM tickets");
    REQUIRE(ids.size() == 1);

    // Only the kiosk's own sync engine can bring the ticket to the hub: it started without a restart.
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (hub.copies_of(ids.front()) != 1 && Clock::now() < deadline)
        std::this_thread::sleep_until(Clock::now() + std::chrono::milliseconds(50));
    CHECK(hub.copies_of(ids.front()) == 1);
    CHECK(kiosk.alive());
}
