// The waiting-room display: what it draws (numbers and counters, never a name, phone, need or
// description, checked on the ImGui draw lists), newest call first, the offline mark, and
// announcing each new call once.
#include <doctest/doctest.h>

#include <algorithm>

#include "display/display_screen.hpp"
#include "domain/events.hpp"
#include "roles/role_config.hpp"
#include "shell/bidi.hpp"
#include "shell/fonts.hpp"
#include "store/sync_store.hpp"
#include "support/headless_roles.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

struct DisplayWorld {
    TempDir dir;
    std::unique_ptr<Store> store;
    std::int64_t now_ms = test_time_ms();
    bool online = true;
    ui::RecordingSpeaker speaker;

    std::unique_ptr<QueueView> view;

    DisplayWorld() : store(open_test_store(dir / "display.db", "display-a")), view(open_test_view(dir / "display.db")) {}
    // A ticket with everything personal filled in, called to a counter.
    Ticket call(const std::string& name, const std::string& counter) {
        TicketRequest request = plain_request();
        request.name = name;
        request.phone = "91234567";
        request.description = "Trenger penger til depositum";
        request.children_affected = true;
        auto t = store->issue_ticket(request, shipped_catalogue(), now_ms);
        REQUIRE(t.ok());
        SyncStore sync_store(*store);
        REQUIRE(sync_store.record_event(TicketCalled{t->event_id, counter}, now_ms).ok());
        REQUIRE(view->update_now().ok());
        return *t;
    }
    display::DisplayServices services(display::Announcer* announcer = nullptr) {
        display::DisplayServices s;
        s.view = view.get();
        s.announcer = announcer;
        s.wall_clock_ms = [this] { return now_ms; };
        s.online = [this] { return online; };
        s.office_name = "NAV Grünerløkka";
        s.history = 7;
        return s;
    }
};

// A 1920x1080 TV of this diagonal, and the display's font sizes on it.
display::DisplayScreen tv(float diagonal_inches) { return {1920, 1080, diagonal_inches}; }
ui::RoleFontSizes tv_sizes(float diagonal_inches) {
    return display::display_font_sizes(tv(diagonal_inches), display::font_px_per_cap_px(ui::default_font_dirs()));
}

// The capital height on the TV of a font from the real atlas: its 'H' in px over the px per mm.
float cap_mm(const ImFont* font, const display::DisplayScreen& screen) {
    return screen.scale().mm(ui::cap_height_px(font));
}

// Every vertex of the last frame lies on the window (half a pixel of anti-aliasing allowed).
bool drawn_inside(float width, float height) {
    const ImDrawData* data = ImGui::GetDrawData();
    for (int n = 0; n < data->CmdListsCount; ++n)
        for (const ImDrawVert& v : data->CmdLists[n]->VtxBuffer)
            if (v.pos.x < -0.5f || v.pos.y < -0.5f || v.pos.x > width + 0.5f || v.pos.y > height + 0.5f) return false;
    return true;
}

// No letter of the last frame lies over a letter of another text: glyph quads are the
// vertices not at the atlas's white pixel, four each; neighbours in a word may touch, and
// joined letters may reach a little over the next but one.
bool letters_apart() {
    const ImDrawData* data = ImGui::GetDrawData();
    const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
    std::vector<ImVec4> quads;
    for (int n = 0; n < data->CmdListsCount; ++n) {
        const auto& vertices = data->CmdLists[n]->VtxBuffer;
        for (int i = 0; i + 3 < vertices.Size;) {
            if (vertices[i].uv.x == white.x && vertices[i].uv.y == white.y) {
                ++i;
                continue;
            }
            quads.emplace_back(vertices[i].pos.x, vertices[i].pos.y, vertices[i + 2].pos.x, vertices[i + 2].pos.y);
            i += 4;
        }
    }
    for (std::size_t a = 0; a < quads.size(); ++a)
        for (std::size_t b = a + 2; b < quads.size(); ++b) {
            const float w = std::min(quads[a].z, quads[b].z) - std::max(quads[a].x, quads[b].x);
            const float h = std::min(quads[a].w, quads[b].w) - std::max(quads[a].y, quads[b].y);
            // Joined Arabic letters reach a little over the next but one (a final yeh's tail).
            const bool close_in_word = b - a <= 3 && w < 0.15f * (quads[b].w - quads[b].y);
            if (w > 1 && h > 1 && !close_in_word) return false;
        }
    return !quads.empty();
}

std::string without_spaces(std::string s) {
    s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
    return s;
}

bool drew_anywhere(const HeadlessScreen& screen, const std::string& needle) {
    const std::string drawn = ui::has_rtl(needle) ? ui::visual_line(needle, true) : needle;
    for (const auto& text : screen.drawn_texts())
        if (without_spaces(text).find(without_spaces(drawn)) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("the display never draws a name, phone, need or description: only numbers and counters") {
    DisplayWorld world;
    std::vector<Ticket> called;
    for (int i = 0; i < 9; ++i) called.push_back(world.call(i % 2 ? "Kari Nordmann" : "Ола Петренко", std::to_string(1 + i % 3)));
    display::DisplayApp app(world.services());
    app.tick(1000);
    HeadlessScreen screen(1920, 1080, tv_sizes(40));
    screen.frame([&] { display::draw_display(app.state(), staff_translations(), screen.fonts()); });
    REQUIRE_FALSE(screen.drawn_texts().empty());

    // Newest very large, the seven before it below.
    REQUIRE(app.state().newest);
    CHECK(app.state().newest->number == called.back().number.text());
    CHECK(app.state().earlier.size() == 7);
    CHECK(drew_anywhere(screen, called.back().number.text()));
    CHECK(drew_anywhere(screen, called[2].number.text()));
    CHECK(drew_anywhere(screen, "Skranke 3"));
    CHECK(drew_anywhere(screen, "NAV Grünerløkka"));

    const std::string need_text = visitor_translations().text("nb", shipped_catalogue().find(plain_request().need_id)->text_key);
    for (const std::string& secret : {std::string("Kari"), std::string("Nordmann"), std::string("Петренко"),
                                      std::string("91234567"), std::string("depositum"), need_text}) {
        CAPTURE(secret);
        CHECK_FALSE(drew_anywhere(screen, secret));
    }
    // The view model has no place for them either: the store's tickets carry them.
    CHECK(query_int(world.dir / "display.db", "SELECT count(*) FROM tickets WHERE name = 'Kari Nordmann'") > 0);
}

TEST_CASE("the display keeps its last state offline, with a small offline mark") {
    DisplayWorld world;
    world.call("Kari Nordmann", "2");
    display::DisplayApp app(world.services());
    app.tick(1000);
    HeadlessScreen screen(1920, 1080, tv_sizes(40));
    screen.frame([&] { display::draw_display(app.state(), staff_translations(), screen.fonts()); });
    CHECK_FALSE(drew_anywhere(screen, "frakoblet"));
    world.online = false;
    app.tick(1002);
    screen.frame([&] { display::draw_display(app.state(), staff_translations(), screen.fonts()); });
    CHECK(drew_anywhere(screen, "frakoblet"));
    REQUIRE(app.state().newest);  // the last known call stays
}

TEST_CASE("the display remembers only today's calls") {
    DisplayWorld world;
    display::DisplayApp app(world.services());
    app.tick(1000);
    for (const char* counter : {"1", "2", "3"}) world.call("Kari", counter);
    app.tick(1001);
    CHECK(app.remembered_calls() == 3);
    world.now_ms += 24LL * 3600 * 1000;  // the next day: yesterday's calls are neither shown nor kept
    app.tick(1100);
    CHECK(app.remembered_calls() == 0);
    CHECK_FALSE(app.state().highlight);
    world.call("Ola", "4");
    app.tick(1101);
    CHECK(app.remembered_calls() == 1);
    CHECK(app.state().highlight);  // today's call is new
}

TEST_CASE("calls present when the display starts are shown, not announced; each new call is announced once") {
    DisplayWorld world;
    world.call("Kari Nordmann", "1");
    display::AnnouncementSettings settings;
    settings.languages = {"nb", "en"};
    display::Announcer announcer(world.speaker, staff_translations(), settings);
    display::DisplayApp app(world.services(&announcer));
    app.tick(1000);
    CHECK(announcer.pending() == 0);
    CHECK_FALSE(app.state().highlight);
    const Ticket fresh = world.call("Ola", "2");
    app.tick(1001);  // call() brought the queue view up to date
    CHECK(app.state().highlight);
    REQUIRE(world.speaker.said.size() == 1);  // the first step starts at once
    CHECK(announcer.pending() == 1);        // the second waits
    CHECK(world.speaker.said[0].text == "Nummer " + fresh.number.spoken_text() + ", skranke 2");
    app.tick(1002);
    app.tick(1003);
    CHECK(world.speaker.said.size() == 1);  // still speaking: nothing cut off
    world.speaker.active = false;
    app.tick(1004);
    REQUIRE(world.speaker.said.size() == 2);
    CHECK(world.speaker.said[1].voice == "en-gb");
    CHECK(world.speaker.said[1].text == "Number " + fresh.number.spoken_text() + ", counter 2");
    app.tick(1020);
    CHECK_FALSE(app.state().highlight);  // a few seconds later it is an ordinary call
}

TEST_CASE("the display says the waiting room is full at the office's capacity, counting only who waits inside") {
    DisplayWorld world;
    int capacity = 2;
    const auto wait = [&](Channel channel) {
        TicketRequest request = plain_request();
        request.channel = channel;
        request.name = "Kari Nordmann";
        request.phone = "91234567";
        auto t = world.store->issue_ticket(request, shipped_catalogue(), world.now_ms - 60000);
        REQUIRE(t.ok());
        REQUIRE(world.view->update_now().ok());
        return *t;
    };
    display::DisplayServices services = world.services();
    services.room_capacity = [&capacity] { return capacity; };
    display::DisplayApp app(services);
    HeadlessScreen screen(1920, 1080, tv_sizes(40));
    const auto drawn_full = [&](double now_s) {
        app.tick(now_s);
        screen.frame([&] { display::draw_display(app.state(), staff_translations(), screen.fonts()); });
        return drew_anywhere(screen, "Venterommet er fullt");
    };

    const Ticket first = wait(Channel::walk_in);
    wait(Channel::callback);  // staff phone these: nobody sits in the room for them
    CHECK_FALSE(drawn_full(1000));
    wait(Channel::walk_in);
    CHECK(drawn_full(1001));
    CHECK(app.state().room_full);
    CHECK_FALSE(drew_anywhere(screen, "Kari"));
    CHECK_FALSE(drew_anywhere(screen, "91234567"));

    // A ticket called to a counter has left the room.
    SyncStore sync_store(*world.store);
    REQUIRE(sync_store.record_event(TicketCalled{first.event_id, "2"}, world.now_ms).ok());
    REQUIRE(world.view->update_now().ok());
    CHECK_FALSE(drawn_full(1002));

    // The office's capacity changes with the same queue: taken in at once; 0 is no limit.
    capacity = 1;
    CHECK(drawn_full(1003));
    capacity = 0;
    CHECK_FALSE(drawn_full(1004));
}

TEST_CASE("on a 1920x1080 TV of 32, 40 and 55 inches the calls read at 5 m: capitals of 25 mm or more, the called "
          "number larger still, a bigger TV shows more earlier calls, nothing off the screen") {
    DisplayWorld world;
    std::vector<Ticket> called;
    for (int i = 0; i < 9; ++i) called.push_back(world.call("Kari", std::to_string(1 + i % 4)));
    display::DisplayServices services = world.services();
    services.history = 8;
    display::DisplayApp app(services);
    world.online = false;  // the offline mark too: the bar at its fullest
    app.tick(1000);
    REQUIRE(app.state().earlier.size() == 8);
    std::size_t shown_before = 0;
    for (const float inches : {32.0f, 40.0f, 55.0f}) {
        CAPTURE(inches);
        const display::DisplayScreen screen_size = tv(inches);
        HeadlessScreen screen(1920, 1080, tv_sizes(inches));
        const ui::RoleFonts& fonts = screen.fonts();
        MESSAGE(inches << "\": earlier calls and counters " << cap_mm(fonts.text, screen_size) << " mm, clock and numbers "
                       << cap_mm(fonts.heading, screen_size) << " mm, the newest call's counter "
                       << cap_mm(fonts.big, screen_size) << " mm, its number " << cap_mm(fonts.huge, screen_size) << " mm");
        CHECK(cap_mm(fonts.text, screen_size) >= display::min_secondary_cap_mm);
        CHECK(cap_mm(fonts.heading, screen_size) >= cap_mm(fonts.text, screen_size));
        CHECK(cap_mm(fonts.big, screen_size) >= display::min_secondary_cap_mm);
        CHECK(cap_mm(fonts.huge, screen_size) > cap_mm(fonts.big, screen_size));
        CHECK(cap_mm(fonts.huge, screen_size) <= display::max_number_cap_mm + 1);
        // The same mm whatever the TV: a bigger one has fewer px per mm, so no more px.
        CHECK(cap_mm(fonts.text, screen_size) < display::min_secondary_cap_mm * 1.1f);

        screen.frame([&] { display::draw_display(app.state(), staff_translations(), screen.fonts()); });
        CHECK(drawn_inside(1920, 1080));
        CHECK(letters_apart());
        CHECK(drew_anywhere(screen, called.back().number.text()));
        CHECK(drew_anywhere(screen, "frakoblet"));
        std::size_t shown = 0;
        for (std::size_t i = 0; i + 1 < called.size(); ++i) shown += drew_anywhere(screen, called[i].number.text()) ? 1 : 0;
        MESSAGE(inches << "\": " << shown << " earlier calls shown");
        CHECK(shown >= 3);
        CHECK(shown >= shown_before);
        shown_before = shown;
    }
    CHECK(shown_before == 8);  // 55": every one kept
}

TEST_CASE("a window too small for the mm sizes still holds the layout: smaller text, fewer earlier calls, nothing "
          "off the window") {
    DisplayWorld world;
    for (int i = 0; i < 9; ++i) world.call("Kari", "12");
    display::DisplayApp app(world.services());
    world.online = false;
    app.tick(1000);
    for (const ImVec2 window : {ImVec2(800, 450), ImVec2(640, 480), ImVec2(1280, 720), ImVec2(400, 300)}) {
        CAPTURE(window.x);
        const display::DisplayScreen screen_size{window.x, window.y, 40};
        const auto sizes = display::display_font_sizes(screen_size, display::font_px_per_cap_px(ui::default_font_dirs()));
        HeadlessScreen screen(window.x, window.y, sizes);
        CHECK(screen.fonts().huge->FontSize > screen.fonts().text->FontSize);
        screen.frame([&] { display::draw_display(app.state(), staff_translations(), screen.fonts()); });
        CHECK(drawn_inside(window.x, window.y));
        CHECK(letters_apart());
        CHECK(drew_anywhere(screen, app.state().newest->number));
    }
    // The check sees letters drawn over letters.
    HeadlessScreen screen(800, 450, tv_sizes(40));
    screen.frame([&] {
        display::draw_display(app.state(), staff_translations(), screen.fonts());
        ImGui::GetForegroundDrawList()->AddText(screen.fonts().text, screen.fonts().text->FontSize, ImVec2(20, 200),
                                                IM_COL32_WHITE, "Skranke");
    });
    CHECK_FALSE(letters_apart());
}

TEST_CASE("display.diagonal_inches in roles.toml: 15 to 110 inches, anything else refused naming the key") {
    TempDir dir;
    const auto load = [&](const std::string& value, roles::RoleConfig& config, std::string& error) {
        save_file(dir / "roles.toml", "[display]\ndiagonal_inches = " + value + "\n");
        return roles::load_role_config(dir / "roles.toml", config, error);
    };
    for (const std::string value : {"15", "40", "54.6", "110"}) {
        CAPTURE(value);
        roles::RoleConfig config;
        std::string error;
        CHECK(load(value, config, error));
        CHECK(config.diagonal_inches == doctest::Approx(std::stod(value)));
    }
    for (const std::string value : {"14.9", "111", "0", "-40", "\"40\"", "true", "nan", "inf", "[40]"}) {
        CAPTURE(value);
        roles::RoleConfig config;
        std::string error;
        CHECK_FALSE(load(value, config, error));
        CHECK(error.find("display.diagonal_inches") != std::string::npos);
    }
    roles::RoleConfig defaults;
    CHECK(defaults.diagonal_inches == 40);
}

TEST_CASE("the display's words take turns in the office's languages, all together; the numbers stay") {
    DisplayWorld world;
    world.call("Kari Nordmann", "1");
    const Ticket newest = world.call("Ола Петренко", "2");
    display::DisplayServices services = world.services();
    services.label_languages = {"nb", "en", "pl", "uk", "ar"};
    services.label_seconds = 6;
    display::DisplayApp app(services);
    HeadlessScreen screen(1920, 1080, tv_sizes(40));
    const ui::Translations& texts = staff_translations();
    // Each turn, on the real fonts: every label in that language (no glyph missing: the
    // drawn text is read back from the atlas), the numbers as they were, nothing overlapping.
    // Arabic is drawn right to left with its letters joined: looked for as drawn.
    const std::vector<std::pair<double, std::string>> turns = {
        {0.5, "nb"}, {6.5, "en"}, {12.5, "pl"}, {18.5, "uk"}, {24.5, "ar"}, {30.5, "nb"}};
    for (const auto& [at_s, language] : turns) {
        CAPTURE(language);
        app.tick(at_s);
        CHECK(app.state().language == language);
        screen.frame([&] { display::draw_display(app.state(), texts, screen.fonts()); });
        CHECK(drew_anywhere(screen, texts.text(language, "display.number")));
        CHECK(drew_anywhere(screen, texts.text(language, "display.earlier")));
        CHECK(drew_anywhere(screen, ui::fill(texts.text(language, "display.to_counter"), {{"counter", "2"}})));
        CHECK(drew_anywhere(screen, ui::fill(texts.text(language, "display.to_counter"), {{"counter", "1"}})));
        CHECK(drew_anywhere(screen, newest.number.text()));
        CHECK(drawn_inside(1920, 1080));
        CHECK(letters_apart());
    }
    // Each language's words are its own, not another's fallen back.
    CHECK(texts.text("pl", "display.earlier") != texts.text("en", "display.earlier"));
    CHECK(texts.text("uk", "display.earlier") != texts.text("en", "display.earlier"));
    CHECK(texts.text("ar", "display.earlier") != texts.text("en", "display.earlier"));

    // A turn is a visible change: the window draws it without waiting for anything else.
    display::DisplayApp turning(services);
    turning.tick(5.5);
    CHECK(turning.seconds_until_timer(5.7) == doctest::Approx(0.3));  // woken for the turn, not a second late
    CHECK(turning.tick(6.1));
    CHECK(turning.state().language == "en");
}

TEST_CASE("display.label_languages and label_seconds in roles.toml; not set, the labels follow announce_languages") {
    TempDir dir;
    roles::RoleConfig config;
    std::string error;
    save_file(dir / "roles.toml", "[display]\nannounce_languages = [\"nb\", \"en\"]\nlabel_languages = [\"nb\", \"uk\"]\nlabel_seconds = 10\n");
    REQUIRE(roles::load_role_config(dir / "roles.toml", config, error));
    CHECK(config.label_languages == std::vector<std::string>{"nb", "uk"});
    CHECK(config.label_seconds == 10);
    roles::RoleConfig unset;
    save_file(dir / "roles.toml", "[display]\nannounce_languages = [\"nb\", \"en\"]\n");
    REQUIRE(roles::load_role_config(dir / "roles.toml", unset, error));
    CHECK(unset.label_languages.empty());  // the display then takes announce_languages
    for (const std::string line : {"label_seconds = 1", "label_seconds = 61", "label_seconds = \"6\"", "label_languages = [\"\"]",
                                   "label_languages = \"nb\"", "label_languages = [1]"}) {
        CAPTURE(line);
        roles::RoleConfig refused;
        error.clear();
        save_file(dir / "roles.toml", "[display]\n" + line + "\n");
        CHECK_FALSE(roles::load_role_config(dir / "roles.toml", refused, error));
        CHECK(error.find(line.substr(0, line.find(' '))) != std::string::npos);
    }
}
