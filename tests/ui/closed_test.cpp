// Outside opening hours: when we open, which number to call, and a callback request.
#include <doctest/doctest.h>

#include "support/headless_kiosk.hpp"
#include "support/store_fixture.hpp"
#include "visitor/opening_hours.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;

namespace {

HeadlessOptions weekday_hours() {
    HeadlessOptions options;
    options.config = skranke::visitor::default_kiosk_config();  // Mon-Fri 08:00-15:30
    options.config.dpi = skranke::test::test_dpi;
    return options;
}

}  // namespace

TEST_CASE("on Saturday the kiosk says when it opens and takes a callback request") {
    HeadlessOptions options = weekday_hours();
    options.wall_ms = skranke::test::test_time_ms(5);  // Monday 2 March + 5 days: Saturday 10:00
    HeadlessKiosk kiosk(options);
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.page() == "closed");
    REQUIRE(kiosk.state().opens);
    CHECK(kiosk.state().opens->weekday == 0);  // Monday
    CHECK(kiosk.state().opens->minute == 8 * 60);
    bool said_when = false, said_phone = false;
    for (const auto& text : kiosk.spoken()) {
        said_when = said_when || text.find("on Monday at 08:00") != std::string::npos;
        said_phone = said_phone || text.find("55 55 33 33") != std::string::npos;
    }
    CHECK(said_when);
    CHECK(said_phone);

    REQUIRE(kiosk.tap("closed.callback"));
    CHECK(kiosk.page() == "callback_need");
    REQUIRE(kiosk.tap("need.social_rent"));
    CHECK(kiosk.page() == "callback_phone");
    REQUIRE(kiosk.tap("nav.next"));  // no number yet
    CHECK(kiosk.state().error_key == "error.phone_required");
    REQUIRE(kiosk.type("91234567"));
    REQUIRE(kiosk.tap("nav.next"));
    CHECK(kiosk.page() == "callback_confirm");
    REQUIRE(kiosk.tap("callback.send"));
    CHECK(kiosk.page() == "callback_done");

    const auto tickets = kiosk.stored_tickets();
    REQUIRE(tickets.size() == 1);
    CHECK(tickets.front().request.channel == skranke::Channel::callback);
    CHECK(tickets.front().request.need_id == "social_rent");
    CHECK(tickets.front().request.language == "en");
    CHECK(tickets.front().request.phone.find("91234567") != std::string::npos);
    REQUIRE(kiosk.tap("callback.done"));
    CHECK(kiosk.page() == "start");
    CHECK(kiosk.state().form.phone.empty());
}

TEST_CASE("after closing time the office opens tomorrow, on a closed day the next open day") {
    const auto config = skranke::visitor::default_kiosk_config();
    const auto evening = skranke::test::test_time_ms(0, 8 * 60);  // Monday 18:00
    CHECK(skranke::visitor::office_status(config.office.hours, evening) == skranke::visitor::OfficeStatus::closed);
    auto opens = skranke::visitor::next_opening(config.office.hours, evening);
    REQUIRE(opens);
    CHECK(opens->days_ahead == 1);
    CHECK(opens->minute == 8 * 60);

    auto closed_tuesday = config;
    closed_tuesday.office.hours.closed_dates.push_back("2026-03-03");
    opens = skranke::visitor::next_opening(closed_tuesday.office.hours, evening);
    REQUIRE(opens);
    CHECK(opens->days_ahead == 2);
    CHECK(opens->weekday == 2);
}

TEST_CASE("on an appointments-only day walk-ins are told so, appointments check in") {
    HeadlessOptions options = weekday_hours();
    options.config.office.hours.appointment_only_weekdays[0] = true;  // Mondays
    HeadlessKiosk kiosk(options);
    REQUIRE(kiosk.tap("language.nb"));
    REQUIRE(kiosk.page() == "appointment_question");
    REQUIRE(kiosk.tap("appointment.no"));
    CHECK(kiosk.page() == "closed");
    CHECK(kiosk.state().office == skranke::visitor::OfficeStatus::appointments_only);
    REQUIRE(kiosk.tap("nav.back"));
    REQUIRE(kiosk.tap("appointment.yes"));
    REQUIRE(kiosk.tap("appointment_time.unknown"));
    REQUIRE(kiosk.tap("nav.skip"));
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    CHECK(kiosk.page() == "ticket");
    REQUIRE(kiosk.stored_tickets().size() == 1);
}

TEST_CASE("when the office is closed the kiosk gives the numbers for help that cannot wait, in large type") {
    HeadlessOptions options = weekday_hours();
    options.wall_ms = skranke::test::test_time_ms(5);  // Saturday 10:00
    options.config.office.emergency.social_phone = "55 55 00 00";
    options.config.office.emergency.social_always = false;
    options.config.office.emergency.social_from_minute = 15 * 60 + 30;
    options.config.office.emergency.social_to_minute = 8 * 60;
    {
        HeadlessKiosk kiosk(options);
        REQUIRE(kiosk.tap("language.en"));
        REQUIRE(kiosk.page() == "closed");
        CHECK(kiosk.said("Do you need help before we open?"));
        CHECK(kiosk.said("nowhere to sleep tonight? Call the social emergency service."));
        CHECK(kiosk.said("55 55 00 00"));
        CHECK(kiosk.said("answers from 15:30 to 08:00"));
        CHECK(kiosk.said("Call the out-of-hours doctor."));
        CHECK(kiosk.said("116 117"));
        CHECK(kiosk.said("113"));
        // The callback request is still there, before them.
        CHECK(kiosk.targets().find("closed.callback") != nullptr);
        // In Norwegian too.
        REQUIRE(kiosk.tap("nav.back"));
        REQUIRE(kiosk.tap("language.nb"));
        REQUIRE(kiosk.page() == "closed");
        CHECK(kiosk.said("Ring sosialvakten."));
        CHECK(kiosk.said("Sosialvakten svarer fra klokken 15:30 til 08:00."));
    }
    options.config.office.emergency.social_phone.clear();  // the office has none to give
    HeadlessKiosk kiosk(options);
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.page() == "closed");
    CHECK_FALSE(kiosk.said("social emergency service"));
    CHECK(kiosk.said("116 117"));
    CHECK(kiosk.said("113"));
}
