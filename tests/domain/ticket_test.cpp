// Tickets and their events as types (their JSON: tests/sync/event_codec_test.cpp).
#include <doctest/doctest.h>

#include "domain/events.hpp"

using namespace skranke;

TEST_CASE("a callback request is a callback.requested event, any other ticket a ticket.issued") {
    Ticket t;
    t.request.channel = Channel::callback;
    CHECK(type_name(issued_event(t)) == "callback.requested");
    t.request.channel = Channel::walk_in;
    CHECK(type_name(issued_event(t)) == "ticket.issued");
}

TEST_CASE("an event names the ticket it is about; personal fields leave an issued ticket only") {
    Ticket t;
    t.event_id = "kiosk-1:4";
    t.request.name = "Kari";
    t.request.phone = "+4791234567";
    t.request.description = "husleie";
    Event issued = issued_event(t);
    CHECK(ticket_id_of(issued) == "kiosk-1:4");
    remove_personal_fields(issued);
    const auto& r = std::get<TicketIssued>(issued.body).ticket.request;
    CHECK(r.name.empty());
    CHECK(r.phone.empty());
    CHECK(r.description.empty());
    const Event call = staff_event(TicketCalled{"kiosk-1:4", "2"}, "desk-1", 7, 1764057600000, "kari");
    CHECK(ticket_id_of(call) == "kiosk-1:4");
    CHECK(call.envelope.event_id == "desk-1:7");
    CHECK(call.envelope.staff_id == "kari");
}

TEST_CASE("every event type the design names is known, others are not") {
    for (auto type : {"ticket.issued", "ticket.called", "ticket.recalled", "ticket.served", "ticket.no_show",
                      "ticket.transferred", "ticket.cancelled", "callback.requested"})
        CHECK(is_known_event_type(type));
    CHECK_FALSE(is_known_event_type("ticket.deleted"));
    CHECK_FALSE(is_known_event_type(""));
}
