// Every reception-console action's notice names the ticket and counter it acted on, and agrees
// with the console's own "at counter" panel and with the hub's log. Device ids are as long as
// real ones (so ticket ids are heap strings): a notice built from a view-model row that the
// action's own write rebuilt shows up here, under ASan when the row is gone and as the wrong
// number when another row took its place.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <set>

#include "console/console_screens.hpp"
#include "domain/events.hpp"
#include "domain/office_time.hpp"
#include "support/headless_roles.hpp"
#include "support/hub_devices.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/earlier_today.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using console::IntentKind;

namespace {

// As an office's enrolment names them: long enough that no id fits in a short string.
constexpr const char* kiosk_id = "kiosk-entrance-7c1e9b4f-e82370a5c3";
constexpr const char* console_id = "reception-desk-2-5d0c3f1a-9b44e1";

std::string said(std::string_view key, const std::vector<std::pair<std::string, std::string>>& values = {}) {
    return ui::fill(staff_translations().text("nb", key), values);
}

// The number the console shows as "at counter" (the text drawn after "Ved skranke 2:"), or
// "" when the panel shows nobody.
std::string panel_number(const HeadlessScreen& screen, const std::string& counter) {
    const auto& texts = screen.drawn_texts();
    const std::string heading = said("console.at_counter", {{"counter", counter}});
    for (std::size_t i = 0; i + 1 < texts.size(); ++i)
        if (texts[i] == heading) return texts[i + 1];
    return "";
}

// One event as the hub stored it, its ticket by number.
std::string hub_row(std::string_view type, const std::string& number, const std::string& counter = "",
                    const std::string& to_counter = "", const std::string& to_need = "", const std::string& reason = "") {
    return std::string(type) + "|" + number + "|" + counter + "|" + to_counter + "|" + to_need + "|" + reason;
}

class NoticeWorld {
public:
    NoticeWorld() {
        add_reception_staff(hub);
        kiosk = start_hub_device(hub, protocol::Role::kiosk, kiosk_id, 'A');
        reception = start_hub_device(hub, protocol::Role::reception, console_id, 'R');
        desk = std::make_unique<console::HubStaffDesk>(hub.connection(reception.token));
    }

    // A ticket from the kiosk, issued minutes_ago, known to the hub and to this console.
    Ticket issue(TicketRequest request, int minutes_ago) {
        auto t = kiosk.store->issue_ticket(request, shipped_catalogue(),
                                           earlier_today(wall_clock_ms(), minutes_ago, 10));
        REQUIRE(t.ok());
        numbers[t->event_id] = t->number.text();
        kiosk.engine->notify_local_event();
        REQUIRE(wait_until([&] { return caught_up(hub, kiosk) && caught_up(hub, reception); }, 10s));
        return *t;
    }

    void open_console() {
        auto services = hub_console_services(reception, *desk);
        services.export_dir = hub.dir() / "exports";
        console = std::make_unique<HeadlessConsole>(services);
    }

    // How many of this console's events the hub holds.
    std::int64_t at_hub() {
        return query_int(hub_db(), std::string("SELECT count(*) FROM events WHERE device_id = '") + console_id + "'");
    }

    // Waits until the hub holds `count` events of this console and the console has seen them;
    // the newest as "type|number|counter|to_counter|to_need_id|reason" (see hub_row).
    std::string newest_at_hub(std::int64_t count) {
        REQUIRE(wait_until([&] { return caught_up(hub, reception) && at_hub() == count; }, 10s));
        console->frame();  // the console takes in what the hub sent back
        console->frame();  // and draws it
        const auto rows = query_texts(
            hub_db(), std::string("SELECT json_extract(body, '$.ticket_id') || '|' || type || '|' ||"
                                  " coalesce(json_extract(body, '$.counter'), '') || '|' ||"
                                  " coalesce(json_extract(body, '$.to_counter'), '') || '|' ||"
                                  " coalesce(json_extract(body, '$.to_need_id'), '') || '|' ||"
                                  " coalesce(json_extract(body, '$.reason'), '')"
                                  " FROM events WHERE device_id = '") +
                          console_id + "' ORDER BY hub_seq DESC LIMIT 1");
        REQUIRE(rows.size() == 1);
        const std::size_t bar = rows[0].find('|');
        const auto number = numbers.find(rows[0].substr(0, bar));
        const std::string fields = rows[0].substr(bar + 1);
        const std::size_t type_end = fields.find('|');
        return fields.substr(0, type_end) + "|" + (number == numbers.end() ? "unknown ticket" : number->second) +
               fields.substr(type_end);
    }

    std::filesystem::path hub_db() { return hub.dir() / "hub" / "hub.db"; }
    const console::ConsoleState& state() { return console->app().state(); }

    HubFixture hub;
    HubDevice kiosk, reception;
    std::unique_ptr<console::HubStaffDesk> desk;
    std::unique_ptr<HeadlessConsole> console;
    std::map<std::string, std::string> numbers;  // ticket id -> "A 001"
};

// The notice is exactly this text, on screen too, and says whether it is an error.
void check_notice(NoticeWorld& w, const std::string& expected, bool error = false) {
    CHECK(w.state().notice.text == expected);
    CHECK(w.state().notice.error == error);
    CHECK_MESSAGE(w.console->screen().drew(expected), expected);
}

// Every transfer choice (each need, each other counter, Cancel) lies on the screen with its
// label readable, whatever the catalogue's length.
void check_transfer_choices_on_screen(const HeadlessConsole& c, std::size_t needs) {
    const ImVec2 screen = ImGui::GetIO().DisplaySize;
    std::size_t choices = 0;
    for (const ui::TouchTarget& t : c.targets().targets()) {
        if (t.id.rfind("transfer.", 0) != 0 && t.id.rfind("transfer_counter.", 0) != 0) continue;
        CAPTURE(t.id);
        ++choices;
        CHECK(t.rect.x0 >= 0);
        CHECK(t.rect.y0 >= 0);
        CHECK(t.rect.x1 <= screen.x);
        CHECK(t.rect.y1 <= screen.y);
        CHECK(t.text_fits);
    }
    CHECK(choices == needs + 2);  // the needs, counter 1 (not this one) and Cancel
}

}  // namespace

TEST_CASE("every console action's notice names the right ticket and counter, as the panel and the hub's log do") {
    NoticeWorld w;
    std::vector<Ticket> t;
    for (int age : {5, 4, 3, 2, 1}) t.push_back(w.issue(plain_request(), age));  // A 001 .. A 005
    TicketRequest callback = plain_request();
    callback.channel = Channel::callback;
    callback.phone = "412 34 567";
    const Ticket call_me = w.issue(callback, 1);
    const Ticket not_answering = w.issue(callback, 1);
    w.open_console();
    HeadlessConsole& c = *w.console;
    std::int64_t events = 0;

    // Sign in through the form, as a person would.
    REQUIRE(c.type_into("field.staff_id", "kari"));
    REQUIRE(c.type_into("field.pin", staff_pin));
    REQUIRE(c.tap("counter.2"));
    REQUIRE(c.tap("sign_in"));
    REQUIRE(w.state().signed_in);
    check_notice(w, said("console.welcome", {{"name", "Kari N."}, {"counter", "2"}}));
    CHECK(panel_number(c.screen(), "2").empty());

    // F2: the oldest ticket, at counter 2: notice, panel and hub say the same.
    c.press_key(console::key_f2);
    check_notice(w, said("console.called", {{"number", "A 001"}, {"counter", "2"}}));
    CHECK(panel_number(c.screen(), "2") == "A 001");
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_called, "A 001", "2"));
    CHECK(panel_number(c.screen(), "2") == "A 001");  // still, once the hub's copy is back

    // F2 while someone is at the counter: nothing is written.
    c.press_key(console::key_f2);
    check_notice(w, said("console.finish_current_first", {{"number", "A 001"}}), true);
    CHECK(w.at_hub() == events);

    c.press_key(console::key_f3);
    check_notice(w, said("console.recalled", {{"number", "A 001"}, {"counter", "2"}}));
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_recalled, "A 001", "2"));

    c.press_key(console::key_f4);
    check_notice(w, said("console.marked_served", {{"number", "A 001"}}));
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_served, "A 001", "2"));
    CHECK(panel_number(c.screen(), "2").empty());
    CHECK(c.screen().drew(said("console.nobody_at_counter")));

    c.press_key(console::key_f4);  // nobody at the counter now
    check_notice(w, said("console.nobody_called"), true);
    CHECK(w.at_hub() == events);

    c.press_key(console::key_f2);
    check_notice(w, said("console.called", {{"number", "A 002"}, {"counter", "2"}}));
    CHECK(panel_number(c.screen(), "2") == "A 002");
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_called, "A 002", "2"));
    c.press_key(console::key_f6);
    check_notice(w, said("console.marked_no_show", {{"number", "A 002"}}));
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_no_show, "A 002", "2"));

    // Transfer to another counter: the notice names that counter, as the hub's event does.
    c.press_key(console::key_f2);
    check_notice(w, said("console.called", {{"number", "A 003"}, {"counter", "2"}}));
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_called, "A 003", "2"));
    const std::string before_transfer = w.state().notice.text;
    REQUIRE(c.tap("transfer"));
    CHECK(w.state().notice.text == before_transfer);  // opening the choices says nothing
    check_transfer_choices_on_screen(c, w.state().needs.size());
    REQUIRE(c.tap("transfer.cancel"));
    CHECK(w.state().notice.text == before_transfer);
    REQUIRE(c.tap("transfer"));
    REQUIRE(c.tap("transfer_counter.1"));
    check_notice(w, said("console.transferred_to_counter", {{"number", "A 003"}, {"counter", "1"}}));
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_transferred, "A 003", "", "1", t[2].request.need_id));

    // A chosen ticket out of order, then transferred to another need.
    REQUIRE(c.tap("row." + t[4].event_id));
    CHECK(w.state().notice.text == said("console.transferred_to_counter", {{"number", "A 003"}, {"counter", "1"}}));
    REQUIRE(c.tap("call_selected"));
    check_notice(w, said("console.called", {{"number", "A 005"}, {"counter", "2"}}));
    CHECK(panel_number(c.screen(), "2") == "A 005");
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_called, "A 005", "2"));
    REQUIRE(c.tap("transfer"));
    REQUIRE(c.tap("transfer.digital_help"));
    check_notice(w, said("console.transferred", {{"number", "A 005"}}));
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_transferred, "A 005", "", "", "digital_help"));

    // Remove a chosen ticket.
    REQUIRE(c.tap("row." + t[3].event_id));
    REQUIRE(c.tap("cancel_ticket"));
    check_notice(w, said("console.cancelled", {{"number", "A 004"}}));
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_cancelled, "A 004"));
    CHECK(w.state().selected.empty());  // the removed ticket is chosen no more

    // F2 skips A 003 (counter 1's now) and takes A 005 from further down the table; the row it
    // came from is gone once the call is written.
    c.press_key(console::key_f2);
    check_notice(w, said("console.called", {{"number", "A 005"}, {"counter", "2"}}));
    CHECK(panel_number(c.screen(), "2") == "A 005");
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_called, "A 005", "2"));
    c.press_key(console::key_f4);
    check_notice(w, said("console.marked_served", {{"number", "A 005"}}));
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_served, "A 005", "2"));
    c.press_key(console::key_f2);
    check_notice(w, said("console.queue_empty"));
    CHECK(w.at_hub() == events);

    // Filters, opening a description and the urgent alert leave the notice as it was.
    REQUIRE(c.tap("filter.guidance"));
    REQUIRE(c.tap("filter.all"));
    REQUIRE(c.tap("row." + t[2].event_id));
    const Ticket urgent = w.issue(emergency_request(), 0);
    REQUIRE(wait_until([&] {
        c.frame();
        return w.state().urgent_alert;
    }, 10s));
    c.frame();  // the banner is drawn from the state the last frame ended with
    REQUIRE(c.tap("acknowledge_alert"));
    CHECK(w.state().notice.text == said("console.queue_empty"));

    // Call back: the row names the ticket the notice names.
    REQUIRE(c.tap("page.callbacks"));
    REQUIRE(c.tap("callback_done." + call_me.event_id));
    check_notice(w, said("console.callback_marked", {{"number", call_me.number.text()}}));
    CHECK(w.newest_at_hub(++events) ==
          hub_row(event_type::ticket_cancelled, call_me.number.text(), "", "", "", "callback_done"));
    REQUIRE(c.tap("callback_not_reached." + not_answering.event_id));
    check_notice(w, said("console.callback_not_reached_marked", {{"number", not_answering.number.text()}}));
    CHECK(w.newest_at_hub(++events) ==
          hub_row(event_type::ticket_cancelled, not_answering.number.text(), "", "", "", "callback_not_reached"));

    // Export: the notice names the file that was written.
    REQUIRE(c.tap("page.figures"));
    REQUIRE(c.tap("export_csv"));
    const auto file = w.hub.dir() / "exports" / ("skranke-" + w.state().day + ".csv");
    check_notice(w, said("console.exported", {{"file", file.string()}}));
    CHECK(std::filesystem::exists(file));

    // An action the queue no longer allows (another counter finished the ticket meanwhile, or
    // it is gone) says so and writes nothing.
    REQUIRE(c.tap("page.queue"));
    console::Intent stale;
    stale.kind = IntentKind::call_ticket;
    stale.ticket_id = t[0].event_id;
    w.console->app().apply(stale, c.screen().now());
    c.frame();
    check_notice(w, said("console.ticket_closed", {{"number", "A 001"}}), true);
    stale.ticket_id = std::string(kiosk_id) + ":999";
    w.console->app().apply(stale, c.screen().now());
    c.frame();
    check_notice(w, said("console.ticket_unknown"), true);
    stale.kind = IntentKind::cancel_ticket;
    stale.ticket_id = t[1].event_id;
    w.console->app().apply(stale, c.screen().now());
    c.frame();
    check_notice(w, said("console.ticket_closed", {{"number", "A 002"}}), true);
    CHECK(query_int(w.hub.dir() / (std::string(console_id) + ".db"), "SELECT count(*) FROM outbox") == events);

    // The urgent ticket is first now: F2 names it.
    c.press_key(console::key_f2);
    check_notice(w, said("console.called", {{"number", urgent.number.text()}, {"counter", "2"}}));
    CHECK(panel_number(c.screen(), "2") == urgent.number.text());
    CHECK(w.newest_at_hub(++events) == hub_row(event_type::ticket_called, urgent.number.text(), "2"));

    REQUIRE(c.tap("sign_out"));
    CHECK_FALSE(w.state().signed_in);
    CHECK(w.state().notice.text.empty());
    CHECK(w.state().sign_in_problem.empty());

    // Every kind of intent the console knows was driven above, through its screens.
    std::set<IntentKind> driven;
    for (const console::Intent& i : c.applied()) driven.insert(i.kind);
    for (int kind = 0; kind <= static_cast<int>(IntentKind::acknowledge_alert); ++kind)
        CHECK_MESSAGE(driven.count(static_cast<IntentKind>(kind)) == 1, "intent kind not driven: " << kind);
}

TEST_CASE("a call's notice names the ticket now at the counter, whatever the queue's length and the row called") {
    // The row called may be the first, the last or the only one; after the write it is gone
    // and the rows behind it move up.
    for (int length = 1; length <= 3; ++length) {
        for (int chosen = -1; chosen < length; ++chosen) {  // -1: Call next (F2); else that row
            CAPTURE(length);
            CAPTURE(chosen);
            TempDir dir;
            const std::int64_t now_ms = test_time_ms();
            auto store = open_test_store(dir / "reception.db", console_id);
            std::vector<Ticket> issued;
            for (int i = 0; i < length; ++i) {
                auto t = store->issue_ticket(plain_request(), shipped_catalogue(), now_ms - (30 - i) * 60000LL);
                REQUIRE(t.ok());
                issued.push_back(*t);
            }
            FakeStaffDesk desk;
            const auto view = open_test_view(dir / "reception.db");
            console::ConsoleServices services;
            services.store = store.get();
            services.view = view.get();
            services.catalogue = &shipped_catalogue();
            services.texts = &staff_translations();
            services.desk = &desk;
            services.counters = {"1", "2"};
            services.wall_clock_ms = [now_ms] { return now_ms; };
            HeadlessConsole c(services);
            console::Intent in;
            in.kind = IntentKind::sign_in;
            in.text = "kari";
            in.pin = "2468";
            in.counter = "2";
            c.app().apply(in, c.screen().now());
            c.frame();
            if (chosen < 0) {
                c.press_key(console::key_f2);
            } else {
                REQUIRE(c.tap("row." + issued[static_cast<std::size_t>(chosen)].event_id));
                REQUIRE(c.tap("call_selected"));
            }
            const Ticket& expected = issued[static_cast<std::size_t>(std::max(chosen, 0))];
            REQUIRE(c.app().state().current);
            CHECK(c.app().state().current->number == expected.number.text());
            CHECK(c.app().state().notice.text ==
                  said("console.called", {{"number", expected.number.text()}, {"counter", "2"}}));
            CHECK(panel_number(c.screen(), "2") == expected.number.text());
            c.press_key(console::key_f4);
            CHECK(c.app().state().notice.text == said("console.marked_served", {{"number", expected.number.text()}}));
        }
    }
}
