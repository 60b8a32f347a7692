// Appointment check-in asks the time with big buttons (the whole and half hours around now,
// or "I don't know") and stores it as the ticket's appointment time, so the queue rule
// "due appointments before walk-ins" applies to kiosk check-ins.
#include <doctest/doctest.h>

#include <ctime>
#include <string>
#include <vector>

#include "domain/office_time.hpp"
#include "domain/queue_order.hpp"
#include "store/sync_store.hpp"
#include "support/headless_kiosk.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"
#include "visitor/opening_hours.hpp"
#include "visitor/queue_figures.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::test_time_ms;
using skranke::visitor::appointment_slots;
using skranke::visitor::clock_text;

namespace {

// Monday 2 March 2026 at hour:minute:second, in the office's time zone.
std::int64_t local_ms(int hour, int minute, int second = 0) {
    return skranke::office_zone().utc_of(2026, 3, 2, hour * 60 + minute) + second * 1000LL;
}

skranke::visitor::OpeningHours open_on_monday(int from_minute, int to_minute) {
    skranke::visitor::OpeningHours hours;
    hours.week[0] = {true, from_minute, to_minute};
    return hours;
}

std::vector<std::string> labels(const std::vector<skranke::visitor::AppointmentSlot>& slots) {
    std::vector<std::string> out;
    for (const auto& s : slots) out.push_back(clock_text(s.minute));
    return out;
}

// A walk-in by taps, at the kiosk's wall time; returns the stored ticket.
skranke::Ticket walk_in(HeadlessKiosk& kiosk) {
    REQUIRE(kiosk.walk_in("en", "other"));
    REQUIRE(kiosk.skip_to_confirm());
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    REQUIRE(kiosk.tap("ticket.done"));
    return kiosk.stored_tickets().back();
}

// An appointment check-in by taps, tapping the button with this id on the time screen.
skranke::Ticket check_in(HeadlessKiosk& kiosk, const std::string& time_button) {
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.tap("appointment.yes"));
    REQUIRE(kiosk.page() == "appointment_time");
    REQUIRE(kiosk.tap(time_button));
    REQUIRE(kiosk.page() == "appointment_details");
    REQUIRE(kiosk.tap("nav.skip"));
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    REQUIRE(kiosk.page() == "ticket");
    return kiosk.stored_tickets().back();
}

// The waiting room in the one call order, as the console orders it, from the store.
std::vector<std::string> call_order(HeadlessKiosk& kiosk, std::int64_t now) {
    skranke::SyncStore synced(*kiosk.store());
    auto queue = synced.queue_state();
    REQUIRE(queue.ok());
    std::vector<std::string> keys;
    for (const auto& e : skranke::order_queue(queue->room_entries(kiosk.stored_tickets().front().service_day), now))
        keys.push_back(e.key);
    return keys;
}

}  // namespace

TEST_CASE("the times offered are the whole and half hours from an hour before now to an hour and a half after") {
    const auto all_day = open_on_monday(0, 24 * 60);
    const auto slots = appointment_slots(all_day, local_ms(10, 7, 30));
    CHECK(labels(slots) == std::vector<std::string>{"09:00", "09:30", "10:00", "10:30", "11:00", "11:30"});
    REQUIRE(slots.size() == 6);
    CHECK(slots[0].utc_ms == local_ms(9, 0));
    CHECK(slots[2].utc_ms == local_ms(10, 0));
    CHECK(slots[5].utc_ms == local_ms(11, 30));
    // On the half hour exactly, that half hour is "now".
    CHECK(labels(appointment_slots(all_day, local_ms(10, 30))).at(2) == "10:30");
    // Only while the office is open: a slot counts when its half hour overlaps the hours.
    CHECK(labels(appointment_slots(open_on_monday(8 * 60 + 15, 15 * 60 + 30), local_ms(8, 20))) ==
          std::vector<std::string>{"08:00", "08:30", "09:00", "09:30"});
    CHECK(labels(appointment_slots(open_on_monday(8 * 60, 15 * 60 + 30), local_ms(15, 10))) ==
          std::vector<std::string>{"14:00", "14:30", "15:00"});
    // Only today: nothing from yesterday evening just after midnight.
    CHECK(labels(appointment_slots(all_day, local_ms(0, 10))) ==
          std::vector<std::string>{"00:00", "00:30", "01:00", "01:30"});
}

TEST_CASE("the time screen shows the times as big buttons and 'I don't know', and Back keeps the choice") {
    HeadlessKiosk kiosk;  // 10:00 local
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.tap("appointment.yes"));
    REQUIRE(kiosk.page() == "appointment_time");
    for (const char* id :
         {"appointment_time.09:00", "appointment_time.09:30", "appointment_time.10:00", "appointment_time.10:30",
          "appointment_time.11:00", "appointment_time.11:30", "appointment_time.unknown"}) {
        CAPTURE(id);
        const auto* target = kiosk.targets().find(id);
        REQUIRE(target);
        CHECK(kiosk.scale().mm(target->rect.height()) >= 30.0f);  // a big button, for a shaking finger
    }
    CHECK(kiosk.targets().find("nav.next") == nullptr);  // tapping a time is the answer
    REQUIRE(kiosk.tap("appointment_time.10:30"));
    REQUIRE(kiosk.tap("nav.back"));
    CHECK(kiosk.page() == "appointment_time");
    CHECK(kiosk.state().form.appointment_ms == test_time_ms(0, 30));
    REQUIRE(kiosk.tap("appointment_time.unknown"));
    CHECK_FALSE(kiosk.state().form.appointment_ms.has_value());
    REQUIRE(kiosk.tap("nav.skip"));
    bool said = false;
    for (const auto& text : kiosk.spoken()) said = said || text == "Appointment time: I don't know";
    CHECK(said);
}

TEST_CASE("an appointment checked in at a due time is called before a walk-in who came earlier") {
    HeadlessKiosk kiosk;
    kiosk.set_wall_ms(test_time_ms(0, -20));  // 09:40
    const skranke::Ticket early_walk_in = walk_in(kiosk);
    kiosk.set_wall_ms(test_time_ms(0, 2));  // 10:02, for the 10:00 appointment
    const skranke::Ticket appointment = check_in(kiosk, "appointment_time.10:00");
    CHECK(appointment.request.channel == skranke::Channel::appointment);
    CHECK(appointment.request.appointment_ms == test_time_ms(0, 0));
    CHECK(kiosk.state().ticket->figures.people_ahead == 0);
    CHECK(call_order(kiosk, test_time_ms(0, 3)) ==
          std::vector<std::string>{appointment.event_id, early_walk_in.event_id});
    // The walk-in's own kiosk would now tell them one person is ahead.
    skranke::SyncStore synced(*kiosk.store());
    auto queue = synced.queue_state();
    REQUIRE(queue.ok());
    CHECK(skranke::visitor::people_ahead_in(*queue, early_walk_in, test_time_ms(0, 3)) == 1);
}

TEST_CASE("'I don't know' and a time not yet due leave the check-in in arrival order") {
    for (const std::string button : {"appointment_time.unknown", "appointment_time.10:30"}) {
        CAPTURE(button);
        HeadlessKiosk kiosk;
        kiosk.set_wall_ms(test_time_ms(0, -10));  // 09:50
        const skranke::Ticket early_walk_in = walk_in(kiosk);
        kiosk.set_wall_ms(test_time_ms(0, 2));
        const skranke::Ticket appointment = check_in(kiosk, button);
        CHECK(appointment.request.channel == skranke::Channel::appointment);
        CHECK(appointment.request.appointment_ms.has_value() == (button != "appointment_time.unknown"));
        CHECK(kiosk.state().ticket->figures.people_ahead == 1);
        CHECK(call_order(kiosk, test_time_ms(0, 3)) ==
              std::vector<std::string>{early_walk_in.event_id, appointment.event_id});
        // A 10:30 appointment is due from 10:25 and then goes first (the walk-in has not
        // yet waited the 45 minutes that would make it urgent); without a time it never does.
        CHECK((call_order(kiosk, test_time_ms(0, 26)).front() == appointment.event_id) ==
              (button != "appointment_time.unknown"));
    }
}

TEST_CASE("only a time the screen offered is stored; anything else counts as 'I don't know'") {
    const auto config = skranke::test::HeadlessOptions::open_every_day();
    skranke::test::TempDir dir;
    skranke::StoreOptions store_options;
    store_options.path = dir.path() / "kiosk.db";
    auto store = skranke::Store::open(store_options);
    REQUIRE(store.ok());
    skranke::visitor::VisitorServices services;
    services.store = store->get();
    services.catalogue = &skranke::test::shipped_catalogue();
    services.config = &config;
    services.translations = &skranke::test::shipped_translations();
    services.wall_clock_ms = [] { return test_time_ms(0, 0); };
    skranke::visitor::VisitorApp app(services);
    using skranke::visitor::IntentKind;
    app.apply({IntentKind::choose_language, "en", false, {}}, {}, 0.5);
    app.apply({IntentKind::answer_appointment, {}, true, {}}, {}, 1.0);
    REQUIRE(app.state().screen == skranke::visitor::Screen::appointment_time);
    REQUIRE(app.state().appointment_slots.size() == 6);
    app.apply({IntentKind::choose_appointment_time, std::to_string(test_time_ms(1, 0)), true, {}}, {}, 2.0);
    CHECK(app.state().screen == skranke::visitor::Screen::appointment_details);
    CHECK_FALSE(app.state().form.appointment_ms.has_value());
    app.apply({IntentKind::back, {}, false, {}}, {}, 3.0);
    app.apply({IntentKind::choose_appointment_time, std::to_string(test_time_ms(0, 30)), true, {}}, {}, 4.0);
    CHECK(app.state().form.appointment_ms == test_time_ms(0, 30));
    // Changing the answer to "no appointment" forgets the time.
    app.apply({IntentKind::back, {}, false, {}}, {}, 5.0);
    app.apply({IntentKind::back, {}, false, {}}, {}, 6.0);
    REQUIRE(app.state().screen == skranke::visitor::Screen::appointment_question);
    app.apply({IntentKind::answer_appointment, {}, false, {}}, {}, 7.0);
    CHECK_FALSE(app.state().form.appointment_ms.has_value());
}
