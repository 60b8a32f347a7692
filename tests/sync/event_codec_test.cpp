// The one reader and writer of events: every value a hostile client can put in an event is
// refused with the field named, what is written reads back the same, and the quick reading
// of issue events gives exactly what the general one gives, or declines.
#include <doctest/doctest.h>

#include <limits>

#include "domain/service_catalogue.hpp"
#include "protocol/event_codec.hpp"
#include "protocol/issue_event.hpp"
#include "protocol/protocol.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"

using namespace skranke;
using namespace skranke::test;
using nlohmann::json;

namespace {

const std::int64_t t0 = test_time_ms();

// The field parse_event names for the event with one value set (a json pointer path).
std::string refused_field(json event, const std::string& pointer, const json& value) {
    event[json::json_pointer(pointer)] = value;
    const auto parsed = protocol::parse_event(event.dump());
    return parsed ? std::string("(accepted)") : parsed.error().field;
}

std::string refused_without(json event, const std::string& pointer) {
    const json::json_pointer p(pointer);
    event[p.parent_pointer()].erase(p.back());
    const auto parsed = protocol::parse_event(event.dump());
    return parsed ? std::string("(accepted)") : parsed.error().field;
}

}  // namespace

TEST_CASE("every event type is written and read back to the same typed value") {
    std::vector<Event> events = {issued_typed("kiosk-a", 1, t0, true, 'B')};
    Ticket callback = std::get<TicketIssued>(issued_typed("kiosk-a", 2, t0).body).ticket;
    callback.request.channel = Channel::callback;
    callback.request.appointment_ms = t0 + 3600 * 1000;
    callback.request.name = "Олена \"Ola\" \\ 🙏";
    events.push_back(issued_event(callback));
    const std::vector<EventBody> actions = {
        TicketCalled{"kiosk-a:1", "Skranke 2"}, TicketRecalled{"kiosk-a:1", "2"}, TicketServed{"kiosk-a:1", {}},
        TicketNoShow{"kiosk-a:1", "2"},         TicketTransferred{"kiosk-a:1", "social_rent", "3"},
        TicketCancelled{"kiosk-a:2", CancelReason::callback_done},
        TicketCancelled{"kiosk-a:2", CancelReason::callback_not_reached}};
    std::int64_t seq = 0;
    // The SMS notifier's records: a claim, then how it went (a failure with its reason).
    for (const EventBody& record :
         {EventBody{TicketNotified{"kiosk-a:1", NotifyKind::near_front, NotifyOutcome::sending, {}}},
          EventBody{TicketNotified{"kiosk-a:1", NotifyKind::called, NotifyOutcome::sent, {}}},
          EventBody{TicketNotified{"kiosk-a:1", NotifyKind::called, NotifyOutcome::failed, "the gateway answered 503"}}})
        events.push_back(staff_event(record, "notify-1", ++seq, t0));
    Ticket sms = std::get<TicketIssued>(issued_typed("kiosk-a", 3, t0).body).ticket;
    sms.request.phone = "+47 912 34 567";
    sms.request.sms_wanted = true;
    sms.request.waits_outside = true;
    events.push_back(issued_event(sms));
    for (const EventBody& action : actions) events.push_back(staff_event(action, "desk-1", ++seq, t0, "kari"));
    for (const Event& event : events) {
        CAPTURE(protocol::write_event(event));
        const auto back = protocol::parse_event(protocol::write_event(event));
        REQUIRE_MESSAGE(back.ok(), (back.ok() ? "" : back.error().message));
        CHECK(*back == event);
    }
    CHECK(type_name(events[1]) == "callback.requested");
}

TEST_CASE("the values an independent client sent and the hub stored are each refused, naming the field") {
    const json issued = issued_event("kiosk-a", 3, t0);
    for (const json& not_text : {json(17), json(nullptr), json::array({"A 003"}), json::object(), json(true)})
        CHECK(refused_field(issued, "/ticket/number", not_text) == "ticket.number");
    CHECK(refused_field(issued, "/ticket/number", "A 004") == "ticket.number");
    for (const json& bad : {json(true), json(1.5), json(3.0), json(0), json(100000), json("3"),
                            json(std::numeric_limits<std::uint64_t>::max())})
        CHECK(refused_field(issued, "/ticket/sequence", bad) == "ticket.sequence");
    CHECK(refused_field(issued, "/created_ms", static_cast<double>(t0) + 0.5) == "created_ms");
    CHECK(refused_field(issued, "/ticket/created_ms", static_cast<double>(t0) + 0.5) == "ticket.created_ms");
    CHECK(refused_field(issued, "/ticket/created_ms", t0 + 1) == "ticket.created_ms");
    CHECK(refused_field(issued, "/ticket/appointment_ms", static_cast<double>(t0) + 0.5) == "ticket.appointment_ms");
    CHECK(refused_field(issued, "/ticket/appointment_ms", t0 + 25LL * 3600 * 1000) == "ticket.appointment_ms");
    CHECK(refused_field(issued, "/ticket/appointment_ms", std::numeric_limits<std::int64_t>::min()) ==
          "ticket.appointment_ms");
    CHECK(refused_field(issued, "/ticket/letter", "a") == "ticket.letter");
    CHECK(refused_field(issued, "/ticket/letter", "AB") == "ticket.letter");
    CHECK(refused_field(issued, "/ticket/phone", "call me") == "ticket.phone");
    CHECK(refused_field(issued, "/ticket/name", std::string(81, 'x')) == "ticket.name");
    CHECK(refused_field(issued, "/ticket/name", "Kari\x01") == "ticket.name");
    {
        std::string text = issued.dump();  // nlohmann will not write bad UTF-8: put it in the text
        text.replace(text.find("Trenger"), 2, "\xC3\x28");
        const auto parsed = protocol::parse_event(text);
        CHECK_FALSE(parsed.ok());  // the JSON reader itself refuses bad UTF-8
    }
    CHECK(refused_field(issued, "/ticket/service_day", "2026-13-01") == "ticket.service_day");
    CHECK(refused_field(issued, "/ticket/language", "Norsk") == "ticket.language");
    CHECK(refused_field(issued, "/ticket/need_id", "Rent; DROP") == "ticket.need_id");
    CHECK(refused_field(issued, "/ticket/state", "served") == "ticket.state");
    CHECK(refused_field(issued, "/ticket/channel", "callback") == "ticket.channel");  // type says ticket.issued
    CHECK(refused_field(issued, "/ticket/extra", 1) == "ticket.extra");
    CHECK(refused_field(issued, "/staff_id", "kari") == "staff_id");  // kiosks have no staff
    CHECK(refused_without(issued, "/ticket/urgent") == "ticket.urgent");
    CHECK(refused_field(issued, "/device_seq", std::numeric_limits<std::int64_t>::max()) == "device_seq");
    CHECK(refused_field(issued, "/device_seq", 0) == "device_seq");
    CHECK(refused_field(issued, "/created_ms", std::numeric_limits<std::int64_t>::min()) == "created_ms");
    CHECK(refused_field(issued, "/created_ms", std::numeric_limits<std::int64_t>::max()) == "created_ms");
    CHECK(refused_field(issued, "/event_id", "kiosk-a:4") == "event_id");
    CHECK(refused_field(issued, "/type", "ticket.deleted") == "type");

    for (const char* type : {"ticket.called", "ticket.recalled"}) {
        CAPTURE(type);
        const json call = staff_event(type, "desk-1", 1, "kiosk-a:3", t0);
        CHECK(refused_without(call, "/counter") == "counter");
        for (const json& counter : {json(2), json(nullptr), json::array(), json::object(), json(true), json("")})
            CHECK(refused_field(call, "/counter", counter) == "counter");
        CHECK(refused_field(call, "/counter", std::string(33, '1')) == "counter");
        CHECK(refused_field(call, "/ticket_id", "not an id") == "ticket_id");
        CHECK(refused_field(call, "/ticket_id", 5) == "ticket_id");
    }
    const json transfer = staff_event("ticket.transferred", "desk-1", 1, "kiosk-a:3", t0);
    CHECK(refused_field(transfer, "/to_need_id", "") == "to_need_id");
    CHECK(refused_field(transfer, "/to_counter", 3) == "to_counter");
    const json cancel = staff_event("ticket.cancelled", "desk-1", 1, "kiosk-a:3", t0);
    CHECK(refused_field(cancel, "/reason", "bored") == "reason");

    json notified = json::parse(protocol::write_event(
        staff_event(TicketNotified{"kiosk-a:3", NotifyKind::called, NotifyOutcome::failed, "down"}, "notify-1", 1, t0)));
    CHECK(refused_field(notified, "/kind", "soon") == "kind");
    CHECK(refused_field(notified, "/kind", 1) == "kind");
    CHECK(refused_field(notified, "/outcome", "maybe") == "outcome");
    CHECK(refused_without(notified, "/outcome") == "outcome");
    CHECK(refused_field(notified, "/detail", std::string(201, 'x')) == "detail");
    CHECK(refused_field(notified, "/detail", "bell\u0007") == "detail");
    notified["outcome"] = "sent";
    CHECK(refused_field(notified, "/detail", "only for failures") == "detail");
    // The visitor's wish: true or false, only with a reason to wait for an SMS.
    CHECK(refused_field(issued, "/ticket/sms_wanted", "yes") == "ticket.sms_wanted");
    CHECK(refused_field(issued, "/ticket/waits_outside", true) == "ticket.waits_outside");  // without sms_wanted
    json callback = issued;
    callback["type"] = "callback.requested";
    callback["ticket"]["channel"] = "callback";
    CHECK(refused_field(callback, "/ticket/sms_wanted", true) == "ticket.sms_wanted");
}

TEST_CASE("an SMS wish reaches the hub with its phone, and never needs one in a copy without personal fields") {
    Event wish = issued_typed("kiosk-a", 1, t0);
    auto& request = std::get<TicketIssued>(wish.body).ticket.request;
    request.sms_wanted = true;
    request.phone.clear();
    CHECK(protocol::event_problem_at_hub(wish, &shipped_catalogue(), t0)->field == "ticket.sms_wanted");
    CHECK(protocol::parse_event(protocol::write_event(wish)).ok());  // a copy whose phone was removed reads
    request.phone = "+47 912 34 567";
    CHECK_FALSE(protocol::event_problem_at_hub(wish, &shipped_catalogue(), t0));
    // Without the wish nothing new is written: an older kiosk's text stays the same.
    CHECK(protocol::write_event(issued_typed("kiosk-a", 1, t0)).find("sms_wanted") == std::string::npos);
}

TEST_CASE("texts that are not events are refused without a throw") {
    for (const char* text : {"", "null", "[]", "17", "{", "{\"type\":\"ticket.called\"}", "\"ticket.issued\"",
                             "{\"event_id\":1,\"type\":2,\"device_id\":3,\"device_seq\":4,\"created_ms\":5}"}) {
        CAPTURE(text);
        CHECK_FALSE(protocol::parse_event(text).ok());
    }
    CHECK_FALSE(protocol::parse_event(std::string(100, '[') + std::string(100, ']')).ok());
}

TEST_CASE("the hub's own checks: needs it serves, emergencies urgent, the device clock near its own") {
    const auto catalogue = &shipped_catalogue();
    const Event ok = issued_typed("kiosk-a", 1, t0);
    CHECK_FALSE(protocol::event_problem_at_hub(ok, catalogue, t0));
    Ticket unknown = std::get<TicketIssued>(ok.body).ticket;
    unknown.request.need_id = "free_money";
    CHECK(protocol::event_problem_at_hub(issued_event(unknown), catalogue, t0)->field == "ticket.need_id");
    CHECK_FALSE(protocol::event_problem_at_hub(issued_event(unknown), nullptr, t0));  // no catalogue served
    Ticket emergency = std::get<TicketIssued>(ok.body).ticket;
    emergency.request = emergency_request();
    emergency.request.urgent = false;
    CHECK(protocol::event_problem_at_hub(issued_event(emergency), catalogue, t0)->field == "ticket.urgent");
    const Event transfer = staff_event(TicketTransferred{"kiosk-a:1", "free_money", {}}, "desk-1", 1, t0);
    CHECK(protocol::event_problem_at_hub(transfer, catalogue, t0)->field == "to_need_id");
    // Counters against the office's list (1-4 in the shipped catalogue), on every action.
    CHECK_FALSE(protocol::event_problem_at_hub(staff_event(TicketCalled{"kiosk-a:1", "4"}, "desk-1", 1, t0), catalogue, t0));
    CHECK(protocol::event_problem_at_hub(staff_event(TicketCalled{"kiosk-a:1", "5"}, "desk-1", 1, t0), catalogue, t0)
              ->field == "counter");
    CHECK(protocol::event_problem_at_hub(staff_event(TicketRecalled{"kiosk-a:1", "5"}, "desk-1", 1, t0), catalogue, t0)
              ->field == "counter");
    CHECK(protocol::event_problem_at_hub(staff_event(TicketServed{"kiosk-a:1", "5"}, "desk-1", 1, t0), catalogue, t0)
              ->field == "counter");
    CHECK_FALSE(protocol::event_problem_at_hub(staff_event(TicketServed{"kiosk-a:1", {}}, "desk-1", 1, t0), catalogue, t0));
    CHECK(protocol::event_problem_at_hub(staff_event(TicketNoShow{"kiosk-a:1", "5"}, "desk-1", 1, t0), catalogue, t0)
              ->field == "counter");
    const std::string need = plain_request().need_id;
    CHECK(protocol::event_problem_at_hub(staff_event(TicketTransferred{"kiosk-a:1", need, "5"}, "desk-1", 1, t0),
                                         catalogue, t0)
              ->field == "to_counter");
    CHECK_FALSE(protocol::event_problem_at_hub(staff_event(TicketTransferred{"kiosk-a:1", need, "3"}, "desk-1", 1, t0),
                                               catalogue, t0));
    CHECK_FALSE(protocol::event_problem_at_hub(staff_event(TicketCalled{"kiosk-a:1", "5"}, "desk-1", 1, t0), nullptr, t0));
    constexpr std::int64_t day = 24LL * 3600 * 1000;
    CHECK(protocol::event_problem_at_hub(ok, catalogue, t0 + 401 * day)->field == "created_ms");
    CHECK(protocol::event_problem_at_hub(ok, catalogue, t0 - 401 * day)->field == "created_ms");
    CHECK_FALSE(protocol::event_problem_at_hub(ok, catalogue, t0 + 30 * day));  // a kiosk offline for a month
}

TEST_CASE("the quick reading of an issue event gives what parse_event gives, or declines") {
    protocol::IssueEventReader reader;
    const json issued = issued_event("kiosk-a", 3, t0);
    const auto same_or_declines = [&](const json& event) {
        const std::string text = event.dump();
        const auto quick = reader.read(text);
        const auto general = protocol::parse_event(text);
        if (quick) {
            REQUIRE(general.ok());
            CHECK(*quick == *general);
        }
        return quick.has_value();
    };
    CHECK(same_or_declines(issued));  // the usual text is read the quick way
    // Values the general reading refuses: the quick one declines them too.
    for (const auto& [pointer, value] : std::vector<std::pair<std::string, json>>{
             {"/ticket/sequence", 1.5},        {"/ticket/sequence", 0},      {"/ticket/sequence", 4'294'967'297LL},
             {"/ticket/number", "A 999"},      {"/device_seq", 0},           {"/created_ms", 5},
             {"/ticket/appointment_ms", t0 * 2}, {"/ticket/letter", "a"},    {"/ticket/channel", "callback"},
             {"/ticket/phone", "x"},           {"/ticket/created_ms", t0 + 1}}) {
        CAPTURE(pointer);
        json event = issued;
        event[json::json_pointer(pointer)] = value;
        CHECK_FALSE(same_or_declines(event));
        CHECK_FALSE(protocol::parse_event(event.dump()).ok());
    }
}

TEST_CASE("a log entry a device cannot read is marked, not thrown, and never stops the cursor") {
    const json good = {{"hub_seq", 5}, {"received_ms", t0}, {"device_clock_offset_ms", nullptr},
                       {"event", issued_event("kiosk-a", 1, t0)}};
    json no_counter = staff_event("ticket.called", "desk-1", 1, "kiosk-a:1", t0);
    no_counter.erase("counter");
    auto entry = protocol::read_log_entry(good);
    REQUIRE(entry);
    CHECK(entry->event.ok());
    for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{
             {"received_ms", std::numeric_limits<std::int64_t>::max()},
             {"received_ms", "now"},
             {"device_clock_offset_ms", 9'200'000'000'000'000'000ULL},
             {"device_clock_offset_ms", -9'000'000'000'000'000'000LL},
             {"event", json::array()},
             {"event", no_counter}}) {
        CAPTURE(key);
        json bad = good;
        bad[key] = value;
        entry = protocol::read_log_entry(bad);
        REQUIRE(entry);  // the cursor still moves past it
        CHECK(entry->hub_seq == 5);
        CHECK_FALSE(entry->event.ok());
    }
    json no_seq = good;
    no_seq["hub_seq"] = "5";
    CHECK_FALSE(protocol::read_log_entry(no_seq));
}
