// "Wait outside, we send you an SMS" (office.sms_near_front): the kiosk asks for the SMS with
// its own tap after the details, says what will be sent and when the number is deleted, and
// takes the phone it needs. From a full waiting room a visitor may wait outside for the SMS,
// and is then not counted inside. No SMS is offered when the office sends none, nor with a
// callback request; Back, Start again and the idle wipe take the wish away with the rest.
#include <doctest/doctest.h>

#include <algorithm>

#include "domain/queue_state.hpp"
#include "support/headless_kiosk.hpp"
#include "support/store_fixture.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;

namespace {

HeadlessOptions sending_sms(int near_front = 3, int capacity = 0) {
    HeadlessOptions options;
    options.config.office.sms_near_front = near_front;
    options.config.office.room_capacity = capacity;
    return options;
}

// From the questions, past the details (with a phone, or skipped), to the SMS question.
bool to_sms_question(HeadlessKiosk& kiosk, std::string_view phone) {
    if (!kiosk.tap("nav.next") || kiosk.page() != "details") return false;
    if (phone.empty()) return kiosk.tap("nav.skip") && kiosk.page() == "sms";
    return kiosk.tap("field.phone") && kiosk.type(phone) && kiosk.tap("nav.next") && kiosk.page() == "sms";
}

// Other visitors waiting inside, written to the kiosk's store as its sync engine would.
void others_inside(HeadlessKiosk& kiosk, int count) {
    for (int i = 0; i < count; ++i)
        REQUIRE(kiosk.store()
                    ->issue_ticket(skranke::test::plain_request(), skranke::test::shipped_catalogue(),
                                   skranke::test::test_time_ms(0, -30 + i))
                    .ok());
    kiosk.store_written();
}

// What the office's queue counts inside, from the tickets in the kiosk's store.
int counted_inside(HeadlessKiosk& kiosk) {
    skranke::QueueState queue;
    for (const skranke::Ticket& t : kiosk.stored_tickets()) REQUIRE_FALSE(queue.apply(skranke::issued_event(t)));
    return skranke::people_in_room(queue, skranke::test::test_time_ms(0, 0));
}

}  // namespace

TEST_CASE("the SMS question says what is sent, that nothing else is, and when the number is deleted") {
    HeadlessKiosk kiosk(sending_sms(3));
    REQUIRE(kiosk.walk_in("en", "social_rent"));
    REQUIRE(to_sms_question(kiosk, ""));
    CHECK(kiosk.said("Do you want an SMS when it is nearly your turn?"));
    CHECK(kiosk.said("one when 3 or fewer people are before you"));
    CHECK(kiosk.said("one when it is your turn, saying which counter to go to"));
    CHECK(kiosk.said("We send nothing else"));
    CHECK(kiosk.said("deletes it automatically"));
    CHECK(kiosk.said("We send no SMS unless you tap"));
    CHECK(kiosk.said("Step 4 of 5"));
    // Neither answer is chosen until tapped, and the phone pad waits for "Yes".
    CHECK_FALSE(kiosk.state().form.sms.has_value());
    CHECK(kiosk.targets().find("key.1") == nullptr);

    SUBCASE("in Norwegian, and read aloud like any screen") {
        REQUIRE(kiosk.tap("bar.language"));
        REQUIRE(kiosk.tap("menu.language.nb"));
        CHECK(kiosk.said("Vil du ha SMS når det snart er din tur?"));
        CHECK(kiosk.said("når det er 3 eller færre personer foran deg"));
        REQUIRE(kiosk.tap("bar.read_aloud"));
        REQUIRE(kiosk.speaker().said.size() == 1);
        const std::string& text = kiosk.speaker().said.front().text;
        CHECK(text.find("Vi sender ikke noe annet") != std::string::npos);
        CHECK(text.find("Ja, send meg SMS") != std::string::npos);
        CHECK(text.find("Nei, ingen SMS") != std::string::npos);
    }
}

TEST_CASE("consent given: the stored ticket has sms_wanted and the phone, and the ticket screen says so") {
    HeadlessKiosk kiosk(sending_sms(3));
    REQUIRE(kiosk.walk_in("en", "social_rent"));
    REQUIRE(to_sms_question(kiosk, "91234567"));
    REQUIRE(kiosk.tap("sms_consent.yes"));
    CHECK(kiosk.state().form.sms == true);
    CHECK(kiosk.state().editing == skranke::visitor::TextField::phone);
    CHECK(kiosk.said("91234567"));  // the number given on the details screen, to check or change
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.page() == "confirm");
    CHECK(kiosk.said("SMS: Yes, when it is nearly your turn"));
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    REQUIRE(kiosk.page() == "ticket");
    CHECK(kiosk.said("We will send an SMS to your phone when it is nearly your turn."));
    CHECK(kiosk.said("Please sit down"));
    CHECK_FALSE(kiosk.said("91234567"));  // the number is not on the ticket screen

    const auto tickets = kiosk.stored_tickets();
    REQUIRE(tickets.size() == 1);
    CHECK(tickets.front().request.sms_wanted);
    CHECK_FALSE(tickets.front().request.waits_outside);
    CHECK(tickets.front().request.phone == "+4791234567");
}

TEST_CASE("no consent: no SMS, whether the visitor taps No or only Next") {
    HeadlessKiosk kiosk(sending_sms(3));
    REQUIRE(kiosk.walk_in("en", "social_rent"));
    REQUIRE(to_sms_question(kiosk, "91234567"));
    SUBCASE("No") {
        REQUIRE(kiosk.tap("sms_consent.no"));
        CHECK(kiosk.state().form.sms == false);
        CHECK(kiosk.targets().find("key.1") == nullptr);
    }
    SUBCASE("Yes, then No: the later answer counts") {
        REQUIRE(kiosk.tap("sms_consent.yes"));
        REQUIRE(kiosk.tap("sms_consent.no"));
    }
    SUBCASE("Next without an answer") {}
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.page() == "confirm");
    CHECK(kiosk.said("SMS: No"));
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    REQUIRE(kiosk.page() == "ticket");
    CHECK_FALSE(kiosk.said("We will send an SMS"));
    const auto tickets = kiosk.stored_tickets();
    REQUIRE(tickets.size() == 1);
    CHECK_FALSE(tickets.front().request.sms_wanted);
    CHECK_FALSE(tickets.front().request.waits_outside);
    CHECK(tickets.front().request.phone == "+4791234567");  // given for the staff, as before
}

TEST_CASE("yes without a phone number: the phone is required, with a message, and checked") {
    HeadlessKiosk kiosk(sending_sms(2));
    REQUIRE(kiosk.walk_in("en", "social_rent"));
    REQUIRE(to_sms_question(kiosk, ""));
    REQUIRE(kiosk.tap("sms_consent.yes"));
    REQUIRE(kiosk.targets().find("key.1") != nullptr);  // the phone pad, on the number's field
    REQUIRE(kiosk.tap("nav.next"));
    CHECK(kiosk.page() == "sms");
    CHECK(kiosk.state().error_key == "error.sms_phone_required");
    CHECK(kiosk.said("Type your phone number, so that we can send the SMS"));
    CHECK(kiosk.state().editing == skranke::visitor::TextField::phone);

    REQUIRE(kiosk.type("12"));  // the existing phone check, with its message
    REQUIRE(kiosk.tap("nav.next"));
    CHECK(kiosk.page() == "sms");
    CHECK(kiosk.state().error_key == "error.phone_format");

    // The message above the field pushes the pad's last row under «Show more»: scrolled to.
    REQUIRE(kiosk.scroll_and_tap("key.backspace", ""));
    REQUIRE(kiosk.tap("key.backspace"));
    REQUIRE(kiosk.type("+4791234567"));
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.page() == "confirm");
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    const auto tickets = kiosk.stored_tickets();
    REQUIRE(tickets.size() == 1);
    CHECK(tickets.front().request.sms_wanted);
    CHECK(tickets.front().request.phone == "+4791234567");
}

TEST_CASE("no SMS question when the office sends no SMS, nor with a callback request") {
    SUBCASE("office.sms_near_front = 0: details lead to the summary, as before") {
        HeadlessKiosk kiosk(sending_sms(0, 1));
        others_inside(kiosk, 1);
        REQUIRE(kiosk.tap("language.en"));
        REQUIRE(kiosk.page() == "room_full");
        CHECK(kiosk.targets().find("room_full.outside") == nullptr);
        REQUIRE(kiosk.tap("room_full.urgent"));
        REQUIRE(kiosk.tap("need.emergency_food"));
        REQUIRE(kiosk.tap("nav.next"));
        REQUIRE(kiosk.tap("nav.skip"));
        CHECK(kiosk.page() == "confirm");
        CHECK_FALSE(kiosk.said("SMS"));
        // An intent no screen offers is refused all the same.
        kiosk.app().apply({skranke::visitor::IntentKind::answer_sms, {}, true}, {}, 1001.0);
        CHECK_FALSE(kiosk.state().form.sms.has_value());
    }
    SUBCASE("a callback request never asks") {
        HeadlessKiosk kiosk(sending_sms(3, 1));
        others_inside(kiosk, 1);
        REQUIRE(kiosk.tap("language.en"));
        REQUIRE(kiosk.tap("room_full.callback"));
        REQUIRE(kiosk.tap("need.social_rent"));
        REQUIRE(kiosk.page() == "callback_phone");
        REQUIRE(kiosk.type("91234567"));
        REQUIRE(kiosk.tap("nav.next"));
        CHECK(kiosk.page() == "callback_confirm");
        CHECK_FALSE(kiosk.said("SMS"));
        REQUIRE(kiosk.tap("callback.send"));
        const auto tickets = kiosk.stored_tickets();
        REQUIRE(tickets.size() == 2);
        for (const skranke::Ticket& t : tickets) CHECK_FALSE(t.request.sms_wanted);
        CHECK(std::any_of(tickets.begin(), tickets.end(),
                          [](const skranke::Ticket& t) { return t.request.channel == skranke::Channel::callback; }));
    }
}

TEST_CASE("an appointment's check-in is asked too, after the name") {
    HeadlessKiosk kiosk(sending_sms(3));
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.tap("appointment.yes"));
    REQUIRE(kiosk.tap("appointment_time.unknown"));
    REQUIRE(kiosk.tap("nav.skip"));
    REQUIRE(kiosk.page() == "sms");
    CHECK(kiosk.said("Step 3 of 4"));
    REQUIRE(kiosk.tap("sms_consent.yes"));
    REQUIRE(kiosk.type("91234567"));
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.page() == "confirm");
    CHECK(kiosk.said("Phone: 91234567"));
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    const auto tickets = kiosk.stored_tickets();
    REQUIRE(tickets.size() == 1);
    CHECK(tickets.front().request.channel == skranke::Channel::appointment);
    CHECK(tickets.front().request.sms_wanted);
}

TEST_CASE("room full: wait outside for the SMS, with every need, and not counted inside") {
    HeadlessKiosk kiosk(sending_sms(3, 2));
    others_inside(kiosk, 2);
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.page() == "room_full");
    CHECK(kiosk.said("Wait outside – we send you an SMS"));
    REQUIRE(kiosk.tap("room_full.outside"));
    REQUIRE(kiosk.page() == "sms");
    CHECK(kiosk.state().form.waits_outside);
    CHECK(kiosk.said("Wait outside – we send you an SMS"));
    CHECK(kiosk.said("Stay near the office"));
    CHECK(kiosk.said("Step 1 of 5"));

    // Waiting outside needs the SMS: Next without an answer asks for one.
    REQUIRE(kiosk.tap("nav.next"));
    CHECK(kiosk.page() == "sms");
    CHECK(kiosk.state().error_key == "error.sms_choose");

    REQUIRE(kiosk.tap("sms_consent.yes"));
    REQUIRE(kiosk.type("91234567"));
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.page() == "need");
    // Outside takes no room: every need, not only the urgent ones.
    CHECK(kiosk.targets().find("need.social_rent") != nullptr);
    REQUIRE(kiosk.tap("need.social_rent"));
    REQUIRE(kiosk.page() == "questions");
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.tap("nav.skip"));  // "I would rather not say" keeps the number for the SMS
    REQUIRE(kiosk.page() == "confirm");
    CHECK(kiosk.said("SMS: Yes, I wait outside"));
    CHECK(kiosk.said("Phone: 91234567"));
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    REQUIRE(kiosk.page() == "ticket");
    CHECK(kiosk.said("You may wait outside. Stay near the office."));
    CHECK(kiosk.said("We will send an SMS to your phone"));
    CHECK_FALSE(kiosk.said("Please sit down"));

    const auto tickets = kiosk.stored_tickets();
    REQUIRE(tickets.size() == 3);
    const auto mine = std::find_if(tickets.begin(), tickets.end(),
                                   [](const skranke::Ticket& t) { return t.request.need_id == "social_rent"; });
    REQUIRE(mine != tickets.end());
    CHECK(mine->request.sms_wanted);
    CHECK(mine->request.waits_outside);
    CHECK(mine->request.phone == "+4791234567");
    CHECK(counted_inside(kiosk) == 2);

    // The next visitor still finds the room full: the one outside takes no place in it.
    REQUIRE(kiosk.tap("ticket.done"));
    REQUIRE(kiosk.tap("language.en"));
    CHECK(kiosk.page() == "room_full");
}

TEST_CASE("room full: No to the SMS, or Back, is not waiting outside") {
    HeadlessKiosk kiosk(sending_sms(3, 1));
    others_inside(kiosk, 1);
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.tap("room_full.outside"));
    SUBCASE("No") { REQUIRE(kiosk.tap("sms_consent.no")); }
    SUBCASE("Yes, then Back") {
        REQUIRE(kiosk.tap("sms_consent.yes"));
        REQUIRE(kiosk.tap("nav.back"));
    }
    CHECK(kiosk.page() == "room_full");
    CHECK_FALSE(kiosk.state().form.waits_outside);
    CHECK_FALSE(kiosk.state().form.sms.has_value());
    // The urgent way is as before: only the urgent needs.
    REQUIRE(kiosk.tap("room_full.urgent"));
    CHECK(kiosk.targets().find("need.social_rent") == nullptr);
}

TEST_CASE("Back, Start again and the idle wipe take the SMS wish away with the phone") {
    HeadlessKiosk kiosk(sending_sms(3));
    REQUIRE(kiosk.walk_in("en", "social_rent"));
    REQUIRE(to_sms_question(kiosk, ""));
    REQUIRE(kiosk.tap("sms_consent.yes"));
    REQUIRE(kiosk.type("91234567"));

    SUBCASE("Back") {
        REQUIRE(kiosk.tap("nav.back"));
        CHECK(kiosk.page() == "details");
        CHECK_FALSE(kiosk.state().form.sms.has_value());
    }
    SUBCASE("Back from the summary keeps the answer on screen, to change it") {
        REQUIRE(kiosk.tap("nav.next"));
        REQUIRE(kiosk.tap("nav.back"));
        CHECK(kiosk.page() == "sms");
        CHECK(kiosk.state().form.sms == true);
        CHECK(kiosk.state().editing == skranke::visitor::TextField::phone);
    }
    SUBCASE("Start again") {
        REQUIRE(kiosk.tap("nav.start_over"));
        CHECK(kiosk.page() == "start");
        CHECK_FALSE(kiosk.state().form.sms.has_value());
        CHECK(kiosk.state().form.phone.empty());
    }
    SUBCASE("the idle wipe") {
        kiosk.wait_seconds(61);
        REQUIRE(kiosk.page() == "sms-idle");
        kiosk.wait_seconds(31);
        CHECK(kiosk.page() == "start");
        CHECK_FALSE(kiosk.state().form.sms.has_value());
        CHECK_FALSE(kiosk.state().form.waits_outside);
        CHECK(kiosk.state().form.phone.empty());
    }
}
