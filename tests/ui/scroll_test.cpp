// Drag-to-scroll: a list taller than the screen moves with the finger, and a drag that
// starts on a button never presses it.
#include <doctest/doctest.h>

#include "support/headless_kiosk.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;

TEST_CASE("dragging scrolls the need list and does not choose a need") {
    HeadlessOptions options;
    options.width = 1920;
    options.height = 1080;
    HeadlessKiosk kiosk(options);
    REQUIRE(kiosk.tap("bar.text_size"));
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.tap("appointment.no"));
    REQUIRE(kiosk.page() == "need");
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
