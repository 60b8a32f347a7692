// The reception console driven by injected input (io.MousePos / io.MouseDown / io.KeysDown
// as Dear ImGui 1.86 expects): every action becomes the right event in the outbox, in the
// one queue order; and a console without a signed-in person can do nothing.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include "console/console_screens.hpp"
#include "domain/events.hpp"
#include "store/sync_store.hpp"
#include "support/headless_roles.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

struct ConsoleWorld {
    TempDir dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<QueueView> view;
    FakeStaffDesk desk;
    ui::RecordingSpeaker speaker;
    std::int64_t now_ms = test_time_ms();

    ConsoleWorld()
        : store(open_test_store(dir / "reception.db", "reception-a")), view(open_test_view(dir / "reception.db")) {}
    console::ConsoleServices services() {
        console::ConsoleServices s;
        s.store = store.get();
        s.view = view.get();
        s.catalogue = &shipped_catalogue();
        s.texts = &staff_translations();
        s.desk = &desk;
        s.speaker = &speaker;
        s.alert_sound = "urgent.wav";
        s.wall_clock_ms = [this] { return now_ms; };
        s.counters = {"1", "2"};
        return s;
    }
    Ticket issue(TicketRequest request, int minutes_ago) {
        request.description = "Trenger hjelp med depositum til ny leilighet før fredag";
        auto t = store->issue_ticket(request, shipped_catalogue(), now_ms - minutes_ago * 60000LL);
        REQUIRE(t.ok());
        REQUIRE(view->update_now().ok());
        return *t;
    }
    // Staff events in the outbox, oldest first, as "type ticket_id".
    std::vector<std::string> actions() {
        return query_texts(dir / "reception.db",
                           "SELECT type || ' ' || json_extract(body, '$.ticket_id') FROM outbox"
                           " WHERE type NOT IN ('ticket.issued', 'callback.requested') ORDER BY device_seq");
    }
};

void sign_in(HeadlessConsole& console) {
    console::Intent in;
    in.kind = console::IntentKind::sign_in;
    in.text = "kari";
    in.pin = "2468";
    in.counter = "2";
    console.app().apply(in, console.screen().now());
    console.frame();
    REQUIRE(console.app().state().signed_in);
}

}  // namespace

TEST_CASE("console buttons and keys call next in the one order, recall, serve, mark no-show and transfer") {
    ConsoleWorld world;
    const Ticket first = world.issue(plain_request(), 30);
    const Ticket urgent = world.issue(emergency_request(), 5);
    const Ticket third = world.issue(plain_request(), 3);
    HeadlessConsole console(world.services());
    sign_in(console);
    REQUIRE(console.app().state().waiting.size() == 3);
    CHECK(console.app().state().waiting.front().ticket_id == urgent.event_id);  // urgent first
    CHECK(console.screen().drew("AKUTT"));                                       // and it stands out

    REQUIRE(console.tap("call_next"));
    REQUIRE(console.app().state().current);
    CHECK(console.app().state().current->ticket_id == urgent.event_id);
    REQUIRE(console.tap("recall"));
    REQUIRE(console.tap("served"));
    CHECK_FALSE(console.app().state().current);

    console.press_key(console::key_f2);  // Call next by keyboard: the oldest walk-in now
    REQUIRE(console.app().state().current);
    CHECK(console.app().state().current->ticket_id == first.event_id);
    console.press_key(console::key_f6);  // no-show
    CHECK_FALSE(console.app().state().current);

    REQUIRE(console.tap("call_next"));
    REQUIRE(console.tap("transfer"));
    REQUIRE(console.tap("transfer.digital_help"));
    CHECK_FALSE(console.app().state().current);

    const std::vector<std::string> expected = {
        "ticket.called " + urgent.event_id,     "ticket.recalled " + urgent.event_id,
        "ticket.served " + urgent.event_id,     "ticket.called " + first.event_id,
        "ticket.no_show " + first.event_id,     "ticket.called " + third.event_id,
        "ticket.transferred " + third.event_id,
    };
    CHECK(world.actions() == expected);
    CHECK(query_texts(world.dir / "reception.db",
                      "SELECT json_extract(body, '$.to_need_id') FROM outbox WHERE type = 'ticket.transferred'") ==
          std::vector<std::string>{"digital_help"});
    // Every action says who did it and where.
    CHECK(query_int(world.dir / "reception.db",
                    "SELECT count(*) FROM outbox WHERE type LIKE 'ticket.%' AND type != 'ticket.issued'"
                    " AND json_extract(body, '$.staff_id') = 'kari'") == 7);
}

TEST_CASE("a chosen ticket is called out of order; the description opens on click; filters narrow the table") {
    ConsoleWorld world;
    world.issue(plain_request(), 30);
    const Ticket later = world.issue(plain_request(), 2);
    HeadlessConsole console(world.services());
    sign_in(console);
    CHECK(console.screen().drew("Trenger hjelp med depositum"));  // closed: only its start
    CHECK_FALSE(console.screen().drew("før fredag"));
    REQUIRE(console.tap("row." + later.event_id));
    CHECK(console.app().state().selected == later.event_id);
    CHECK(console.screen().drew("før fredag"));
    REQUIRE(console.tap("call_selected"));
    REQUIRE(console.app().state().current);
    CHECK(console.app().state().current->ticket_id == later.event_id);

    REQUIRE(console.tap("filter.emergency"));
    CHECK(console.app().state().waiting.empty());
    CHECK(console.app().state().waiting_total == 1);
    REQUIRE(console.tap("filter.all"));
    CHECK(console.app().state().waiting.size() == 1);
}

TEST_CASE("a visitor's Arabic description reads in the console as on the kiosk: joined, from the right") {
    ConsoleWorld world;
    TicketRequest request = plain_request();
    request.language = "ar";
    request.description = "\u0633\u0644\u0627\u0645 22";  // "salaam 22"
    auto t = world.store->issue_ticket(request, shipped_catalogue(), world.now_ms - 60000);
    REQUIRE(t.ok());
    REQUIRE(world.view->update_now().ok());
    HeadlessConsole console(world.services());
    sign_in(console);
    REQUIRE(console.tap("row." + t->event_id));
    // Drawn: the number left of the joined word (meem, lam-alef, initial seen), never the
    // letters apart in typing order.
    CHECK(console.screen().drew("22 \uFEE1\uFEFC\uFEB3"));
    CHECK_FALSE(console.screen().drew("\u0633\u0644\u0627\u0645"));
}

TEST_CASE("an urgent ticket arriving raises the alert: colour banner and sound") {
    ConsoleWorld world;
    HeadlessConsole console(world.services());
    sign_in(console);
    CHECK_FALSE(console.app().state().urgent_alert);
    const Ticket urgent = world.issue(emergency_request(), 0);
    console.app().refresh();
    console.frame();
    CHECK(console.app().state().urgent_alert);
    const auto banner = [](const std::string& numbers) {
        return ui::fill(staff_translations().text("nb", "console.urgent_arrived"), {{"numbers", numbers}});
    };
    CHECK(console.screen().drew(banner(urgent.number.text())));  // it names the ticket
    REQUIRE_FALSE(world.speaker.said.empty());
    CHECK(world.speaker.said.back().voice == "sound");
    REQUIRE(console.tap("acknowledge_alert"));
    CHECK_FALSE(console.app().state().urgent_alert);

    // Two more: one named banner; once both are handled the banner goes by itself.
    const Ticket second = world.issue(emergency_request(), 0);
    const Ticket third = world.issue(emergency_request(), 0);
    console.app().refresh();
    console.frame();
    CHECK(console.screen().drew(banner(second.number.text() + ", " + third.number.text())));
    REQUIRE(console.tap("call_next"));  // the oldest urgent waiting: the first, already seen
    REQUIRE(console.tap("served"));
    REQUIRE(console.tap("call_next"));
    console.app().refresh();
    console.frame();
    CHECK(console.app().state().urgent_alert);
    CHECK(console.screen().drew(banner(third.number.text())));
    REQUIRE(console.tap("served"));
    REQUIRE(console.tap("call_next"));
    console.app().refresh();
    CHECK_FALSE(console.app().state().urgent_alert);
}

TEST_CASE("the console remembers only the urgent tickets its log still holds") {
    ConsoleWorld world;
    HeadlessConsole console(world.services());
    sign_in(console);
    // Two urgent tickets from a kiosk, as the hub's log brings them; both served later.
    auto kiosk = open_test_store(world.dir / "kiosk.db", "kiosk-b");
    SyncStore log(*world.store);
    std::vector<MergedEvent> issued, served;
    std::int64_t seq = 0;
    for (int i = 0; i < 2; ++i) {
        auto t = kiosk->issue_ticket(emergency_request(), shipped_catalogue(), world.now_ms);
        REQUIRE(t.ok());
        issued.push_back({++seq, world.now_ms, 0, issued_event(*t)});
        served.push_back({seq + 10, world.now_ms, 0, staff_event(TicketCalled{t->event_id, "1"}, "desk-z", seq, world.now_ms, "ola")});
        served.push_back({seq + 20, world.now_ms, 0, staff_event(TicketServed{t->event_id, "1"}, "desk-z", seq + 10, world.now_ms, "ola")});
    }
    REQUIRE(log.apply_log(issued, seq).ok());
    REQUIRE(world.view->update_now().ok());
    console.app().refresh();
    CHECK(console.app().remembered_urgent() == 2);
    REQUIRE(log.apply_log(served, 22).ok());
    REQUIRE(world.view->update_now().ok());
    console.app().refresh();
    CHECK(console.app().remembered_urgent() == 2);  // served, still in the log
    // Days later the closed tickets leave the device's log window: and the console's memory.
    REQUIRE(log.leave_window(world.now_ms + 1).ok());
    REQUIRE(world.view->update_now().ok());
    console.app().refresh();
    CHECK(console.app().remembered_urgent() == 0);
}

TEST_CASE("the console's screen reads no SQL: refreshes and ticks take the queue view's snapshot") {
    ConsoleWorld world;
    for (int i = 0; i < 20; ++i) world.issue(i % 5 ? plain_request() : emergency_request(), 30 - i);
    HeadlessConsole console(world.services());
    sign_in(console);
    REQUIRE(console.app().state().waiting.size() == 20);
    // Every statement run on the console's own connection is counted from here on.
    int statements = 0;
    sqlite3_trace_v2(
        world.store->handle(), SQLITE_TRACE_STMT,
        [](unsigned, void* count, void*, void*) {
            ++*static_cast<int*>(count);
            return 0;
        },
        &statements);
    for (int i = 0; i < 10; ++i) {
        console.app().refresh();
        console.app().tick(console.screen().now() + i);
        console.frame();
    }
    CHECK(statements == 0);
    // A new ticket reaches the screen through the view alone.
    world.issue(plain_request(), 1);  // (the kiosk's write, on this test's connection)
    statements = 0;
    console.app().refresh();
    CHECK(console.app().state().waiting.size() == 21);
    CHECK(statements == 0);
    // A staff action is written on this connection (the one write), and shows at once.
    REQUIRE(console.tap("call_next"));
    CHECK(statements > 0);
    REQUIRE(console.app().state().current);
    CHECK(console.app().state().waiting.size() == 20);
    sqlite3_trace_v2(world.store->handle(), 0, nullptr, nullptr);
}

TEST_CASE("a console without sign-in can do nothing") {
    ConsoleWorld world;
    const Ticket ticket = world.issue(plain_request(), 10);
    HeadlessConsole console(world.services());
    CHECK_FALSE(console.tap("call_next"));  // not even drawn: the sign-in screen is
    CHECK(console.targets().find("sign_in") != nullptr);
    for (int kind = 0; kind <= static_cast<int>(console::IntentKind::acknowledge_alert); ++kind) {
        console::Intent intent;
        intent.kind = static_cast<console::IntentKind>(kind);
        if (intent.kind == console::IntentKind::sign_in) continue;
        intent.ticket_id = ticket.event_id;
        intent.text = "digital_help";
        console.app().apply(intent, console.screen().now());
    }
    console.press_key(console::key_f2);
    CHECK(world.actions().empty());
    CHECK(console.app().state().notice.text == staff_translations().text("nb", "console.sign_in_first"));

    // A wrong PIN is refused and signs nobody in.
    console::Intent wrong;
    wrong.kind = console::IntentKind::sign_in;
    wrong.text = "kari";
    wrong.pin = "1111";
    wrong.counter = "1";
    console.app().apply(wrong, console.screen().now());
    CHECK_FALSE(console.app().state().signed_in);
    CHECK(console.app().state().sign_in_problem == staff_translations().text("nb", "console.wrong_pin"));
}

TEST_CASE("the console signs out by itself after the idle time") {
    ConsoleWorld world;
    auto services = world.services();
    services.idle_sign_out_ms = 60000;
    HeadlessConsole console(services);
    sign_in(console);
    console.app().tick(console.screen().now() + 30);
    CHECK(console.app().state().signed_in);
    console.app().tick(console.screen().now() + 61);
    CHECK_FALSE(console.app().state().signed_in);
    CHECK(world.desk.sign_outs == 1);
}

TEST_CASE("while the hub is away the console says what still works, and actions wait in the outbox") {
    ConsoleWorld world;
    world.issue(plain_request(), 10);
    HeadlessConsole console(world.services());  // no sync status: offline
    sign_in(console);
    CHECK(console.screen().drew("Ingen kontakt med huben"));
    REQUIRE(console.tap("call_next"));
    CHECK(world.actions().size() == 1);
    CHECK(console.app().state().current);
}

TEST_CASE("a ticket transferred to another counter is called next only there") {
    ConsoleWorld world;
    const Ticket first = world.issue(plain_request(), 20);
    const Ticket second = world.issue(plain_request(), 10);
    HeadlessConsole console(world.services());
    sign_in(console);  // counter 2
    REQUIRE(console.tap("call_next"));
    REQUIRE(console.app().state().current);
    CHECK(console.app().state().current->ticket_id == first.event_id);
    REQUIRE(console.tap("transfer"));
    REQUIRE(console.tap("transfer_counter.1"));
    CHECK(query_texts(world.dir / "reception.db",
                      "SELECT json_extract(body, '$.to_counter') FROM outbox WHERE type = 'ticket.transferred'") ==
          std::vector<std::string>{"1"});
    CHECK(console.screen().drew("til skranke 1"));
    // Counter 2 skips it: the older ticket is counter 1's now.
    REQUIRE(console.tap("call_next"));
    REQUIRE(console.app().state().current);
    CHECK(console.app().state().current->ticket_id == second.event_id);

    console::ConsoleApp counter_one(world.services());
    console::Intent in;
    in.kind = console::IntentKind::sign_in;
    in.text = "kari";
    in.pin = "2468";
    in.counter = "1";
    counter_one.apply(in, 0);
    console::Intent next;
    next.kind = console::IntentKind::call_next;
    counter_one.apply(next, 0);
    REQUIRE(counter_one.state().current);
    CHECK(counter_one.state().current->ticket_id == first.event_id);
}

TEST_CASE("callback requests: urgent first and marked, the alert, language names, done or not reached, counted") {
    ConsoleWorld world;
    HeadlessConsole console(world.services());
    sign_in(console);
    const auto callback = [&](TicketRequest request, int minutes_ago) {
        request.channel = Channel::callback;
        request.phone = "912 34 567";
        request.language = "uk";
        return world.issue(request, minutes_ago);
    };
    const Ticket oldest = callback(plain_request(), 30);
    const Ticket urgent = callback(emergency_request(), 5);
    const Ticket newest = callback(plain_request(), 10);
    console.app().refresh();
    const auto& rows = console.app().state().callbacks;
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].ticket_id == urgent.event_id);  // urgent first, then the longest waiting
    CHECK(rows[0].urgent);
    CHECK(rows[1].ticket_id == oldest.event_id);
    CHECK(rows[2].ticket_id == newest.event_id);
    CHECK(console.app().state().urgent_alert);  // as for an urgent ticket
    REQUIRE_FALSE(world.speaker.said.empty());
    CHECK(world.speaker.said.back().voice == "sound");

    REQUIRE(console.tap("page.callbacks"));
    CHECK(console.screen().drew("AKUTT"));
    CHECK(console.screen().drew("Українська"));  // the language by its name, not "uk"
    CHECK_FALSE(console.screen().drew("uk"));

    REQUIRE(console.tap("callback_not_reached." + oldest.event_id));
    CHECK(console.app().state().notice.text ==
          ui::fill(staff_translations().text("nb", "console.callback_not_reached_marked"), {{"number", oldest.number.text()}}));
    REQUIRE(console.tap("callback_done." + urgent.event_id));
    CHECK(world.actions() ==
          std::vector<std::string>{"ticket.cancelled " + oldest.event_id, "ticket.cancelled " + urgent.event_id});
    CHECK(query_texts(world.dir / "reception.db",
                      "SELECT json_extract(body, '$.reason') FROM outbox WHERE type = 'ticket.cancelled' ORDER BY device_seq") ==
          std::vector<std::string>{"callback_not_reached", "callback_done"});
    REQUIRE(world.view->update_now().ok());
    console.app().refresh();
    REQUIRE(console.app().state().callbacks.size() == 1);
    CHECK(console.app().state().callbacks.front().ticket_id == newest.event_id);
    const DayFigures& f = console.app().state().figures;
    CHECK(f.callbacks == 3);
    CHECK(f.callbacks_done == 1);
    CHECK(f.callbacks_not_reached == 1);
    CHECK(f.callbacks_waiting == 1);
    REQUIRE(console.tap("page.figures"));
    CHECK(console.screen().drew(ui::fill(staff_translations().text("nb", "console.fig_callbacks"),
                                         {{"count", "3"}, {"done", "1"}, {"not_reached", "1"}, {"waiting", "1"}})));
}

TEST_CASE("the queue marks tickets past the ageing bound, says yes or no for children, names interpreter languages") {
    ConsoleWorld world;
    TicketRequest long_wait = plain_request();
    long_wait.interpreter_wanted = true;
    long_wait.interpreter_language = "uk";
    const Ticket aged = world.issue(long_wait, 50);
    TicketRequest with_children = plain_request();
    with_children.children_affected = true;
    world.issue(with_children, 10);
    HeadlessConsole console(world.services());
    sign_in(console);
    const auto& rows = console.app().state().waiting;
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].ticket_id == aged.event_id);
    CHECK(rows[0].aged);
    CHECK_FALSE(rows[1].aged);
    CHECK(console.screen().drew("over 45 min"));
    CHECK(console.screen().drew("Ukrainsk"));
    CHECK(console.screen().drew("Ja"));
    CHECK(console.screen().drew("Nei"));
}

TEST_CASE("visitors who wait outside for an SMS are marked, and an SMS that did not go is said to staff") {
    ConsoleWorld world;
    TicketRequest outside = plain_request();
    outside.phone = "+4791234567";
    outside.sms_wanted = true;
    outside.waits_outside = true;
    const Ticket a = world.issue(outside, 10);
    TicketRequest inside = outside;
    inside.waits_outside = false;
    const Ticket b = world.issue(inside, 5);
    HeadlessConsole console(world.services());
    sign_in(console);
    CHECK(console.screen().drew("Venter ute – får SMS"));
    CHECK(console.screen().drew("Får SMS når det nærmer seg"));
    CHECK_FALSE(console.screen().drew("ble ikke sendt"));

    // The notifier claims both tickets' near-front SMS; the gateway refuses them.
    SyncStore sync(*world.store);
    std::vector<MergedEvent> page;
    std::int64_t seq = 0;
    const auto add = [&](Event event) { page.push_back({++seq, world.now_ms, 0, std::move(event)}); };
    add(issued_event(a));
    add(issued_event(b));
    std::int64_t notifier_seq = 0;
    for (const Ticket* t : {&a, &b}) {
        add(staff_event(TicketNotified{t->event_id, NotifyKind::near_front, NotifyOutcome::sending, {}}, "notify-1",
                        ++notifier_seq, world.now_ms));
        add(staff_event(TicketNotified{t->event_id, NotifyKind::near_front, NotifyOutcome::failed,
                                       "the SMS gateway answered 503"},
                        "notify-1", ++notifier_seq, world.now_ms));
    }
    REQUIRE(sync.apply_log(page, seq).ok());
    REQUIRE(world.view->update_now().ok());
    console.frame();
    const auto& alerts = console.app().state().sms_alerts;
    REQUIRE(alerts.size() == 2);
    // The one outside is looked for at the entrance; the one inside sees the call on the screen.
    CHECK(std::count_if(alerts.begin(), alerts.end(), [&](const std::string& line) {
              return line.find(a.number.text()) != std::string::npos && line.find("venter ute") != std::string::npos &&
                     line.find("503") != std::string::npos;
          }) == 1);
    CHECK(std::count_if(alerts.begin(), alerts.end(), [&](const std::string& line) {
              return line.find(b.number.text()) != std::string::npos && line.find("venter ute") == std::string::npos;
          }) == 1);
    console.frame();  // the refresh after the snapshot, then what it drew
    CHECK(console.screen().drew("SMS ble ikke sendt"));
    CHECK(console.screen().drew("se etter dem ved inngangen"));
    for (const std::string& line : alerts) CHECK(line.find(outside.phone) == std::string::npos);  // never the phone
    // Served: nobody needs telling any more.
    console::Intent call;
    call.kind = console::IntentKind::call_ticket;
    call.ticket_id = a.event_id;
    console.app().apply(call, console.screen().now());
    console.frame();
    CHECK(console.screen().drew("Venter ute – får SMS"));  // at the counter, the panel says so too
    console::Intent served;
    served.kind = console::IntentKind::served;
    console.app().apply(served, console.screen().now());
    REQUIRE(world.view->update_now().ok());
    console.frame();
    CHECK(console.app().state().sms_alerts.size() == 1);
}

TEST_CASE("a member of staff signs in by keyboard alone: staff id, Tab, PIN, Tab, counter, Enter") {
    ConsoleWorld world;
    HeadlessConsole console(world.services());
    console.frame();
    REQUIRE_FALSE(console.app().state().signed_in);
    constexpr int tab = 258, enter = 257;
    console.screen().type("kari");  // the staff id field has the keyboard from the start
    console.frame();
    console.press_key(tab);
    console.screen().type("2468");
    console.frame();
    console.press_key(tab);
    console.screen().type("9");  // no such counter: said, with the office's counters
    console.frame();
    console.press_key(enter);
    CHECK_FALSE(console.app().state().signed_in);
    CHECK(console.app().state().sign_in_problem.find("«9»") != std::string::npos);
    CHECK(console.app().state().sign_in_problem.find("1, 2") != std::string::npos);
    // The PIN is never kept past an attempt: the keyboard is back in it; Tab selects the
    // counter typed, so typing replaces it.
    console.screen().type("2468");
    console.frame();
    console.press_key(tab);
    console.screen().type("2");
    console.frame();
    console.press_key(enter);
    REQUIRE(console.app().state().signed_in);
    CHECK(console.app().state().counter == "2");
    CHECK(console.app().state().staff_id == "kari");
}
