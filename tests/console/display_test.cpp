// The waiting-room display: what it draws (numbers and counters, never a name, phone, need or
// description, checked on the ImGui draw lists), newest call first, the offline mark, and
// announcing each new call once.
#include <doctest/doctest.h>

#include <algorithm>

#include "display/display_screen.hpp"
#include "domain/events.hpp"
#include "store/sync_store.hpp"
#include "support/headless_roles.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

struct DisplayWorld {
    TempDir dir;
    std::unique_ptr<Store> store;
    std::int64_t now_ms = test_time_ms();
    bool online = true;
    ui::RecordingSpeaker speaker;

    std::unique_ptr<QueueView> view;

    DisplayWorld() : store(open_test_store(dir / "display.db", "display-a")), view(open_test_view(dir / "display.db")) {}
    // A ticket with everything personal filled in, called to a counter.
    Ticket call(const std::string& name, const std::string& counter) {
        TicketRequest request = plain_request();
        request.name = name;
        request.phone = "91234567";
        request.description = "Trenger penger til depositum";
        request.children_affected = true;
        auto t = store->issue_ticket(request, shipped_catalogue(), now_ms);
        REQUIRE(t.ok());
        SyncStore sync_store(*store);
        REQUIRE(sync_store.record_event(TicketCalled{t->event_id, counter}, now_ms).ok());
        REQUIRE(view->update_now().ok());
        return *t;
    }
    display::DisplayServices services(display::Announcer* announcer = nullptr) {
        display::DisplayServices s;
        s.view = view.get();
        s.announcer = announcer;
        s.wall_clock_ms = [this] { return now_ms; };
        s.online = [this] { return online; };
        s.office_name = "NAV Grünerløkka";
        s.history = 7;
        return s;
    }
};

std::string without_spaces(std::string s) {
    s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
    return s;
}

bool drew_anywhere(const HeadlessScreen& screen, const std::string& needle) {
    for (const auto& text : screen.drawn_texts())
        if (without_spaces(text).find(without_spaces(needle)) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("the display never draws a name, phone, need or description: only numbers and counters") {
    DisplayWorld world;
    std::vector<Ticket> called;
    for (int i = 0; i < 9; ++i) called.push_back(world.call(i % 2 ? "Kari Nordmann" : "Ола Петренко", std::to_string(1 + i % 3)));
    display::DisplayApp app(world.services());
    app.tick(1000);
    HeadlessScreen screen(1920, 1080, display::display_font_sizes(1080));
    screen.frame([&] { display::draw_display(app.state(), staff_translations(), "nb", screen.fonts()); });
    REQUIRE_FALSE(screen.drawn_texts().empty());

    // Newest very large, the seven before it below.
    REQUIRE(app.state().newest);
    CHECK(app.state().newest->number == called.back().number.text());
    CHECK(app.state().earlier.size() == 7);
    CHECK(drew_anywhere(screen, called.back().number.text()));
    CHECK(drew_anywhere(screen, called[2].number.text()));
    CHECK(drew_anywhere(screen, "Skranke 3"));
    CHECK(drew_anywhere(screen, "NAV Grünerløkka"));

    const std::string need_text = visitor_translations().text("nb", shipped_catalogue().find(plain_request().need_id)->text_key);
    for (const std::string& secret : {std::string("Kari"), std::string("Nordmann"), std::string("Петренко"),
                                      std::string("91234567"), std::string("depositum"), need_text}) {
        CAPTURE(secret);
        CHECK_FALSE(drew_anywhere(screen, secret));
    }
    // The view model has no place for them either: the store's tickets carry them.
    CHECK(query_int(world.dir / "display.db", "SELECT count(*) FROM tickets WHERE name = 'Kari Nordmann'") > 0);
}

TEST_CASE("the display keeps its last state offline, with a small offline mark") {
    DisplayWorld world;
    world.call("Kari Nordmann", "2");
    display::DisplayApp app(world.services());
    app.tick(1000);
    HeadlessScreen screen(1920, 1080, display::display_font_sizes(1080));
    screen.frame([&] { display::draw_display(app.state(), staff_translations(), "nb", screen.fonts()); });
    CHECK_FALSE(drew_anywhere(screen, "frakoblet"));
    world.online = false;
    app.tick(1002);
    screen.frame([&] { display::draw_display(app.state(), staff_translations(), "nb", screen.fonts()); });
    CHECK(drew_anywhere(screen, "frakoblet"));
    REQUIRE(app.state().newest);  // the last known call stays
}

TEST_CASE("the display remembers only today's calls") {
    DisplayWorld world;
    display::DisplayApp app(world.services());
    app.tick(1000);
    for (const char* counter : {"1", "2", "3"}) world.call("Kari", counter);
    app.tick(1001);
    CHECK(app.remembered_calls() == 3);
    world.now_ms += 24LL * 3600 * 1000;  // the next day: yesterday's calls are neither shown nor kept
    app.tick(1100);
    CHECK(app.remembered_calls() == 0);
    CHECK_FALSE(app.state().highlight);
    world.call("Ola", "4");
    app.tick(1101);
    CHECK(app.remembered_calls() == 1);
    CHECK(app.state().highlight);  // today's call is new
}

TEST_CASE("calls present when the display starts are shown, not announced; each new call is announced once") {
    DisplayWorld world;
    world.call("Kari Nordmann", "1");
    display::AnnouncementSettings settings;
    settings.languages = {"nb", "en"};
    display::Announcer announcer(world.speaker, staff_translations(), settings);
    display::DisplayApp app(world.services(&announcer));
    app.tick(1000);
    CHECK(announcer.pending() == 0);
    CHECK_FALSE(app.state().highlight);
    const Ticket fresh = world.call("Ola", "2");
    app.tick(1001);  // call() brought the queue view up to date
    CHECK(app.state().highlight);
    REQUIRE(world.speaker.said.size() == 1);  // the first step starts at once
    CHECK(announcer.pending() == 1);        // the second waits
    CHECK(world.speaker.said[0].text == "Nummer " + fresh.number.spoken_text() + ", skranke 2");
    app.tick(1002);
    app.tick(1003);
    CHECK(world.speaker.said.size() == 1);  // still speaking: nothing cut off
    world.speaker.active = false;
    app.tick(1004);
    REQUIRE(world.speaker.said.size() == 2);
    CHECK(world.speaker.said[1].voice == "en-gb");
    CHECK(world.speaker.said[1].text == "Number " + fresh.number.spoken_text() + ", counter 2");
    app.tick(1020);
    CHECK_FALSE(app.state().highlight);  // a few seconds later it is an ordinary call
}

TEST_CASE("the display says the waiting room is full at the office's capacity, counting only who waits inside") {
    DisplayWorld world;
    int capacity = 2;
    const auto wait = [&](Channel channel) {
        TicketRequest request = plain_request();
        request.channel = channel;
        request.name = "Kari Nordmann";
        request.phone = "91234567";
        auto t = world.store->issue_ticket(request, shipped_catalogue(), world.now_ms - 60000);
        REQUIRE(t.ok());
        REQUIRE(world.view->update_now().ok());
        return *t;
    };
    display::DisplayServices services = world.services();
    services.room_capacity = [&capacity] { return capacity; };
    display::DisplayApp app(services);
    HeadlessScreen screen(1920, 1080, display::display_font_sizes(1080));
    const auto drawn_full = [&](double now_s) {
        app.tick(now_s);
        screen.frame([&] { display::draw_display(app.state(), staff_translations(), "nb", screen.fonts()); });
        return drew_anywhere(screen, "Venterommet er fullt");
    };

    const Ticket first = wait(Channel::walk_in);
    wait(Channel::callback);  // staff phone these: nobody sits in the room for them
    CHECK_FALSE(drawn_full(1000));
    wait(Channel::walk_in);
    CHECK(drawn_full(1001));
    CHECK(app.state().room_full);
    CHECK_FALSE(drew_anywhere(screen, "Kari"));
    CHECK_FALSE(drew_anywhere(screen, "91234567"));

    // A ticket called to a counter has left the room.
    SyncStore sync_store(*world.store);
    REQUIRE(sync_store.record_event(TicketCalled{first.event_id, "2"}, world.now_ms).ok());
    REQUIRE(world.view->update_now().ok());
    CHECK_FALSE(drawn_full(1002));

    // The office's capacity changes with the same queue: taken in at once; 0 is no limit.
    capacity = 1;
    CHECK(drawn_full(1003));
    capacity = 0;
    CHECK_FALSE(drawn_full(1004));
}
