// The whole visitor flow, by taps, in every language, ending in a ticket in the store.
#include <doctest/doctest.h>

#include "domain/validation.hpp"
#include "store/sync_store.hpp"
#include "support/headless_kiosk.hpp"
#include "support/store_fixture.hpp"

using skranke::test::HeadlessKiosk;

namespace {

// A word per language that needs that language's own letters.
std::string word_for(const std::string& language) {
    if (language == "nb" || language == "nn") return "Blåbær søt";
    if (language == "pl") return "Zażółć";
    if (language == "uk") return "Привіт Ґанок";
    if (language == "so") return "Caawimaad";
    if (language == "lt") return "Ąžuolų šaknys";
    if (language == "ar") return "سلام عليكم";  // joined letters, typed right to left
    if (language == "fa") return "پدر و مادر";  // Persian letters of Dari: peh
    if (language == "ti") return "ሰላም ጓል";  // syllables: a consonant, then its form (ጓ: a w-form)
    return "Hello";
}

}  // namespace

TEST_CASE("a walk-in gets a ticket by taps alone, in every language") {
    for (const auto& lang : skranke::test::shipped_translations().languages()) {
        CAPTURE(lang.code);
        HeadlessKiosk kiosk;
        CHECK(kiosk.page() == "start");
        REQUIRE(kiosk.scroll_and_tap("language." + lang.code, ""));
        CHECK(kiosk.page() == "appointment_question");
        CHECK(kiosk.state().language == lang.code);
        REQUIRE(kiosk.tap("appointment.no"));
        CHECK(kiosk.page() == "need");
        REQUIRE(kiosk.tap("need.emergency_food"));
        CHECK(kiosk.page() == "questions");
        REQUIRE(kiosk.tap("children.yes"));
        REQUIRE(kiosk.tap("interpreter.yes"));
        REQUIRE(kiosk.tap("interpreter.ar"));
        REQUIRE(kiosk.tap("access.wheelchair"));
        REQUIRE(kiosk.tap("nav.next"));
        CHECK(kiosk.page() == "details");
        CHECK(kiosk.state().editing == skranke::visitor::TextField::description);
        const std::string word = word_for(lang.code);
        REQUIRE(kiosk.type(word));
        CHECK(kiosk.state().form.description == word);
        REQUIRE(kiosk.tap("field.phone"));
        REQUIRE(kiosk.type("91234567"));
        REQUIRE(kiosk.tap("nav.next"));
        CHECK(kiosk.page() == "confirm");
        REQUIRE(kiosk.tap("confirm.get_ticket"));
        REQUIRE(kiosk.page() == "ticket");

        const auto tickets = kiosk.stored_tickets();
        REQUIRE(tickets.size() == 1);
        const skranke::Ticket& t = tickets.front();
        CHECK(t.request.need_id == "emergency_food");
        CHECK(t.request.urgent);  // an acute need is urgent by definition
        CHECK(t.request.children_affected);
        CHECK(t.request.language == lang.code);
        CHECK(t.request.interpreter_wanted);
        CHECK(t.request.interpreter_language == "ar");
        CHECK(t.request.accessibility.wheelchair);
        CHECK(t.request.description == word);
        CHECK(t.request.phone.find("91234567") != std::string::npos);
        CHECK(t.request.channel == skranke::Channel::walk_in);
        REQUIRE(kiosk.state().ticket);
        CHECK(kiosk.state().ticket->number == t.number.text());
        CHECK(kiosk.state().ticket->figures.people_ahead == 0);
        CHECK_FALSE(kiosk.state().ticket->figures.wait_minutes);  // no service times: "unknown"

        REQUIRE(kiosk.tap("ticket.done"));
        CHECK(kiosk.page() == "start");
        CHECK(kiosk.state().form.description.empty());
    }
}

TEST_CASE("skipping the details is as easy as giving them") {
    HeadlessKiosk kiosk;
    REQUIRE(kiosk.walk_in("nb", "social_rent"));
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.type("abc"));
    const auto* skip = kiosk.targets().find("nav.skip");
    const auto* next = kiosk.targets().find("nav.next");
    REQUIRE(skip);
    REQUIRE(next);
    CHECK(skip->rect.width() == doctest::Approx(next->rect.width()));
    CHECK(skip->rect.height() == doctest::Approx(next->rect.height()));
    REQUIRE(kiosk.tap("nav.skip"));
    CHECK(kiosk.page() == "confirm");
    CHECK(kiosk.state().form.description.empty());
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    const auto tickets = kiosk.stored_tickets();
    REQUIRE(tickets.size() == 1);
    CHECK_FALSE(tickets.front().request.urgent);
    CHECK(tickets.front().request.description.empty());
}

TEST_CASE("people ahead and the estimated wait come from the store") {
    skranke::test::HeadlessOptions options;
    options.recent_service_ms = {10 * 60000, 12 * 60000, 8 * 60000, 9 * 60000};
    HeadlessKiosk kiosk(options);
    for (int visitor = 0; visitor < 3; ++visitor) {
        REQUIRE(kiosk.walk_in("en", "other"));
        REQUIRE(kiosk.skip_to_confirm());
        REQUIRE(kiosk.tap("confirm.get_ticket"));
        REQUIRE(kiosk.state().ticket);
        CHECK(kiosk.state().ticket->figures.people_ahead == visitor);
        REQUIRE(kiosk.state().ticket->figures.wait_minutes);
        REQUIRE(kiosk.tap("ticket.done"));
    }
    CHECK(kiosk.stored_tickets().size() == 3);
}

TEST_CASE("the estimated wait comes from the services in the kiosk's copy of the office's log") {
    HeadlessKiosk kiosk;  // 10:00 local; its queue view reads time on the kiosk's clock
    skranke::test::TempDir other_dir;
    skranke::StoreOptions other_options;
    other_options.path = other_dir / "kiosk-b.db";
    other_options.device_id = "kiosk-b";
    other_options.kiosk_letter = 'B';
    auto other = skranke::Store::open(other_options);
    REQUIRE(other.ok());
    // Reception served three of another kiosk's visitors in the last hour (10, 12 and 8
    // minutes at the counter, on the hub's clock), and one more visitor is waiting.
    std::vector<skranke::MergedEvent> page;
    std::int64_t seq = 0;
    const std::int64_t minute = 60000, now = skranke::test::test_time_ms();
    for (const int took : {10, 12, 8}) {
        auto t = (*other)->issue_ticket(skranke::test::plain_request(), skranke::test::shipped_catalogue(), now - 60 * minute);
        REQUIRE(t.ok());
        const std::int64_t called = now - 50 * minute + seq * minute;
        page.push_back({++seq, now - 60 * minute, 0, skranke::issued_event(*t)});
        page.push_back({++seq, called, 0, skranke::staff_event(skranke::TicketCalled{t->event_id, "1"}, "desk-a", seq, called)});
        page.push_back({++seq, called + took * minute, 0,
                        skranke::staff_event(skranke::TicketServed{t->event_id, "1"}, "desk-a", seq, called + took * minute)});
    }
    auto waiting = (*other)->issue_ticket(skranke::test::plain_request(), skranke::test::shipped_catalogue(), now - 5 * minute);
    REQUIRE(waiting.ok());
    page.push_back({++seq, now - 5 * minute, 0, skranke::issued_event(*waiting)});
    REQUIRE(skranke::SyncStore(*kiosk.store()).apply_log(page, seq).ok());
    kiosk.store_written();

    REQUIRE(kiosk.walk_in("en", "other"));
    REQUIRE(kiosk.skip_to_confirm());
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    REQUIRE(kiosk.state().ticket);
    CHECK(kiosk.state().ticket->figures.people_ahead == 1);
    // The median service (10 minutes) for one person ahead, shared by the two open counters,
    // rounded up to five minutes.
    CHECK(kiosk.state().ticket->figures.wait_minutes == 5);
}

TEST_CASE("an appointment holder checks in with the time and an optional name") {
    HeadlessKiosk kiosk;  // 10:00 local
    REQUIRE(kiosk.tap("language.nb"));
    REQUIRE(kiosk.tap("appointment.yes"));
    CHECK(kiosk.page() == "appointment_time");
    REQUIRE(kiosk.tap("appointment_time.10:00"));
    CHECK(kiosk.page() == "appointment_details");
    REQUIRE(kiosk.type("Kari"));
    REQUIRE(kiosk.tap("nav.next"));
    CHECK(kiosk.page() == "confirm");
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    const auto tickets = kiosk.stored_tickets();
    REQUIRE(tickets.size() == 1);
    CHECK(tickets.front().request.channel == skranke::Channel::appointment);
    CHECK(tickets.front().request.need_id == "appointment");
    CHECK(tickets.front().request.name == "Kari");
    CHECK(tickets.front().request.appointment_ms == skranke::test::test_time_ms(0, 0));
}

TEST_CASE("Back goes one step back and Start over forgets everything") {
    HeadlessKiosk kiosk;
    REQUIRE(kiosk.walk_in("pl", "social_rent"));
    REQUIRE(kiosk.tap("children.yes"));
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.type("Ala"));
    REQUIRE(kiosk.tap("nav.back"));
    CHECK(kiosk.page() == "questions");
    CHECK(kiosk.state().form.children == true);
    REQUIRE(kiosk.tap("nav.back"));
    CHECK(kiosk.page() == "need");
    REQUIRE(kiosk.tap("nav.back"));
    CHECK(kiosk.page() == "appointment_question");
    REQUIRE(kiosk.tap("nav.start_over"));
    CHECK(kiosk.page() == "start");
    CHECK(kiosk.state().language == "nb");
    CHECK(kiosk.state().form.description.empty());
    CHECK_FALSE(kiosk.state().form.children.has_value());
    CHECK(kiosk.state().history.empty());
    CHECK(kiosk.stored_tickets().empty());
}

TEST_CASE("the language can be changed on any screen and the flow stays where it was") {
    HeadlessKiosk kiosk;
    REQUIRE(kiosk.tap("language.nb"));
    REQUIRE(kiosk.tap("appointment.no"));
    REQUIRE(kiosk.tap("bar.language"));
    CHECK(kiosk.page() == "need-languages");
    REQUIRE(kiosk.tap("menu.language.uk"));
    CHECK(kiosk.page() == "need");
    CHECK(kiosk.state().language == "uk");
}

TEST_CASE("the language picker says «Choose language» in every language, under each language's own name") {
    const auto& texts = skranke::test::shipped_translations();
    for (const float width : {1080.0f, 1920.0f}) {
        CAPTURE(width);
        skranke::test::HeadlessOptions options;
        options.width = width;
        options.height = width == 1080.0f ? 1920.0f : 1080.0f;
        HeadlessKiosk kiosk(options);
        // On the first screen and in the picker the tool bar opens, whatever language is on.
        for (const std::string prefix : {"language.", "menu.language."}) {
            CAPTURE(prefix);
            if (prefix == "menu.language.") {
                REQUIRE(kiosk.tap("language.uk"));
                REQUIRE(kiosk.tap("bar.language"));
            }
            for (const auto& lang : texts.languages()) {
                CAPTURE(lang.code);
                const std::string choose = texts.text(lang.code, "language.menu_title");
                if (lang.code != "en") CHECK(choose != texts.text("en", "language.menu_title"));
                CHECK(kiosk.said(choose));
                const auto* button = kiosk.targets().find(prefix + lang.code);
                REQUIRE(button != nullptr);
                CHECK(button->label == lang.native_name);
                CHECK(button->text_fits);
            }
        }
    }
}

TEST_CASE("a wrong phone number gets a message and is kept for fixing, never cut") {
    HeadlessKiosk kiosk;
    REQUIRE(kiosk.walk_in("en", "other"));
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.tap("field.phone"));
    REQUIRE(kiosk.type("123"));
    REQUIRE(kiosk.tap("nav.next"));
    CHECK(kiosk.page() == "details");
    CHECK(kiosk.state().error_key == "error.phone_format");
    CHECK(kiosk.state().form.phone == "123");
}

TEST_CASE("typing past a field's limit is refused with a message, never cut silently") {
    HeadlessKiosk kiosk;
    REQUIRE(kiosk.tap("language.en"));
    REQUIRE(kiosk.tap("appointment.yes"));
    REQUIRE(kiosk.tap("appointment_time.unknown"));
    REQUIRE(kiosk.tap("field.reference"));
    const std::size_t limit = skranke::max_reference_chars;
    REQUIRE(kiosk.type(std::string(limit, 'q')));
    CHECK(kiosk.state().error_key.empty());
    REQUIRE(kiosk.type("q"));
    CHECK(kiosk.state().error_key == "error.text_too_long");
    CHECK(kiosk.state().error_limit == limit);
    CHECK(kiosk.state().form.reference.size() == limit);
    bool shown = false;
    for (const auto& text : kiosk.spoken()) shown = shown || text.find(std::to_string(limit)) != std::string::npos;
    CHECK(shown);
    REQUIRE(kiosk.tap("key.backspace"));
    CHECK(kiosk.state().error_key.empty());
    CHECK(kiosk.state().form.reference.size() == limit - 1);
}

TEST_CASE("a button shows it is pressed while the finger is on it, and acts on release") {
    HeadlessKiosk kiosk;
    REQUIRE(kiosk.press("language.en"));
    const auto* held = kiosk.targets().find("language.en");
    REQUIRE(held);
    CHECK(held->pressed);
    CHECK(kiosk.page() == "start");  // nothing happens until the finger lifts
    for (const auto& t : kiosk.targets().targets())
        if (t.id != "language.en") CHECK_FALSE(t.pressed);
    kiosk.release();
    CHECK(kiosk.page() == "appointment_question");
    for (const auto& t : kiosk.targets().targets()) CHECK_FALSE(t.pressed);
}

TEST_CASE("people ahead counts only tickets still waiting in the queue as this kiosk knows it") {
    HeadlessKiosk kiosk;
    const auto issue = [&] {
        REQUIRE(kiosk.walk_in("en", "other"));
        REQUIRE(kiosk.skip_to_confirm());
        REQUIRE(kiosk.tap("confirm.get_ticket"));
        REQUIRE(kiosk.state().ticket);
        const int ahead = kiosk.state().ticket->figures.people_ahead.value_or(-1);
        REQUIRE(kiosk.tap("ticket.done"));
        return ahead;
    };
    CHECK(issue() == 0);
    CHECK(issue() == 1);
    // Reception calls and serves the first ticket.
    const auto tickets = kiosk.stored_tickets();
    REQUIRE(tickets.size() == 2);
    skranke::SyncStore synced(*kiosk.store());
    const std::string first = tickets.front().event_id;
    REQUIRE(synced.record_event(skranke::TicketCalled{first, "1"},
                                skranke::test::test_time_ms(0, 1)));
    REQUIRE(synced.record_event(skranke::TicketServed{first, {}}, skranke::test::test_time_ms(0, 2)));
    kiosk.store_written();
    CHECK(issue() == 1);  // only the second is still before the third
}
