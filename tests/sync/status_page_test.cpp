// The status page on the visitor's phone (GET /status/<token>), from a real hub over real
// HTTP: tickets issued by a kiosk's store and pushed as kiosks push them, staff actions as
// consoles push them, and the page read with raw requests (paths exactly as sent).
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "domain/office_time.hpp"
#include "hub/hub_store.hpp"
#include "hub/pushed_event.hpp"
#include "hub/status_page.hpp"
#include "hub/status_routes.hpp"
#include "protocol/event_codec.hpp"
#include "support/hub_fixture.hpp"
#include "support/loopback.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;
using protocol::Role;

namespace {

const std::vector<std::string> json_header = {"Content-Type: application/json"};

struct Page {
    int status = 0;
    std::string head;  // status line and headers
    std::string body;
    bool has(const std::string& text) const { return body.find(text) != std::string::npos; }
};

// One request exactly as written (no client tidies the path), the connection closed after.
Page get(int port, const std::string& path, const std::vector<std::string>& headers = {}) {
    const int fd = connect_loopback(port);
    REQUIRE(fd >= 0);
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& h : headers) request += h + "\r\n";
    request += "\r\n";
    REQUIRE(send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    std::string reply;
    char buffer[4096];
    for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;) reply.append(buffer, static_cast<std::size_t>(n));
    close(fd);
    Page page;
    const auto split = reply.find("\r\n\r\n");
    REQUIRE(split != std::string::npos);
    page.head = reply.substr(0, split);
    page.body = reply.substr(split + 4);
    REQUIRE(page.head.size() > 12);
    page.status = std::stoi(page.head.substr(9, 3));
    return page;
}

// A kiosk: its own store (which makes each ticket's token) and its enrolment at the hub.
struct Kiosk {
    HubFixture& hub;
    TempDir dir;
    EnrolledDevice device;
    std::unique_ptr<Store> store;

    Kiosk(HubFixture& h, const std::string& id, char letter) : hub(h), device(h.enrol(Role::kiosk, id)) {
        auto opened = Store::open(kiosk_options(dir / "kiosk.db", id, letter));
        REQUIRE(opened.ok());
        store = std::move(opened.value());
    }
    // Issued at the kiosk and pushed; created_ms moved back by age_ms with the kiosk's clock
    // right (a ticket issued offline earlier, pushed now).
    Ticket issue(TicketRequest request, std::int64_t age_ms = 0) {
        const std::int64_t now = wall_clock_ms();
        auto ticket = store->issue_ticket(request, shipped_catalogue(), now - age_ms);
        REQUIRE(ticket.ok());
        const auto reply = hub.call("POST", "/v1/events", device.token,
                                    "{\"events\":[" + protocol::write_event(issued_event(*ticket)) + "]}",
                                    {json_header[0], std::string(protocol::device_time_header) + ": " + std::to_string(now)});
        REQUIRE(reply.status == 200);
        REQUIRE(reply.body.find("\"stored\"") != std::string::npos);
        return *ticket;
    }
};

// A reception console pushing staff actions.
struct Console {
    HubFixture& hub;
    EnrolledDevice device;
    std::int64_t seq = 0;

    Console(HubFixture& h, const std::string& id) : hub(h), device(h.enrol(Role::reception, id)) {}
    void act(const std::string& type, const Ticket& ticket, const std::string& counter = "2") {
        auto event = staff_event(type, device.device_id, ++seq, ticket.event_id, wall_clock_ms());
        if (event.contains("counter")) event["counter"] = counter;
        const auto reply = hub.call("POST", "/v1/events", device.token, batch({event}), json_header);
        REQUIRE(reply.status == 200);
        REQUIRE(reply.body.find("\"stored\"") != std::string::npos);
    }
};

TicketRequest visitor(const std::string& language, const std::string& name) {
    TicketRequest request = plain_request();
    request.language = language;
    request.name = name;
    request.phone = "+4791234567";
    request.description = "Husleia er ikke betalt";
    return request;
}

void check_no_personal_data(const Page& page, const std::string& name) {
    CHECK_FALSE(page.has(name));
    CHECK_FALSE(page.has("91234567"));
    CHECK_FALSE(page.has("Husleia"));
}

}  // namespace

TEST_CASE("a waiting ticket's page shows its number and the people ahead, in the visitor's language") {
    HubFixture hub;
    Kiosk kiosk(hub, "kiosk-s", 'S');
    kiosk.issue(visitor("nb", "Ola Nordmann"));
    kiosk.issue(visitor("en", "Jane Doe"));
    const Ticket mine = kiosk.issue(visitor("pl", "Anna Kowalska"));
    REQUIRE(is_status_token(mine.status_token));

    const Page page = get(hub.hub().port(), "/status/" + mine.status_token);
    CHECK(page.status == 200);
    CHECK(page.head.find("Content-Type: text/html; charset=utf-8") != std::string::npos);
    CHECK(page.head.find("Cache-Control: no-store") != std::string::npos);
    CHECK(page.head.find("Referrer-Policy: no-referrer") != std::string::npos);
    CHECK(page.has("<html lang=\"pl\">"));
    CHECK(page.has("<meta http-equiv=\"refresh\" content=\"30\">"));
    CHECK(page.has(mine.number.text()));
    CHECK(page.has("Osób przed Tobą: 2"));
    CHECK_FALSE(page.has("<script"));
    check_no_personal_data(page, "Anna Kowalska");
    CHECK_FALSE(page.has(mine.request.need_id));  // not even the need

    // The first in the queue is told so, in Norwegian.
    const Ticket first = hub.store().queue_state().tickets().begin()->second.ticket;
    const Page first_page = get(hub.hub().port(), "/status/" + first.status_token);
    CHECK(first_page.has("<html lang=\"nb\">"));
    CHECK(first_page.has("Du er først i køen."));
}

TEST_CASE("after a call the page shows the counter; served, no-show and cancelled are said plainly") {
    HubFixture hub;
    Kiosk kiosk(hub, "kiosk-c", 'C');
    Console console(hub, "desk-1");
    const Ticket called = kiosk.issue(visitor("nb", "Ola Nordmann"));
    const Ticket no_show = kiosk.issue(visitor("en", "Jane Doe"));
    const Ticket cancelled = kiosk.issue(visitor("uk", "Olena Petrenko"));
    const int port = hub.hub().port();

    console.act("ticket.called", called, "3");
    Page page = get(port, "/status/" + called.status_token);
    CHECK(page.status == 200);
    CHECK(page.has("Det er din tur!"));
    CHECK(page.has("Gå til skranke 3"));
    CHECK(page.has("<meta http-equiv=\"refresh\""));

    console.act("ticket.served", called, "3");
    page = get(port, "/status/" + called.status_token);
    CHECK(page.has("Du har fått hjelp."));
    CHECK_FALSE(page.has("<meta http-equiv=\"refresh\""));  // nothing will change any more

    console.act("ticket.called", no_show, "1");
    console.act("ticket.no_show", no_show, "1");
    page = get(port, "/status/" + no_show.status_token);
    CHECK(page.has("<html lang=\"en\">"));
    CHECK(page.has("We called your number, but did not see you."));

    console.act("ticket.cancelled", cancelled);
    page = get(port, "/status/" + cancelled.status_token);
    CHECK(page.has("<html lang=\"uk\">"));
    CHECK(page.has("Цей талон скасовано."));
    check_no_personal_data(page, "Olena Petrenko");
}

TEST_CASE("a counter name is shown as text, never as markup") {
    HubFixture hub;  // no services file: any counter name the protocol allows
    Kiosk kiosk(hub, "kiosk-e", 'E');
    Console console(hub, "desk-2");
    const Ticket ticket = kiosk.issue(visitor("nb", "Ola Nordmann"));
    console.act("ticket.called", ticket, "<b>2</b>&\"");
    const Page page = get(hub.hub().port(), "/status/" + ticket.status_token);
    CHECK(page.has("Gå til skranke &lt;b&gt;2&lt;/b&gt;&amp;&quot;"));
    CHECK_FALSE(page.has("<b>2</b>"));
}

TEST_CASE("every token that opens nothing gets the same 404 page, without personal data") {
    HubFixture hub;
    HubFixture other_office;
    Kiosk kiosk(hub, "kiosk-h", 'H');
    Kiosk elsewhere(other_office, "kiosk-o", 'O');
    const Ticket today = kiosk.issue(visitor("nb", "Ola Nordmann"));
    // Issued yesterday by a kiosk that was offline, pushed now: an earlier office day.
    const Ticket yesterday = kiosk.issue(visitor("nb", "Kari Nordmann"), 24LL * 3600 * 1000);
    const Ticket other = elsewhere.issue(visitor("nb", "Per Hansen"));
    REQUIRE(hub.store().ticket_by_status_token(yesterday.status_token));  // the hub still folds it
    const int port = hub.hub().port();

    const Page known = get(port, "/status/" + today.status_token);
    REQUIRE(known.status == 200);
    const Page unknown = get(port, "/status/0123456789abcdef0123456789abcdef");
    CHECK(unknown.status == 404);
    CHECK(unknown.has("This ticket is not known or has expired"));
    CHECK(unknown.has("Denne kølappen er ukjent eller har gått ut"));
    CHECK(unknown.head.find("Content-Type: text/html") != std::string::npos);

    std::string upper = today.status_token;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::vector<std::string> hostile = {
        "/status/" + yesterday.status_token,          // expired at the end of its service day
        "/status/" + other.status_token,              // another office's
        "/status/" + today.status_token + "0",        // too long
        "/status/" + today.status_token.substr(1),    // too short
        "/status/" + upper,                           // not lowercase
        "/status/" + today.status_token.substr(0, 31) + "g",  // not hex
        "/status/" + today.status_token + "/",
        "/status/" + today.status_token + "/..",
        "/status/../status/" + today.status_token,
        "/status/%2e%2e/" + today.status_token,
        "/status/..%2f" + today.status_token,
        "/status/" + today.event_id,                  // the ticket's id
        "/status/S%20001",                            // its number
        "/status/",
        "/status",
        "/status/" + std::string(4000, 'a'),
    };
    for (const auto& path : hostile) {
        CAPTURE(path);
        const Page page = get(port, path);
        CHECK(page.status == 404);
        CHECK(page.body == unknown.body);  // no hint which
        check_no_personal_data(page, "Nordmann");
        CHECK_FALSE(page.has("Per Hansen"));
    }
}

TEST_CASE("the page is limited per client address") {
    hub::HubOptions options;
    options.status_requests_per_minute = 5;
    HubFixture hub(options);
    Kiosk kiosk(hub, "kiosk-r", 'R');
    const Ticket ticket = kiosk.issue(visitor("nb", "Ola Nordmann"));
    const int port = hub.hub().port();
    for (int i = 0; i < 5; ++i) CHECK(get(port, "/status/" + ticket.status_token).status == 200);
    const Page refused = get(port, "/status/" + ticket.status_token);
    CHECK(refused.status == 429);
    CHECK(refused.head.find("Retry-After: ") != std::string::npos);
    CHECK_FALSE(refused.has(ticket.number.text()));
    // Unknown tokens count too: guessing is limited as much as reading.
    CHECK(get(port, "/status/0123456789abcdef0123456789abcdef").status == 429);
    // Behind the office's reverse proxy (on this machine) each visitor counts apart.
    CHECK(get(port, "/status/" + ticket.status_token, {"X-Forwarded-For: 203.0.113.7"}).status == 200);
    // The device routes are not limited by it.
    CHECK(hub.call("GET", "/v1/health", "").status == 200);
}

TEST_CASE("status tokens never reach kiosks and displays, and the page's texts exist in every language") {
    HubFixture hub;
    Kiosk kiosk(hub, "kiosk-t", 'T');
    const Ticket ticket = kiosk.issue(visitor("so", "Ahmed Ali"));
    const auto display = hub.enrol(Role::display, "display-1");
    const auto log = hub.call("GET", "/v1/events?after=0", display.token);
    REQUIRE(log.status == 200);
    CHECK(log.body.find(ticket.number.text()) != std::string::npos);
    CHECK(log.body.find(ticket.status_token) == std::string::npos);
    const auto desk = hub.enrol(Role::reception, "desk-t");
    CHECK(hub.call("GET", "/v1/events?after=0", desk.token).body.find(ticket.status_token) != std::string::npos);

    const Page page = get(hub.hub().port(), "/status/" + ticket.status_token);
    CHECK(page.has("<html lang=\"so\">"));
    CHECK(page.has("Adiga ayaa ugu horreeya safka."));

    auto texts = hub::load_status_texts(asset_dir() / "translations");
    REQUIRE(texts.ok());
    for (const char* language : {"nb", "nn", "en", "pl", "uk", "so"})
        for (const char* key : {"status.title", "status.your_number", "status.waiting", "status.first",
                                "status.people_ahead", "status.wait", "status.wait_unknown", "status.watch_screen",
                                "status.called", "status.go_to_counter", "status.callback", "status.served",
                                "status.no_show", "status.cancelled", "status.refresh", "status.updated",
                                "status.unknown", "status.unknown_help", "status.too_many"}) {
            CAPTURE(language);
            CAPTURE(key);
            CHECK(texts->text(language, key) != key);
        }
}

TEST_CASE("the estimated wait comes from today's services and the counters calling") {
    HubFixture hub;
    Kiosk kiosk(hub, "kiosk-w", 'W');
    Console console(hub, "desk-w");
    std::vector<Ticket> served;
    for (int i = 0; i < 3; ++i) served.push_back(kiosk.issue(visitor("nb", "Ola Nordmann")));
    const Ticket ahead = kiosk.issue(visitor("nb", "Kari Nordmann"));
    const Ticket mine = kiosk.issue(visitor("en", "Jane Doe"));
    for (const Ticket& t : served) {
        console.act("ticket.called", t, "1");
        console.act("ticket.served", t, "1");
    }
    // Three services today at one counter: enough to say (the kiosk's rule: rounded up to 5
    // minutes; services of milliseconds here).
    const Page page = get(hub.hub().port(), "/status/" + mine.status_token);
    CHECK(page.has("People before you: 1"));
    CHECK(page.has("Waiting time: about "));
    CHECK_FALSE(page.has("Waiting time: unknown"));
    // Before any service there is too little to say.
    HubFixture quiet;
    Kiosk first_kiosk(quiet, "kiosk-q", 'Q');
    first_kiosk.issue(visitor("en", "Jane Doe"));
    const Ticket second = first_kiosk.issue(visitor("en", "John Doe"));
    CHECK(get(quiet.hub().port(), "/status/" + second.status_token).has("Waiting time: unknown."));
    (void)ahead;
}

TEST_CASE("the hub finds a ticket by its token after each commit and again after a restart") {
    TempDir dir;
    Ticket ticket = std::get<TicketIssued>(issued_typed("kiosk-z", 1, wall_clock_ms()).body).ticket;
    ticket.status_token = "00112233445566778899aabbccddeeff";
    const std::string issued = protocol::write_event(issued_event(ticket));
    const std::string called = staff_event("ticket.called", "desk-z", 1, ticket.event_id, wall_clock_ms()).dump();
    const auto push = [](hub::HubStore& store, const std::string& text) {
        REQUIRE(store.push({hub::pushed_event_of(nlohmann::json::parse(text), text)},
                           hub::Contact{wall_clock_ms(), std::nullopt, {}}).ok());
    };
    {
        auto store = hub::HubStore::open(dir / "hub.db");
        REQUIRE(store.ok());
        CHECK_FALSE((*store)->ticket_by_status_token(ticket.status_token));
        push(**store, issued);
        REQUIRE((*store)->ticket_by_status_token(ticket.status_token));
        CHECK((*store)->ticket_by_status_token(ticket.status_token)->state == TicketState::waiting);
        push(**store, called);  // the snapshot's newest change of the ticket is what the page reads
        CHECK((*store)->ticket_by_status_token(ticket.status_token)->state == TicketState::called);
        CHECK((*store)->ticket_by_status_token(ticket.status_token)->counter == "2");
    }
    auto reopened = hub::HubStore::open(dir / "hub.db");  // the fold is folded again from the log
    REQUIRE(reopened.ok());
    REQUIRE((*reopened)->ticket_by_status_token(ticket.status_token));
    CHECK((*reopened)->ticket_by_status_token(ticket.status_token)->state == TicketState::called);
    CHECK_FALSE((*reopened)->ticket_by_status_token("ffffffffffffffffffffffffffffffff"));
}

TEST_CASE("the limiter counts each address per minute and keeps a bounded memory") {
    hub::RequestLimiter limiter(3, 60'000);
    const std::int64_t t = 1'000'000;
    for (int i = 0; i < 3; ++i) CHECK_FALSE(limiter.refuse("198.51.100.1", t + i));
    const auto wait = limiter.refuse("198.51.100.1", t + 10'000);
    REQUIRE(wait);
    CHECK(*wait == 50'000);
    CHECK_FALSE(limiter.refuse("198.51.100.2", t + 10'000));
    CHECK_FALSE(limiter.refuse("198.51.100.1", t + 60'000));  // a new minute
    // A flood of addresses neither grows memory without bound nor stops anyone for long.
    for (std::size_t i = 0; i < hub::RequestLimiter::max_addresses + 10; ++i)
        limiter.refuse("flood-" + std::to_string(i), t + 70'000);
    CHECK_FALSE(limiter.refuse("198.51.100.3", t + 70'000));
}

TEST_CASE("page texts are escaped") {
    CHECK(hub::html_escaped("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    CHECK(hub::html_escaped("Kølapp Ж") == "Kølapp Ж");
}
