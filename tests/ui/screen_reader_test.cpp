// Screen-reader mode (issue 16, EN 301 549 5.1.3/5.1.6): a visitor who cannot see the screen
// turns it on with a long press (or a keypad key), explores by touch, activates with a double
// tap or the keypad, and gets a ticket; a single touch never activates anything, a drag still
// scrolls, the visit's end turns it off, and the room's speaker never says the answers.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "shell/speech.hpp"
#include "support/headless_kiosk.hpp"
#include "visitor/screen_reader.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;
using skranke::ui::Output;
namespace keypad = skranke::visitor::keypad;

namespace {

const std::string& text(std::string_view language, std::string_view key) {
    return skranke::test::shipped_translations().text(std::string(language), key);
}

// What the speaker was last asked to say on an output ("" when nothing).
std::string last_said(const HeadlessKiosk& kiosk, Output output) {
    const auto& said = const_cast<HeadlessKiosk&>(kiosk).speaker().said;
    for (auto u = said.rbegin(); u != said.rend(); ++u)
        if (u->output == output) return u->text;
    return {};
}

std::string all_said(HeadlessKiosk& kiosk, Output output) {
    std::string all;
    for (const auto& u : kiosk.speaker().said)
        if (u.output == output) all += u.text + "\n";
    return all;
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

// Somewhere on the screen that is no target: a double tap's place does not matter.
const ImVec2 anywhere{540, 6};
// Where the long presses are: on whatever is there.
const ImVec2 middle{540, 700};

// Turns the mode on with a long press in the middle of the screen; checks it said so.
void long_press_on(HeadlessKiosk& kiosk, std::string_view language) {
    const std::string page = kiosk.page();
    kiosk.hold(middle, skranke::visitor::long_press_seconds + 0.3);
    REQUIRE(kiosk.app().screen_reader().on());
    CHECK(last_said(kiosk, Output::room) == text(language, "reader.on") + ".\n");
    CHECK(kiosk.page() == page);  // the button under the finger did not fire
}

// A touch on a target: it is said with what it is, and nothing happens on screen.
void explore(HeadlessKiosk& kiosk, std::string_view id, std::string_view language, std::string_view kind_key) {
    CAPTURE(std::string(id));
    const std::string page = kiosk.page();
    const auto form = kiosk.state().form;
    const auto* target = kiosk.targets().find(id);
    REQUIRE(target);
    const std::string label = target->label;
    REQUIRE(kiosk.touch(id));
    CHECK(kiosk.page() == page);  // a single touch never activates
    CHECK(kiosk.state().form.name == form.name);
    CHECK(kiosk.state().form.need_id == form.need_id);
    CHECK(kiosk.state().form.children == form.children);
    REQUIRE(kiosk.app().screen_reader().focused());
    CHECK(kiosk.app().screen_reader().focused()->target == id);
    const std::string said = last_said(kiosk, Output::room);
    CHECK(contains(said, label));
    CHECK(contains(said, text(language, kind_key)));
}

// Touch, then a double tap away from it: as a tap on the target.
void choose(HeadlessKiosk& kiosk, std::string_view id, std::string_view language) {
    explore(kiosk, id, language, "reader.button");
    kiosk.double_tap(anywhere);
}

// The whole of a new screen was read, in the room without the answers.
void check_screen_read(HeadlessKiosk& kiosk) {
    const std::string said = last_said(kiosk, Output::room);
    REQUIRE_FALSE(kiosk.spoken_in_room().empty());
    CHECK(contains(said, kiosk.spoken_in_room().front()));
    CHECK(contains(said, kiosk.spoken_in_room().back()));
}

// Types on the on-screen keyboard by touching each key and double-tapping.
void type_by_touch(HeadlessKiosk& kiosk, std::string_view typed, std::string_view language) {
    for (const char c : typed) {
        const std::string ch(1, c);
        const bool capital = c >= 'A' && c <= 'Z';
        if (capital) {
            explore(kiosk, "key.shift", language, "reader.key");
            kiosk.double_tap(anywhere);
        }
        std::string id;
        for (const auto& t : kiosk.targets().targets())
            if (t.label == ch && t.id.rfind("key.", 0) == 0) id = t.id;
        CAPTURE(ch);
        REQUIRE_FALSE(id.empty());
        const std::string before = kiosk.state().form.name;
        explore(kiosk, id, language, "reader.key");
        CHECK(kiosk.state().form.name == before);  // touched, not typed
        kiosk.double_tap(anywhere);
        CHECK(kiosk.state().form.name == before + ch);
    }
}

}  // namespace

TEST_CASE("a blind visitor gets a ticket in screen-reader mode by long press, touch and double tap") {
    HeadlessOptions options;
    options.config.default_language = "nb";
    HeadlessKiosk kiosk(options);
    // The start screen says how, on screen and in what read-aloud reads.
    CHECK(kiosk.said(text("nb", "start.screen_reader")));
    long_press_on(kiosk, "nb");
    CHECK(kiosk.page() == "start");
    CHECK(kiosk.state().language == "nb");

    choose(kiosk, "language.en", "nb");
    REQUIRE(kiosk.page() == "appointment_question");
    CHECK(kiosk.state().language == "en");
    check_screen_read(kiosk);

    choose(kiosk, "appointment.no", "en");
    REQUIRE(kiosk.page() == "need");
    choose(kiosk, "need.social_rent", "en");
    REQUIRE(kiosk.page() == "questions");
    check_screen_read(kiosk);

    // A plain text is explored too: the finger on the title hears the title.
    const skranke::visitor::ReaderElement* title = nullptr;
    for (const auto& e : kiosk.app().screen_reader().elements())
        if (e.target.empty() && !title) title = &e;
    REQUIRE(title);
    const std::string title_text = title->words.front().text;
    kiosk.touch_at(title->where.centre());
    CHECK(last_said(kiosk, Output::room) == title_text + ".\n");

    // An answer on the same screen: the double tap chooses it, and it is said as chosen.
    choose(kiosk, "children.no", "en");
    CHECK(kiosk.page() == "questions");
    CHECK(kiosk.state().form.children == false);
    // Which answer was chosen is not said in the room (a headset would hear "selected").
    CHECK(contains(last_said(kiosk, Output::room), text("en", "answer.no")));
    CHECK_FALSE(contains(last_said(kiosk, Output::room), text("en", "reader.selected")));

    choose(kiosk, "nav.next", "en");
    REQUIRE(kiosk.page() == "details");
    explore(kiosk, "field.name", "en", "reader.field");
    kiosk.double_tap(anywhere);
    REQUIRE(kiosk.state().editing == skranke::visitor::TextField::name);
    type_by_touch(kiosk, "Ola", "en");
    CHECK(kiosk.state().form.name == "Ola");
    // The field: its label over the room's speaker, never what was typed.
    explore(kiosk, "field.name", "en", "reader.field");
    CHECK(contains(last_said(kiosk, Output::room), "Name"));
    CHECK_FALSE(contains(last_said(kiosk, Output::room), "Ola"));

    choose(kiosk, "nav.next", "en");
    REQUIRE(kiosk.page() == "confirm");
    choose(kiosk, "confirm.get_ticket", "en");
    REQUIRE(kiosk.page() == "ticket");
    check_screen_read(kiosk);
    const auto tickets = kiosk.stored_tickets();
    REQUIRE(tickets.size() == 1);
    CHECK(tickets.front().request.name == "Ola");
    CHECK(contains(last_said(kiosk, Output::room), tickets.front().number.spoken_text()));
    CHECK_FALSE(contains(all_said(kiosk, Output::room), "Ola"));

    // The visit ends with "Done": the next visitor finds the kiosk as usual.
    choose(kiosk, "ticket.done", "en");
    CHECK(kiosk.page() == "start");
    CHECK_FALSE(kiosk.app().screen_reader().on());
    REQUIRE(kiosk.tap("language.en"));  // a tap works as a tap again
    CHECK(kiosk.page() == "appointment_question");
}

TEST_CASE("a single touch in screen-reader mode activates nothing, not even twice slowly") {
    HeadlessKiosk kiosk;
    long_press_on(kiosk, kiosk.state().language);
    REQUIRE(kiosk.touch("language.en"));
    REQUIRE(kiosk.touch("language.en"));  // half a second apart: two touches, no double tap
    CHECK(kiosk.page() == "start");
    CHECK(kiosk.state().language != "en");
}

TEST_CASE("a numeric keypad turns the screen reader on and walks a visitor to a ticket") {
    HeadlessKiosk kiosk;
    kiosk.keypad(keypad::kp_2);  // the first key only turns it on
    REQUIRE(kiosk.app().screen_reader().on());
    CHECK(last_said(kiosk, Output::room) == text(kiosk.state().language, "reader.on_keypad") + ".\n");
    CHECK_FALSE(kiosk.app().screen_reader().focused());

    // Moves through the screen in reading order until the target has the focus, hearing each.
    const auto focus_on = [&](std::string_view id) {
        for (int i = 0; i < 80; ++i) {
            const auto* f = kiosk.app().screen_reader().focused();
            if (f && f->target == id) return true;
            const std::size_t before = kiosk.speaker().said.size();
            kiosk.keypad(i % 2 ? keypad::kp_6 : keypad::kp_2);
            REQUIRE(kiosk.speaker().said.size() > before);
            const auto* now = kiosk.app().screen_reader().focused();
            REQUIRE(now);
            CHECK(contains(last_said(kiosk, Output::room), now->words.front().in_room));
        }
        return false;
    };
    REQUIRE(focus_on("language.en"));
    // Back one and forward one: the same element again.
    kiosk.keypad(keypad::kp_8);
    CHECK(kiosk.app().screen_reader().focused()->target != "language.en");
    kiosk.keypad(keypad::kp_2);
    CHECK(kiosk.app().screen_reader().focused()->target == "language.en");
    kiosk.keypad(keypad::kp_5);
    REQUIRE(kiosk.page() == "appointment_question");
    check_screen_read(kiosk);

    const struct {
        const char* target;
        int key;
        const char* page;
    } steps[] = {{"appointment.no", keypad::kp_enter, "need"},
                 {"need.social_rent", keypad::kp_5, "questions"},
                 {"nav.next", keypad::kp_5, "details"},
                 {"nav.skip", keypad::kp_5, "confirm"}};
    for (const auto& step : steps) {
        REQUIRE(focus_on(step.target));
        kiosk.keypad(step.key);
        REQUIRE(kiosk.page() == step.page);
    }

    // KP 0 reads the whole screen again.
    kiosk.keypad(keypad::kp_0);
    check_screen_read(kiosk);
    REQUIRE(focus_on("confirm.get_ticket"));
    kiosk.keypad(keypad::kp_5);
    REQUIRE(kiosk.page() == "ticket");
    CHECK(kiosk.stored_tickets().size() == 1);
}

TEST_CASE("in screen-reader mode a drag still scrolls the list and chooses nothing") {
    HeadlessOptions options;
    options.width = 1920;
    options.height = 1080;
    HeadlessKiosk kiosk(options);
    REQUIRE(kiosk.tap("bar.text_size"));
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.tap("appointment.no"));
    REQUIRE(kiosk.page() == "need");
    long_press_on(kiosk, "en");
    const auto* first = kiosk.targets().find("need.social_rent");
    REQUIRE(first);
    const float before = first->rect.y0;
    const ImVec2 from = first->visible.centre();
    kiosk.drag(from, ImVec2(from.x, from.y - kiosk.scale().px(150)));
    CHECK(kiosk.page() == "need");
    CHECK(kiosk.state().form.need_id.empty());
    CHECK(kiosk.app().screen_reader().on());  // a drag is no long press
    const auto* moved = kiosk.targets().find("need.social_rent");
    REQUIRE(moved);
    CHECK(moved->rect.y0 < before - kiosk.scale().px(20));

    // The "Show more" band is a target like any other: touched it is said, double-tapped it scrolls.
    kiosk.drag(ImVec2(from.x, from.y - kiosk.scale().px(150)), from);  // back to the top
    REQUIRE(kiosk.targets().find("scroll.more_below"));
    const float top = kiosk.targets().find("need.social_rent")->rect.y0;
    explore(kiosk, "scroll.more_below", "en", "reader.button");
    kiosk.double_tap(anywhere);
    const auto* scrolled = kiosk.targets().find("need.social_rent");
    CHECK((scrolled == nullptr || scrolled->rect.y0 < top - kiosk.scale().px(20)));
    CHECK(kiosk.page() == "need");
}

TEST_CASE("the screen reader ends with the visit, and a long press turns it off") {
    SUBCASE("a long press again") {
        HeadlessKiosk kiosk;
        long_press_on(kiosk, kiosk.state().language);
        kiosk.hold(ImVec2(540, 960), skranke::visitor::long_press_seconds + 0.3);
        CHECK_FALSE(kiosk.app().screen_reader().on());
        CHECK(last_said(kiosk, Output::room) == text(kiosk.state().language, "reader.off") + ".\n");
        CHECK(kiosk.page() == "start");
        REQUIRE(kiosk.tap("language.en"));
        CHECK(kiosk.page() == "appointment_question");
    }
    SUBCASE("not when the visitor starts over: the same visitor is there") {
        HeadlessKiosk kiosk;
        REQUIRE(kiosk.walk_in("en", "social_rent"));
        long_press_on(kiosk, "en");
        choose(kiosk, "nav.start_over", "en");
        CHECK(kiosk.page() == "start");
        CHECK(kiosk.app().screen_reader().on());
        check_screen_read(kiosk);
    }
    SUBCASE("the idle warning is read to the visitor who uses it") {
        HeadlessKiosk kiosk;
        REQUIRE(kiosk.walk_in("en", "social_rent"));
        long_press_on(kiosk, "en");
        kiosk.wait_seconds(61);
        REQUIRE(kiosk.page() == "questions-idle");
        CHECK(contains(last_said(kiosk, Output::room), text("en", "idle.title")));
    }
    SUBCASE("a shorter hold is a touch, not a long press") {
        HeadlessKiosk kiosk;
        kiosk.hold(ImVec2(540, 960), skranke::visitor::long_press_seconds - 1);
        CHECK_FALSE(kiosk.app().screen_reader().on());
    }
    SUBCASE("the idle wipe, even on the start screen") {
        HeadlessKiosk kiosk;
        long_press_on(kiosk, kiosk.state().language);
        CHECK(kiosk.seconds_until_timer() > 0);  // a visitor is there: the idle timer runs
        kiosk.wait_seconds(60 + 30 + 2);
        CHECK(kiosk.page() == "start");
        CHECK_FALSE(kiosk.app().screen_reader().on());
        REQUIRE(kiosk.tap("language.en"));  // a tap is a tap again
        CHECK(kiosk.page() == "appointment_question");
    }
    SUBCASE("the ticket's time on screen") {
        HeadlessKiosk kiosk;
        REQUIRE(kiosk.walk_in("en", "social_rent"));
        REQUIRE(kiosk.skip_to_confirm());
        REQUIRE(kiosk.tap("confirm.get_ticket"));
        long_press_on(kiosk, "en");
        kiosk.wait_seconds(31);
        CHECK(kiosk.page() == "start");
        CHECK_FALSE(kiosk.app().screen_reader().on());
        REQUIRE(kiosk.tap("language.en"));
        CHECK(kiosk.page() == "appointment_question");
    }
}

TEST_CASE("in screen-reader mode the room's speaker never says the visitor's answers; a headset does") {
    for (const bool headset : {false, true}) {
        CAPTURE(headset);
        HeadlessOptions options;
        if (headset) options.config.headset_device = "plughw:1,0";
        HeadlessKiosk kiosk(options);
        REQUIRE(kiosk.walk_in("en", "social_rent"));
        REQUIRE(kiosk.tap("nav.next"));
        REQUIRE(kiosk.tap("field.name"));
        REQUIRE(kiosk.type("Kari"));
        REQUIRE(kiosk.tap("field.phone"));
        REQUIRE(kiosk.type("91234567"));
        long_press_on(kiosk, "en");
        explore(kiosk, "field.name", "en", "reader.field");
        CHECK(contains(last_said(kiosk, Output::room), "Name"));
        CHECK(contains(last_said(kiosk, Output::headset), "Kari") == headset);
        explore(kiosk, "field.phone", "en", "reader.field");
        CHECK(contains(last_said(kiosk, Output::headset), "91234567") == headset);
        choose(kiosk, "nav.next", "en");
        REQUIRE(kiosk.page() == "confirm");
        // The summary's lines, explored one by one and read whole with KP 0.
        std::vector<ImVec2> texts;
        for (const auto& e : kiosk.app().screen_reader().elements())
            if (e.target.empty()) texts.push_back(e.where.centre());
        REQUIRE(texts.size() > 2);
        for (const ImVec2 at : texts) kiosk.touch_at(at);
        kiosk.keypad(keypad::kp_0);
        CHECK(contains(all_said(kiosk, Output::headset), "Kari") == headset);
        CHECK(contains(all_said(kiosk, Output::headset), "91234567") == headset);
        const std::string room = all_said(kiosk, Output::room);
        CHECK_FALSE(contains(room, "Kari"));
        CHECK_FALSE(contains(room, "91234567"));
        CHECK_FALSE(contains(room, text("en", "need.social_rent")));
    }
}

TEST_CASE("screen-reader gestures: a touch explores, a quick second tap activates, a drag or a slow tap does not") {
    using skranke::visitor::Finger;
    using skranke::visitor::ReaderGestures;
    const float drag = 15;
    const Finger up{100, 100, false};
    const Finger down{100, 100, true};
    ReaderGestures g;
    double t = 0;
    auto step = [&](Finger f) {
        t += 1.0 / 60;
        return g.step(f, true, t, drag);
    };
    auto first = step(down);
    CHECK(first.explore);
    CHECK_FALSE(first.to_ui.down);  // ImGui never sees a touch
    CHECK_FALSE(step(up).activate);
    auto second = step(down);
    CHECK_FALSE(second.explore);  // the second tap of a double tap explores nothing
    CHECK(step(up).activate);

    t += 1.0;  // a slow second tap is a new touch
    CHECK(step(down).explore);
    step(up);
    t += skranke::visitor::double_tap_seconds + 0.1;
    CHECK(step(down).explore);
    CHECK_FALSE(step(up).activate);

    // A quick second tap that moves is a drag: ImGui gets it from where it began, and no activation.
    t += 1.0;
    step(down);
    step(up);
    step(down);
    const auto moved = step(Finger{100, 160, true});
    CHECK(moved.to_ui.down);
    CHECK(moved.to_ui.y == doctest::Approx(100));
    CHECK(step(Finger{100, 200, true}).to_ui.y == doctest::Approx(200));
    const auto lifted = step(Finger{100, 200, false});
    CHECK_FALSE(lifted.activate);
    CHECK(lifted.to_ui.x < -1e6f);  // released off every button

    // Off, everything goes through, but not the end of a long press.
    ReaderGestures off;
    CHECK(off.step(down, false, 10, drag).to_ui.down);
    CHECK(off.long_press_due() == doctest::Approx(10 + skranke::visitor::long_press_seconds));
    CHECK(off.step(down, false, 13.1, drag).toggle);
    CHECK(off.step(up, false, 13.2, drag).to_ui.x < -1e6f);
}

TEST_CASE("screen-reader elements: the texts on a target are said with it and what it is; hidden texts are not") {
    using skranke::ui::Rect;
    using skranke::ui::SpokenText;
    const std::vector<SpokenText> spoken = {
        {"Title", "Title", Rect{0, 0, 100, 20}},      {"Name:", "Name:", Rect{0, 30, 100, 50}},
        {"Kari", "", Rect{0, 50, 100, 70}},           {"Yes", "Yes", Rect{0, 100, 100, 120}},
        {"Below the fold", "Below the fold", Rect{}},
    };
    std::vector<skranke::ui::TouchTarget> targets(2);
    targets[0].id = "field.name";
    targets[0].rect = targets[0].visible = Rect{0, 25, 100, 75};
    targets[1].id = "children.yes";
    targets[1].label = "Yes";
    targets[1].rect = targets[1].visible = Rect{0, 95, 100, 125};
    targets[1].selected = true;
    const auto elements =
        skranke::visitor::reader_elements(spoken, targets, {"button", "key", "text field", "selected"});
    REQUIRE(elements.size() == 3);
    CHECK(elements[0].target.empty());
    CHECK(elements[1].target == "field.name");
    REQUIRE(elements[1].words.size() == 3);
    CHECK(elements[1].words[1].text == "Kari");
    CHECK(elements[1].words[1].in_room.empty());
    CHECK(elements[1].words[2].text == "text field");
    CHECK(elements[2].words.back().text == "button");
    CHECK(elements[2].words[1].text == "selected");
    CHECK(elements[2].words[1].in_room.empty());  // the answer chosen: not for the room
}
