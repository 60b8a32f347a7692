// The waiting room's capacity (office.room_capacity): when as many wait inside as the room
// takes, a walk-in sees the room-full screen. An appointment and an urgent need still get a
// ticket; anything else is a callback request or coming back later. Inside are today's
// waiting tickets that are not callback requests: called and served tickets have left it.
#include <doctest/doctest.h>

#include "store/sync_store.hpp"
#include "support/headless_kiosk.hpp"
#include "support/store_fixture.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;

namespace {

HeadlessOptions with_capacity(int capacity) {
    HeadlessOptions options;
    options.config.office.room_capacity = capacity;
    return options;
}

// Other visitors' tickets, written to the kiosk's store as its sync engine would.
std::vector<skranke::Ticket> others_waiting(HeadlessKiosk& kiosk, int walk_ins, int callbacks = 0) {
    std::vector<skranke::Ticket> issued;
    int minute = -40;
    for (int i = 0; i < walk_ins + callbacks; ++i) {
        skranke::TicketRequest r = skranke::test::plain_request();
        if (i >= walk_ins) {
            r.channel = skranke::Channel::callback;
            r.phone = "91234567";
        }
        auto t = kiosk.store()->issue_ticket(r, skranke::test::shipped_catalogue(), skranke::test::test_time_ms(0, minute++));
        REQUIRE(t.ok());
        issued.push_back(*t);
    }
    kiosk.store_written();
    return issued;
}

}  // namespace

TEST_CASE("under the room's capacity a walk-in starts as before") {
    HeadlessKiosk kiosk(with_capacity(3));
    others_waiting(kiosk, 2);
    REQUIRE(kiosk.tap("language.en"));
    CHECK(kiosk.page() == "appointment_question");
    CHECK_FALSE(kiosk.state().room_full);
}

TEST_CASE("with no capacity set the room is never full") {
    HeadlessKiosk kiosk(with_capacity(0));
    others_waiting(kiosk, 30);
    REQUIRE(kiosk.tap("language.en"));
    CHECK(kiosk.page() == "appointment_question");
}

TEST_CASE("at capacity the room-full screen says so and offers four ways, each where it should lead") {
    HeadlessKiosk kiosk(with_capacity(3));
    others_waiting(kiosk, 3);

    SUBCASE("the screen says plainly that the room is full, with the capacity") {
        REQUIRE(kiosk.tap("language.en"));
        REQUIRE(kiosk.page() == "room_full");
        CHECK(kiosk.said("The waiting room is full right now"));
        CHECK(kiosk.said("3 people are already waiting inside"));
        REQUIRE(kiosk.tap("nav.back"));
        CHECK(kiosk.page() == "start");
        REQUIRE(kiosk.tap("language.nb"));
        CHECK(kiosk.said("Venterommet er fullt"));
    }
    SUBCASE("I have an appointment: the appointment's check-in, which gets a ticket") {
        REQUIRE(kiosk.tap("language.en"));
        REQUIRE(kiosk.tap("room_full.appointment"));
        CHECK(kiosk.page() == "appointment_time");
        CHECK(kiosk.state().form.appointment);
        REQUIRE(kiosk.tap("nav.back"));
        CHECK(kiosk.page() == "room_full");
    }
    SUBCASE("Ask us to call you: the callback request, with every need") {
        REQUIRE(kiosk.tap("language.en"));
        REQUIRE(kiosk.tap("room_full.callback"));
        CHECK(kiosk.page() == "callback_need");
        CHECK(kiosk.targets().find("need.social_rent") != nullptr);
        REQUIRE(kiosk.tap("need.social_rent"));
        CHECK(kiosk.page() == "callback_phone");
    }
    SUBCASE("Come back later: the visit ends, as with Done") {
        REQUIRE(kiosk.tap("language.en"));
        REQUIRE(kiosk.tap("room_full.later"));
        CHECK(kiosk.page() == "start");
        CHECK_FALSE(kiosk.state().room_full);
        CHECK(kiosk.state().history.empty());
    }
}

TEST_CASE("when the room is full an urgent need still gets a ticket, and only urgent needs are offered") {
    HeadlessKiosk kiosk(with_capacity(2));
    others_waiting(kiosk, 2);
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.page() == "room_full");
    REQUIRE(kiosk.tap("room_full.urgent"));
    REQUIRE(kiosk.page() == "need");
    CHECK(kiosk.said("only for help that cannot wait"));
    CHECK(kiosk.targets().find("need.emergency_food") != nullptr);
    CHECK(kiosk.targets().find("need.emergency_housing") != nullptr);
    CHECK(kiosk.targets().find("need.emergency_power") != nullptr);
    CHECK(kiosk.targets().find("need.social_rent") == nullptr);
    CHECK(kiosk.targets().find("need.digital_help") == nullptr);

    // Anything else: the callback request from here.
    REQUIRE(kiosk.tap("need.callback"));
    CHECK(kiosk.page() == "callback_need");
    REQUIRE(kiosk.tap("nav.back"));
    REQUIRE(kiosk.page() == "need");

    REQUIRE(kiosk.tap("need.emergency_housing"));
    REQUIRE(kiosk.page() == "questions");
    REQUIRE(kiosk.skip_to_confirm());
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    REQUIRE(kiosk.page() == "ticket");
    REQUIRE(kiosk.state().ticket);
    CHECK(kiosk.state().ticket->urgent);
    CHECK(kiosk.stored_tickets().size() == 3);
}

TEST_CASE("a non-urgent need cannot be chosen on the need screen while the room is full") {
    HeadlessKiosk kiosk(with_capacity(1));
    others_waiting(kiosk, 1);
    skranke::visitor::VisitorApp& app = kiosk.app();
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.tap("room_full.urgent"));
    REQUIRE(kiosk.page() == "need");
    // The screen shows no such button; the application refuses it all the same.
    app.apply({skranke::visitor::IntentKind::choose_need, "social_rent"}, {}, 1001.0);
    CHECK(kiosk.page() == "need");
    CHECK(kiosk.state().form.need_id.empty());
}

TEST_CASE("callback requests and called or served tickets are not inside the room") {
    HeadlessKiosk kiosk(with_capacity(2));
    const auto tickets = others_waiting(kiosk, 3, 4);
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.page() == "room_full");  // 3 waiting inside, the callbacks aside
    REQUIRE(kiosk.tap("room_full.later"));

    skranke::SyncStore synced(*kiosk.store());
    REQUIRE(synced.record_event(skranke::TicketCalled{tickets[0].event_id, "1"}, skranke::test::test_time_ms(0, -5)));
    kiosk.store_written();
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.page() == "room_full");  // 2 still inside
    REQUIRE(kiosk.tap("room_full.later"));

    REQUIRE(synced.record_event(skranke::TicketServed{tickets[0].event_id, {}}, skranke::test::test_time_ms(0, -4)));
    REQUIRE(synced.record_event(skranke::TicketCalled{tickets[1].event_id, "1"}, skranke::test::test_time_ms(0, -3)));
    kiosk.store_written();
    REQUIRE(kiosk.tap("language.en"));
    CHECK(kiosk.page() == "appointment_question");  // 1 inside, 4 callback requests
}

TEST_CASE("on a closed day the closed screen comes before the room's capacity") {
    HeadlessOptions options = with_capacity(1);
    options.config = skranke::visitor::default_kiosk_config();  // Mon-Fri 08:00-15:30
    options.config.dpi = skranke::test::test_dpi;
    options.config.office.room_capacity = 1;
    options.wall_ms = skranke::test::test_time_ms(5);  // Saturday
    HeadlessKiosk kiosk(options);
    REQUIRE(kiosk.tap("language.en"));
    CHECK(kiosk.page() == "closed");
}
