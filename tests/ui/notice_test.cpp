// The office's notice before anything else (office.entry_notice): shown once a language is
// chosen, in that language, with the office's phone; Ask us to call you goes straight to the
// callback request, Continue to the visit (or to the closed screen when the office is
// closed), Back to the welcome. Off, the visit starts at once as before.
#include <doctest/doctest.h>

#include "support/headless_kiosk.hpp"
#include "support/store_fixture.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;

namespace {

HeadlessOptions with_notice(bool on) {
    HeadlessOptions options;
    options.config = skranke::visitor::default_kiosk_config();  // Mon-Fri 08:00-15:30
    options.config.dpi = skranke::test::test_dpi;
    options.config.office.entry_notice = on;
    options.config.office.phone = "22 33 44 55";
    return options;
}

}  // namespace

TEST_CASE("the office's notice comes first, in the visitor's language, and leads to a callback or on") {
    HeadlessKiosk kiosk(with_notice(true));
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.page() == "notice");
    CHECK(kiosk.said("or are you in quarantine?"));
    CHECK(kiosk.said("Call us on 22 33 44 55, or ask us to call you."));

    // Ask us to call you: straight to the callback request, and back again.
    REQUIRE(kiosk.tap("notice.callback"));
    CHECK(kiosk.page() == "callback_need");
    REQUIRE(kiosk.tap("nav.back"));
    CHECK(kiosk.page() == "notice");

    // Back: the welcome again, in another language the notice speaks that one.
    REQUIRE(kiosk.tap("nav.back"));
    CHECK(kiosk.page() == "start");
    REQUIRE(kiosk.tap("language.nb"));
    REQUIRE(kiosk.page() == "notice");
    CHECK(kiosk.said("er du i karantene?"));

    // Continue: the visit as without a notice.
    REQUIRE(kiosk.tap("notice.continue"));
    CHECK(kiosk.page() == "appointment_question");
}

TEST_CASE("the notice leads on to the closed screen when the office is closed, and is off unless the office sets it") {
    HeadlessOptions closed = with_notice(true);
    closed.wall_ms = skranke::test::test_time_ms(5);  // Saturday 10:00
    {
        HeadlessKiosk kiosk(closed);
        REQUIRE(kiosk.tap("language.en"));
        REQUIRE(kiosk.page() == "notice");
        REQUIRE(kiosk.tap("notice.continue"));
        CHECK(kiosk.page() == "closed");
    }
    HeadlessKiosk kiosk(with_notice(false));
    REQUIRE(kiosk.tap("language.en"));
    CHECK(kiosk.page() == "appointment_question");
}
