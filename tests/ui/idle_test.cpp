// After a minute without touch the kiosk asks "Do you need more time?"; unanswered, it
// wipes everything the visitor entered, keyboard state included.
#include <doctest/doctest.h>

#include "support/headless_kiosk.hpp"

using skranke::test::HeadlessKiosk;
using skranke::visitor::TextField;

namespace {

void fill_in_details(HeadlessKiosk& kiosk) {
    REQUIRE(kiosk.walk_in("nb", "emergency_housing"));
    REQUIRE(kiosk.tap("children.yes"));
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.type("Hjelp"));
    REQUIRE(kiosk.tap("field.name"));
    REQUIRE(kiosk.tap("key.shift"));  // shift left on: keyboard state that must not survive
    CHECK(kiosk.state().keyboard.shift);
}

}  // namespace

TEST_CASE("the idle warning comes after the configured time and Yes gives more time") {
    HeadlessKiosk kiosk;
    fill_in_details(kiosk);
    kiosk.wait_seconds(58);
    CHECK(kiosk.page() == "details");
    kiosk.wait_seconds(3);
    REQUIRE(kiosk.page() == "details-idle");
    CHECK(kiosk.state().idle_seconds_left >= 20);
    // Only the big Yes and "start again" are on the warning: nothing behind it can be hit.
    for (const auto& t : kiosk.targets().targets()) CHECK((t.id == "idle.yes" || t.id == "idle.no"));
    const auto* yes = kiosk.targets().find("idle.yes");
    REQUIRE(yes);
    CHECK(kiosk.scale().mm(yes->rect.height()) >= 40.0f);
    kiosk.wait_seconds(5);
    CHECK(kiosk.state().idle_seconds_left <= 26);
    REQUIRE(kiosk.tap("idle.yes"));
    CHECK(kiosk.page() == "details");
    CHECK(kiosk.state().form.description == "Hjelp");
}

TEST_CASE("unanswered, the idle warning wipes the form and the keyboard") {
    HeadlessKiosk kiosk;
    fill_in_details(kiosk);
    kiosk.wait_seconds(61);
    REQUIRE(kiosk.page() == "details-idle");
    kiosk.wait_seconds(31);
    CHECK(kiosk.page() == "start");
    const auto& s = kiosk.state();
    CHECK(s.form.description.empty());
    CHECK(s.form.name.empty());
    CHECK(s.form.phone.empty());
    CHECK_FALSE(s.form.children.has_value());
    CHECK(s.form.need_id.empty());
    CHECK(s.editing == TextField::none);  // no field, so no keyboard and no buffer
    CHECK_FALSE(s.keyboard.shift);
    CHECK(s.error_key.empty());
    CHECK(s.history.empty());
    CHECK_FALSE(s.ticket.has_value());
    CHECK(s.language == "nb");
    // Nothing the visitor typed is anywhere on the next screen.
    for (const auto& text : kiosk.spoken()) CHECK(text.find("Hjelp") == std::string::npos);
    for (const auto& t : kiosk.targets().targets()) CHECK(t.label.find("Hjelp") == std::string::npos);
    // And the start screen stays at rest: no warning for nobody.
    kiosk.wait_seconds(120);
    CHECK(kiosk.page() == "start");
}

TEST_CASE("the ticket goes away by itself after a short time") {
    HeadlessKiosk kiosk;
    REQUIRE(kiosk.walk_in("en", "other"));
    REQUIRE(kiosk.skip_to_confirm());
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    REQUIRE(kiosk.page() == "ticket");
    kiosk.wait_seconds(31);
    CHECK(kiosk.page() == "start");
    CHECK_FALSE(kiosk.state().ticket.has_value());
}

TEST_CASE("an untouched kiosk sleeps: the loop wakes only for its own timers") {
    HeadlessKiosk kiosk;
    CHECK(kiosk.seconds_until_timer() < 0);  // at rest on the start screen: wait for a touch
    REQUIRE(kiosk.walk_in("nb", "other"));
    CHECK(kiosk.seconds_until_timer() == doctest::Approx(60.0).epsilon(0.01));  // the idle warning
    kiosk.wait_seconds(61);
    REQUIRE(kiosk.page() == "questions-idle");
    const double next = kiosk.seconds_until_timer();
    CHECK(next >= 0.0);
    CHECK(next <= 1.0);  // once a second, for the countdown
    REQUIRE(kiosk.tap("idle.no"));
    CHECK(kiosk.page() == "start");
    CHECK(kiosk.seconds_until_timer() < 0);
}

TEST_CASE("a visitor who had the screen read aloud hears the idle warning too; one who did not, hears nothing") {
    for (const bool listened : {true, false}) {
        CAPTURE(listened);
        HeadlessKiosk kiosk;
        fill_in_details(kiosk);
        if (listened) {
            REQUIRE(kiosk.tap("bar.read_aloud"));
            REQUIRE(kiosk.state().speaking);
            kiosk.speaker().stop();  // the reading ended by itself
        }
        const std::size_t said_before = kiosk.speaker().said.size();
        kiosk.wait_seconds(61);
        REQUIRE(kiosk.page() == "details-idle");
        kiosk.frame();
        std::string heard;
        for (std::size_t i = said_before; i < kiosk.speaker().said.size(); ++i) heard += kiosk.speaker().said[i].text + "\n";
        if (!listened) {
            CHECK(heard.empty());
            continue;
        }
        // The question, the countdown and both answers; nothing of the form behind it.
        CHECK(heard.find("Trenger du mer tid?") != std::string::npos);
        CHECK(heard.find("sekunder") != std::string::npos);
        CHECK(heard.find("Ja, jeg trenger mer tid") != std::string::npos);
        CHECK(heard.find("Hjelp") == std::string::npos);
        CHECK(kiosk.state().speaking);
        // Read once, not again each second of the countdown.
        kiosk.speaker().stop();
        const std::size_t after_warning = kiosk.speaker().said.size();
        kiosk.wait_seconds(5);
        CHECK(kiosk.speaker().said.size() == after_warning);
        REQUIRE(kiosk.tap("idle.yes"));
        CHECK(kiosk.page() == "details");
    }
}
