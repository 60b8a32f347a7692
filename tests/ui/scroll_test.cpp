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
