// Drag-to-scroll: a list taller than the screen moves with the finger, and a drag that
// starts on a button never presses it.
#include <doctest/doctest.h>

#include "support/headless_kiosk.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;

namespace {

HeadlessOptions landscape() {
    HeadlessOptions options;
    options.width = 1920;
    options.height = 1080;
    return options;
}

// In landscape with larger text, in English: the need list is longer than the screen.
void to_need_list(HeadlessKiosk& kiosk) {
    REQUIRE(kiosk.tap("bar.text_size"));
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.tap("appointment.no"));
    REQUIRE(kiosk.page() == "need");
}

}  // namespace

TEST_CASE("dragging scrolls the need list and does not choose a need") {
    HeadlessKiosk kiosk(landscape());
    to_need_list(kiosk);
    // In landscape with large text the list is longer than the screen: the last need is
    // cut off by the navigation bar.
    const auto* cut = kiosk.targets().find("need.other");
    CHECK((cut == nullptr || cut->visible.height() < cut->rect.height() / 2));
    const auto* first = kiosk.targets().find("need.social_rent");
    REQUIRE(first);
    const float before = first->rect.y0;
    const ImVec2 from = first->visible.centre();
    kiosk.drag(from, ImVec2(from.x, from.y - kiosk.scale().px(150)));
    CHECK(kiosk.page() == "need");  // no need was chosen by the drag
    CHECK(kiosk.state().form.need_id.empty());
    const auto* moved = kiosk.targets().find("need.social_rent");
    REQUIRE(moved);
    CHECK(moved->rect.y0 < before - kiosk.scale().px(20));
    const auto* last = kiosk.targets().find("need.other");
    REQUIRE(last);
    CHECK(last->visible.height() == doctest::Approx(last->rect.height()));
    REQUIRE(kiosk.tap("need.other"));  // and a plain tap still works
    CHECK(kiosk.page() == "questions");
}

TEST_CASE("a list with more below says so with a button that scrolls it, and one back up once scrolled") {
    HeadlessKiosk kiosk(landscape());
    to_need_list(kiosk);
    kiosk.frame();  // the list's height is known from the first frame on
    const auto mm = [&](float px) { return kiosk.scale().mm(px); };
    const auto* more = kiosk.targets().find("scroll.more_below");
    REQUIRE(more != nullptr);
    CHECK(more->label == "Show more");
    CHECK(mm(more->rect.height()) >= 20.0f);
    CHECK(mm(more->rect.width()) >= 90.0f);
    CHECK(kiosk.targets().find("scroll.more_above") == nullptr);  // nothing above yet
    CHECK(kiosk.said("Show more"));
    // What the band covers cannot be tapped: the last need is not shown, not even in part.
    const auto* last = kiosk.targets().find("need.other");
    CHECK((last == nullptr || last->visible.y1 <= more->rect.y0 - kiosk.scale().px(3)));

    // Tapping it brings the rest up, a page at a time, with no drag; then the button goes.
    const float first_top = kiosk.targets().find("need.social_rent")->rect.y0;
    int taps = 0;
    while (kiosk.targets().find("scroll.more_below") != nullptr && taps < 10) {
        REQUIRE(kiosk.tap("scroll.more_below"));
        ++taps;
    }
    CHECK(taps >= 1);
    CHECK(kiosk.page() == "need");
    CHECK(kiosk.state().form.need_id.empty());  // no need was chosen on the way
    CHECK(kiosk.targets().find("scroll.more_below") == nullptr);
    last = kiosk.targets().find("need.other");
    REQUIRE(last != nullptr);
    CHECK(last->visible.height() == doctest::Approx(last->rect.height()));
    const auto* back_up = kiosk.targets().find("scroll.more_above");
    REQUIRE(back_up != nullptr);
    CHECK(back_up->label == "Show what is above");

    // And back to the top the same way.
    taps = 0;
    while (kiosk.targets().find("scroll.more_above") != nullptr && taps < 10) {
        REQUIRE(kiosk.tap("scroll.more_above"));
        ++taps;
    }
    CHECK(kiosk.targets().find("scroll.more_above") == nullptr);
    CHECK(kiosk.targets().find("need.social_rent")->rect.y0 == doctest::Approx(first_top));
    REQUIRE(kiosk.tap("need.social_rent"));
    CHECK(kiosk.page() == "questions");
}

TEST_CASE("a list that fits has no scroll buttons") {
    HeadlessKiosk kiosk;  // portrait, normal text: the start screen's languages fit
    kiosk.frame();
    CHECK(kiosk.targets().find("scroll.more_below") == nullptr);
    CHECK(kiosk.targets().find("scroll.more_above") == nullptr);
}

TEST_CASE("the keyboard stays in place while the page beside it scrolls, and a key shows the field it types into") {
    HeadlessKiosk kiosk(landscape());
    REQUIRE(kiosk.tap("bar.text_size"));
    REQUIRE(kiosk.walk_in("uk", "social_rent"));
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.page() == "details");
    // The page opens at its top, with its question; the field is below the fold.
    const auto* field = kiosk.targets().find("field.description");
    CHECK((field == nullptr || field->visible.height() < field->rect.height()));
    const auto keys_where = [&] {
        std::vector<skranke::ui::Rect> keys;
        for (const auto& t : kiosk.targets().targets())
            if (t.id.rfind("key.", 0) == 0) {
                CHECK(t.visible.height() == t.rect.height());  // every key wholly on screen
                keys.push_back(t.rect);
            }
        return keys;
    };
    const auto before = keys_where();
    REQUIRE(before.size() > 40);
    // Dragging the page moves the page, not the keyboard.
    REQUIRE(kiosk.tap("scroll.more_below"));
    const auto after_scroll = keys_where();
    REQUIRE(after_scroll.size() == before.size());
    for (std::size_t i = 0; i < before.size(); ++i) CHECK(after_scroll[i].y0 == before[i].y0);
    // Back at the top, a key brings the field into view, with what was typed in it.
    REQUIRE(kiosk.tap("scroll.more_above"));
    REQUIRE(kiosk.tap("key.1.0"));
    field = kiosk.targets().find("field.description");
    REQUIRE(field != nullptr);
    CHECK(field->visible.height() == doctest::Approx(field->rect.height()));
    CHECK(kiosk.state().form.description == "й");
    const auto after_key = keys_where();
    REQUIRE(after_key.size() == before.size());
    for (std::size_t i = 0; i < before.size(); ++i) CHECK(after_key[i].y0 == before[i].y0);
}
