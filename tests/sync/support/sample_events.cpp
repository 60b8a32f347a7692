#include "support/sample_events.hpp"

#include <stdexcept>

#include "domain/events.hpp"
#include "protocol/event_codec.hpp"
#include "domain/office_time.hpp"
#include "support/store_fixture.hpp"

namespace skranke::test {

nlohmann::json issued_event(const std::string& device_id, std::int64_t seq, std::int64_t created_ms, bool urgent,
                            char letter) {
    Ticket t;
    t.request = plain_request();
    t.request.urgent = urgent;
    t.request.name = "Kari Nordmann";
    t.request.phone = "+4791234567";
    t.request.description = "Trenger hjelp med husleie";
    t.number = {letter, static_cast<int>(seq)};
    t.service_day = service_day_of(created_ms);
    t.created_ms = created_ms;
    t.device_id = device_id;
    t.device_seq = seq;
    t.event_id = make_event_id(device_id, seq);
    return nlohmann::json::parse(protocol::write_event(skranke::issued_event(t)));
}

nlohmann::json staff_event(const std::string& type, const std::string& device_id, std::int64_t seq,
                           const std::string& ticket_id, std::int64_t created_ms) {
    nlohmann::json e = {{"event_id", make_event_id(device_id, seq)}, {"type", type}, {"device_id", device_id},
                        {"device_seq", seq}, {"created_ms", created_ms}, {"ticket_id", ticket_id}};
    if (type == "ticket.transferred") e["to_need_id"] = plain_request().need_id;
    else if (type != "ticket.cancelled") e["counter"] = "2";  // where the console sat
    return e;
}

Event as_event(const nlohmann::json& wire) {
    auto event = protocol::event_from_json(wire);
    if (!event) throw std::runtime_error("sample event does not read: " + event.error().message);
    return std::move(event.value());
}

Event issued_typed(const std::string& device_id, std::int64_t seq, std::int64_t created_ms, bool urgent, char letter) {
    return as_event(issued_event(device_id, seq, created_ms, urgent, letter));
}

Event staff_typed(const std::string& type, const std::string& device_id, std::int64_t seq, const std::string& ticket_id,
                  std::int64_t created_ms) {
    return as_event(staff_event(type, device_id, seq, ticket_id, created_ms));
}

std::string batch(const std::vector<nlohmann::json>& events) {
    return nlohmann::json{{"events", events}}.dump();
}

const std::vector<Route>& token_routes() {
    static const std::vector<Route> routes = {
        {"POST", "/v1/events", batch({issued_event("kiosk-a", 100, wall_clock_ms())})},
        {"GET", "/v1/events?after=0", ""},
        {"GET", "/v1/events?after=99&wait_ms=20000", ""},
        {"GET", "/v1/config", ""},
        {"GET", "/v1/queue", ""},
        {"GET", "/v1/devices", ""},
        {"GET", "/v1/export?after=0", ""},
        {"POST", "/v1/staff/sign-in", R"({"staff_id":"kari","pin":"246813","counter":"2"})"},
        {"POST", "/v1/staff/sign-out", "{}"},
        {"GET", "/v1/figures", ""},
        {"GET", "/v1/figures.csv", ""},
    };
    return routes;
}

}  // namespace skranke::test
