// What the ticket screen says about the queue comes from one figure, people ahead: the
// people waiting in the room before this ticket in the one call order. Callback requests
// are nobody in the room. The sentences can never contradict each other.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "domain/office_time.hpp"
#include "store/sync_store.hpp"
#include "support/headless_kiosk.hpp"
#include "support/store_fixture.hpp"
#include "visitor/queue_figures.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::test_time_ms;

namespace {

enum class Ahead { nobody, walk_in, urgent_walk_in };
enum class Appointment { none, due, later };

struct Mix {
    bool urgent = false;  // the visitor's own ticket
    int callbacks = 0;    // callback requests before it: an urgent one, then a plain one
    Appointment appointment = Appointment::none;
    Ahead walk_in = Ahead::nobody;
};

std::string describe(const Mix& m) {
    return std::string(m.urgent ? "urgent" : "not urgent") + ", callbacks " + std::to_string(m.callbacks) +
           ", appointment " +
           (m.appointment == Appointment::none  ? "none"
            : m.appointment == Appointment::due ? "due"
                                                : "later") +
           ", walk-in ahead " +
           (m.walk_in == Ahead::nobody    ? "none"
            : m.walk_in == Ahead::walk_in ? "plain"
                                          : "urgent");
}

// Issues the tickets that came before the visitor, straight into the kiosk's store.
void issue_before(HeadlessKiosk& kiosk, const Mix& m) {
    std::vector<skranke::TicketRequest> before;
    for (int i = 0; i < m.callbacks; ++i) {
        skranke::TicketRequest r = i == 0 ? skranke::test::emergency_request() : skranke::test::plain_request();
        r.channel = skranke::Channel::callback;
        r.phone = "91234567";
        before.push_back(r);
    }
    if (m.appointment != Appointment::none) {
        skranke::TicketRequest r;
        r.need_id = "appointment";
        r.channel = skranke::Channel::appointment;
        r.appointment_ms = m.appointment == Appointment::due ? test_time_ms(0, 0) : test_time_ms(0, 120);
        before.push_back(r);
    }
    if (m.walk_in != Ahead::nobody)
        before.push_back(m.walk_in == Ahead::urgent_walk_in ? skranke::test::emergency_request()
                                                            : skranke::test::plain_request());
    int minute = -30;
    for (const auto& r : before) {
        auto issued = kiosk.store()->issue_ticket(r, skranke::test::shipped_catalogue(), test_time_ms(0, minute));
        REQUIRE(issued.ok());
        minute += 2;
    }
    kiosk.store_written();
}

// Who waits in the room before the visitor, by the rule in docs/queue-order.md, for tickets
// that all came earlier and within 45 minutes: an urgent visitor has only urgent people
// ahead; anyone else has everyone in the room ahead. Callback requests never count.
int expected_ahead(const Mix& m) {
    const int urgent_ahead = m.walk_in == Ahead::urgent_walk_in ? 1 : 0;
    if (m.urgent) return urgent_ahead;
    return (m.walk_in != Ahead::nobody ? 1 : 0) + (m.appointment != Appointment::none ? 1 : 0);
}

bool shows(const HeadlessKiosk& kiosk, const std::string& text) {
    for (const auto& s : kiosk.spoken())
        if (s == text) return true;
    return false;
}

bool shows_start(const HeadlessKiosk& kiosk, const std::string& prefix) {
    for (const auto& s : kiosk.spoken())
        if (s.rfind(prefix, 0) == 0) return true;
    return false;
}

}  // namespace

TEST_CASE("the ticket screen never says 'first in the queue' and 'people before you' at once, in every mix") {
    const auto& tr = skranke::test::shipped_translations();
    const std::string first = tr.text("en", "ticket.first");
    const std::string urgent_seen = tr.text("en", "ticket.urgent_seen");
    const std::string people_before = "People before you: ";
    const std::string waiting_time = "Waiting time:";
    int checked = 0;
    for (bool urgent : {false, true})
        for (int callbacks : {0, 1, 2})
            for (Appointment appointment : {Appointment::none, Appointment::due, Appointment::later})
                for (Ahead walk_in : {Ahead::nobody, Ahead::walk_in, Ahead::urgent_walk_in}) {
                    const Mix m{urgent, callbacks, appointment, walk_in};
                    CAPTURE(describe(m));
                    HeadlessKiosk kiosk;  // 10:00 local
                    issue_before(kiosk, m);
                    REQUIRE(kiosk.walk_in("en", urgent ? "emergency_food" : "other"));
                    REQUIRE(kiosk.skip_to_confirm());
                    REQUIRE(kiosk.tap("confirm.get_ticket"));
                    REQUIRE(kiosk.page() == "ticket");
                    const int ahead = expected_ahead(m);
                    CHECK(kiosk.state().ticket->figures.people_ahead == ahead);
                    CHECK(shows(kiosk, urgent_seen) == urgent);
                    CHECK(shows(kiosk, first) == (ahead == 0));
                    CHECK(shows(kiosk, people_before + std::to_string(ahead)) == (ahead > 0));
                    // The class of contradiction: a position and "first" side by side.
                    CHECK_FALSE((shows(kiosk, first) && shows_start(kiosk, people_before)));
                    CHECK_FALSE((shows(kiosk, first) && shows_start(kiosk, waiting_time)));
                    ++checked;
                }
    CHECK(checked == 54);
}

TEST_CASE("every language says 'first in the queue' to an urgent visitor with only a callback request before") {
    for (const auto& lang : skranke::test::shipped_translations().languages()) {
        CAPTURE(lang.code);
        const auto& tr = skranke::test::shipped_translations();
        HeadlessKiosk kiosk;
        issue_before(kiosk, Mix{true, 2, Appointment::none, Ahead::nobody});
        REQUIRE(kiosk.walk_in(lang.code, "emergency_food"));
        REQUIRE(kiosk.skip_to_confirm());
        REQUIRE(kiosk.tap("confirm.get_ticket"));
        CHECK(shows(kiosk, tr.text(lang.code, "ticket.urgent_seen")));
        CHECK(shows(kiosk, tr.text(lang.code, "ticket.first")));
        CHECK_FALSE(shows(kiosk, skranke::ui::fill(tr.text(lang.code, "ticket.people_ahead"), {{"count", "2"}})));
        CHECK(tr.text(lang.code, "ticket.first") != tr.text(lang.code, "ticket.urgent_seen"));
    }
}

TEST_CASE("the ticket sentences: 'first' exactly when nobody is ahead, a wait only when someone is") {
    using skranke::visitor::QueueFigures;
    const auto keys = [](bool urgent, QueueFigures f) {
        std::vector<std::string> out;
        for (const auto& s : skranke::visitor::ticket_sentences(urgent, f)) out.push_back(s.key);
        return out;
    };
    using V = std::vector<std::string>;
    CHECK(keys(false, {0, 0}) == V{"ticket.first"});
    CHECK(keys(true, {0, std::nullopt}) == V{"ticket.urgent_seen", "ticket.first"});
    CHECK(keys(false, {3, 15}) == V{"ticket.people_ahead", "ticket.wait"});
    CHECK(keys(true, {1, std::nullopt}) == V{"ticket.urgent_seen", "ticket.people_ahead", "ticket.wait_unknown"});
    // The queue could not be read: no position at all, rather than a "first" that may be false.
    CHECK(keys(true, {std::nullopt, std::nullopt}) == V{"ticket.urgent_seen", "ticket.wait_unknown"});
    const auto values = skranke::visitor::ticket_sentences(false, {4, 20});
    REQUIRE(values.size() == 2);
    CHECK(values[0].values == std::vector<std::pair<std::string, std::string>>{{"count", "4"}});
    CHECK(values[1].values == std::vector<std::pair<std::string, std::string>>{{"minutes", "20"}});
    for (int ahead = 0; ahead <= 5; ++ahead)
        for (bool urgent : {false, true}) {
            const V k = keys(urgent, {ahead, 10});
            const bool first = std::find(k.begin(), k.end(), "ticket.first") != k.end();
            const bool position = std::find(k.begin(), k.end(), "ticket.people_ahead") != k.end();
            CHECK(first == (ahead == 0));
            CHECK(position == (ahead > 0));
        }
}

TEST_CASE("people ahead leaves out callback requests, in the synced queue and in the kiosk's own tickets") {
    HeadlessKiosk kiosk;
    issue_before(kiosk, Mix{false, 2, Appointment::none, Ahead::walk_in});
    REQUIRE(kiosk.walk_in("en", "other"));
    REQUIRE(kiosk.skip_to_confirm());
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    const auto tickets = kiosk.stored_tickets();
    REQUIRE(tickets.size() == 4);
    const skranke::Ticket& mine = tickets.back();
    const std::int64_t now = test_time_ms(0, 1);
    CHECK(skranke::visitor::people_ahead_of(tickets, mine, now) == 1);
    skranke::SyncStore synced(*kiosk.store());
    auto queue = synced.queue_state();
    REQUIRE(queue.ok());
    CHECK(skranke::visitor::people_ahead_in(*queue, mine, now) == 1);
    // The room of the day holds the walk-in and the visitor, not the two callback requests.
    CHECK(queue->room_entries(mine.service_day).size() == 2);
    CHECK(queue->waiting_entries().size() == 4);
    // A callback request itself has no place in the room.
    CHECK_FALSE(skranke::visitor::people_ahead_in(*queue, tickets.front(), now).has_value());
}

TEST_CASE("the wait is said in the plural form its number takes, on the screen and the paper alike") {
    const auto& tr = skranke::test::shipped_translations();
    const auto wait_in = [&](std::string_view language, int minutes) {
        for (const auto& sentence : skranke::visitor::ticket_sentences(false, {3, minutes}))
            if (std::string_view(sentence.key) == "ticket.wait") return skranke::visitor::sentence_text(tr, language, sentence);
        return std::string();
    };
    CHECK(wait_in("en", 1) == "Waiting time: about 1 minute");
    CHECK(wait_in("en", 21) == "Waiting time: about 21 minutes");
    CHECK(wait_in("nb", 1) == "Ventetid: omtrent 1 minutt");
    CHECK(wait_in("nb", 5) == "Ventetid: omtrent 5 minutter");
    CHECK(wait_in("pl", 1) == "Czas oczekiwania: około 1 minuty");
    CHECK(wait_in("pl", 22) == "Czas oczekiwania: około 22 minut");
    CHECK(wait_in("uk", 21) == "Час очікування: приблизно 21 хвилина");
    CHECK(wait_in("uk", 3) == "Час очікування: приблизно 3 хвилини");
    CHECK(wait_in("uk", 12) == "Час очікування: приблизно 12 хвилин");
    // Lithuanian: one for 1 and 21, few for 2-9 and 22, other for 10-20 and 30.
    CHECK(wait_in("lt", 1) == "Laukimo laikas: apie 1 minutę");
    CHECK(wait_in("lt", 21) == "Laukimo laikas: apie 21 minutę");
    CHECK(wait_in("lt", 3) == "Laukimo laikas: apie 3 minutes");
    CHECK(wait_in("lt", 22) == "Laukimo laikas: apie 22 minutes");
    CHECK(wait_in("lt", 12) == "Laukimo laikas: apie 12 minučių");
    CHECK(wait_in("lt", 30) == "Laukimo laikas: apie 30 minučių");
    CHECK(wait_in("so", 1).find("1 daqiiqo") != std::string::npos);  // Somali: the noun does not change
    // Arabic's six forms: the dual for 2, the plural for 3-10, the singular for 11-99 and 100.
    CHECK(wait_in("ar", 2).find("2 دقيقتان") != std::string::npos);
    CHECK(wait_in("ar", 5).find("5 دقائق") != std::string::npos);
    CHECK(wait_in("ar", 103).find("103 دقائق") != std::string::npos);
    CHECK(wait_in("ar", 15).find("15 دقيقة") != std::string::npos);
    CHECK(wait_in("ar", 100).find("100 دقيقة") != std::string::npos);
    // Dari: a number takes the singular noun.
    CHECK(wait_in("fa", 5).find("5 دقیقه") != std::string::npos);
}
