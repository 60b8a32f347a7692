// A ticket's status token: made by the kiosk's store, carried in the issue event as
// ticket.status_token (optional: older kiosks write none), read the same by both readers,
// found by the fold in constant time, and kept from kiosks and displays.
#include <doctest/doctest.h>

#include <set>

#include "domain/queue_state.hpp"
#include "protocol/event_codec.hpp"
#include "protocol/issue_event.hpp"
#include "store/store.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;
using nlohmann::json;

namespace {

const std::int64_t t0 = test_time_ms();
const std::string token = "0123456789abcdef0123456789abcdef";

Ticket sample_ticket(std::int64_t seq, const std::string& status_token) {
    Ticket t = std::get<TicketIssued>(issued_typed("kiosk-a", seq, t0).body).ticket;
    t.status_token = status_token;
    return t;
}

std::string refused_field(const json& event) {
    const auto parsed = protocol::parse_event(event.dump());
    return parsed ? std::string("(accepted)") : parsed.error().field;
}

}  // namespace

TEST_CASE("an issue event carries the status token, and an older kiosk's event reads as before") {
    const Event with = issued_event(sample_ticket(1, token));
    const std::string text = protocol::write_event(with);
    CHECK(text.find("\"status_token\":\"" + token + "\"") != std::string::npos);
    const auto back = protocol::parse_event(text);
    REQUIRE(back.ok());
    CHECK(*back == with);
    CHECK(std::get<TicketIssued>(back->body).ticket.status_token == token);

    // Without a token nothing is written: the text is byte for byte what older kiosks write.
    const Event without = issued_event(sample_ticket(2, ""));
    const std::string old_text = protocol::write_event(without);
    CHECK(old_text.find("status_token") == std::string::npos);
    const auto old_back = protocol::parse_event(old_text);
    REQUIRE(old_back.ok());
    CHECK(std::get<TicketIssued>(old_back->body).ticket.status_token.empty());

    // An empty string is the same as none.
    json empty = json::parse(old_text);
    empty["ticket"]["status_token"] = "";
    const auto empty_back = protocol::parse_event(empty.dump());
    REQUIRE(empty_back.ok());
    CHECK(*empty_back == without);
}

TEST_CASE("a status token that is not 32 lowercase hex digits is refused, naming ticket.status_token") {
    const json event = json::parse(protocol::write_event(issued_event(sample_ticket(1, token))));
    for (const json& bad : {json(token.substr(1)), json(token + "0"), json("0123456789ABCDEF0123456789ABCDEF"),
                            json("0123456789abcdef0123456789abcdeg"), json("../../../../etc/passwd0123456789ab"),
                            json(std::string(32, ' ')), json(12345), json(nullptr), json(true), json::array()}) {
        CAPTURE(bad.dump());
        json changed = event;
        changed["ticket"]["status_token"] = bad;
        CHECK(refused_field(changed) == "ticket.status_token");
        protocol::IssueEventReader reader;
        CHECK_FALSE(reader.read(changed.dump()));  // the quick reading declines
    }
    Event written = issued_event(sample_ticket(1, "ABC"));
    const auto problem = protocol::event_value_problem(written);
    REQUIRE(problem);
    CHECK(problem->field == "ticket.status_token");
}

TEST_CASE("the quick reading of an issue event gives the same token, or none, as parse_event") {
    protocol::IssueEventReader reader;
    for (const std::string& status_token : {token, std::string()}) {
        const std::string text = protocol::write_event(issued_event(sample_ticket(3, status_token)));
        const auto quick = reader.read(text);
        const auto general = protocol::parse_event(text);
        REQUIRE(quick);
        REQUIRE(general.ok());
        CHECK(*quick == *general);
        CHECK(std::get<TicketIssued>(quick->body).ticket.status_token == status_token);
    }
    // Twice: the quick reading declines (the general reading decides, as for every field).
    std::string twice = protocol::write_event(issued_event(sample_ticket(4, token)));
    twice.insert(twice.find("\"ticket\":{") + 10, "\"status_token\":\"" + token + "\",");
    CHECK_FALSE(reader.read(twice));
}

TEST_CASE("the store gives every ticket its own random status token and keeps it") {
    TempDir dir;
    StoreOptions options;
    options.path = dir / "kiosk.db";
    auto store = Store::open(options);
    REQUIRE(store.ok());
    std::set<std::string> tokens;
    for (int i = 0; i < 50; ++i) {
        auto ticket = (*store)->issue_ticket(plain_request(), shipped_catalogue(), t0);
        REQUIRE(ticket.ok());
        CAPTURE(ticket->status_token);
        CHECK(is_status_token(ticket->status_token));
        tokens.insert(ticket->status_token);
        auto found = (*store)->find_ticket(ticket->event_id);
        REQUIRE(found.ok());
        REQUIRE(found->has_value());
        CHECK((*found)->status_token == ticket->status_token);
    }
    CHECK(tokens.size() == 50);
    const auto bodies = query_texts(options.path, "SELECT body FROM outbox ORDER BY device_seq");
    REQUIRE(bodies.size() == 50);
    const auto first = protocol::parse_event(bodies.front());
    REQUIRE(first.ok());
    CHECK(tokens.count(std::get<TicketIssued>(first->body).ticket.status_token) == 1);
}

TEST_CASE("the fold finds a ticket by its status token, through undo and forgetting") {
    QueueState state;
    const Event issued = issued_event(sample_ticket(1, token));
    const Event old_kiosk = issued_event(sample_ticket(2, ""));
    REQUIRE_FALSE(state.apply(issued, {1, t0, std::nullopt}));
    REQUIRE_FALSE(state.apply(old_kiosk, {2, t0, std::nullopt}));
    REQUIRE(state.find_by_status_token(token));
    CHECK(state.find_by_status_token(token)->ticket.event_id == "kiosk-a:1");
    CHECK_FALSE(state.find_by_status_token(""));
    CHECK_FALSE(state.find_by_status_token("ffffffffffffffffffffffffffffffff"));

    // A second ticket claiming the same token does not take it.
    REQUIRE_FALSE(state.apply(issued_event(sample_ticket(3, token)), {3, t0, std::nullopt}));
    CHECK(state.find_by_status_token(token)->ticket.event_id == "kiosk-a:1");

    // Undone (a write that did not commit) and put back.
    const QueueTicketRef before = state.shared("kiosk-a:1");
    state.restore("kiosk-a:1", nullptr);
    CHECK_FALSE(state.find_by_status_token(token));
    state.restore("kiosk-a:1", before);
    CHECK(state.find_by_status_token(token));

    state.forget_issued_before(t0 + 1);
    CHECK_FALSE(state.find_by_status_token(token));
}

TEST_CASE("people ahead in the room follow the one call order") {
    QueueState state;
    REQUIRE_FALSE(state.apply(issued_typed("kiosk-a", 1, t0), {1, t0, std::nullopt}));
    REQUIRE_FALSE(state.apply(issued_typed("kiosk-a", 2, t0 + 1000), {2, t0 + 1000, std::nullopt}));
    REQUIRE_FALSE(state.apply(issued_typed("kiosk-a", 3, t0 + 2000, true), {3, t0 + 2000, std::nullopt}));
    CHECK(people_ahead_in_room(state, "kiosk-a:3", t0 + 3000) == 0);  // urgent first
    CHECK(people_ahead_in_room(state, "kiosk-a:1", t0 + 3000) == 1);
    CHECK(people_ahead_in_room(state, "kiosk-a:2", t0 + 3000) == 2);
    REQUIRE_FALSE(state.apply(staff_typed("ticket.called", "desk-1", 1, "kiosk-a:3", t0 + 4000), {4, t0 + 4000, std::nullopt}));
    CHECK_FALSE(people_ahead_in_room(state, "kiosk-a:3", t0 + 5000));  // called: not waiting
    CHECK(people_ahead_in_room(state, "kiosk-a:2", t0 + 5000) == 1);
    CHECK_FALSE(people_ahead_in_room(state, "kiosk-a:9", t0 + 5000));
}

TEST_CASE("personal fields and the status token leave the copies kiosks and displays get") {
    Event event = issued_event(sample_ticket(1, token));
    remove_personal_fields(event);
    const Ticket& t = std::get<TicketIssued>(event.body).ticket;
    CHECK(t.status_token.empty());
    CHECK(t.request.name.empty());
}
