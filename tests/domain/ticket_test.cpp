// Tickets and their events as JSON: what the outbox sends is what the hub reads back.
#include <doctest/doctest.h>

#include "domain/events.hpp"

using namespace skranke;

TEST_CASE("a ticket survives the trip through its event JSON") {
    Ticket t;
    t.number = {'B', 17};
    t.service_day = "2026-11-25";
    t.request.need_id = "emergency_food";
    t.request.channel = Channel::appointment;
    t.request.urgent = true;
    t.request.children_affected = true;
    t.request.language = "uk";
    t.request.interpreter_wanted = true;
    t.request.interpreter_language = "uk";
    t.request.accessibility = {true, false, true};
    t.request.name = "Олена";
    t.request.phone = "+4791234567";
    t.request.description = "Потрібна допомога 🙏";
    t.request.appointment_ms = 1764061200000;
    t.request.appointment_reference = "REF-1";
    t.created_ms = 1764057600000;
    t.device_id = "kiosk-1";
    t.device_seq = 42;
    t.event_id = make_event_id(t.device_id, t.device_seq);

    const auto event = ticket_issued_event(t);
    CHECK(event.at("event_id") == "kiosk-1:42");
    CHECK(event.at("type") == "ticket.issued");
    auto back = ticket_from_json(nlohmann::json::parse(event.dump()).at("ticket"));
    REQUIRE(back.has_value());
    CHECK(back->number == t.number);
    CHECK(back->request.name == t.request.name);
    CHECK(back->request.description == t.request.description);
    CHECK(back->request.accessibility == t.request.accessibility);
    CHECK(back->request.appointment_ms == t.request.appointment_ms);
    CHECK(back->request.channel == Channel::appointment);
}

TEST_CASE("a callback request travels as callback.requested") {
    Ticket t;
    t.request.channel = Channel::callback;
    CHECK(ticket_issued_event(t).at("type") == "callback.requested");
}

TEST_CASE("a ticket JSON with a missing or mistyped field is refused, not half-read") {
    Ticket t;
    t.number = {'A', 1};
    auto json = ticket_to_json(t);
    auto missing = json;
    missing.erase("need_id");
    CHECK_FALSE(ticket_from_json(missing).has_value());
    auto mistyped = json;
    mistyped["urgent"] = "yes";
    CHECK_FALSE(ticket_from_json(mistyped).has_value());
    auto bad_channel = json;
    bad_channel["channel"] = "carrier pigeon";
    CHECK_FALSE(ticket_from_json(bad_channel).has_value());
    CHECK_FALSE(ticket_from_json(nlohmann::json::array()).has_value());
}

TEST_CASE("every event type the design names is known, others are not") {
    for (auto type : {"ticket.issued", "ticket.called", "ticket.recalled", "ticket.served", "ticket.no_show",
                      "ticket.transferred", "ticket.cancelled", "callback.requested"})
        CHECK(is_known_event_type(type));
    CHECK_FALSE(is_known_event_type("ticket.deleted"));
    CHECK_FALSE(is_known_event_type(""));
}
