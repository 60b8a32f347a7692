#include "protocol/event_codec.hpp"

#include <initializer_list>
#include <algorithm>
#include <array>
#include <limits>

#include <nlohmann/json.hpp>

#include "domain/overloaded.hpp"
#include "domain/service_catalogue.hpp"
#include "domain/validation.hpp"
#include "protocol/protocol.hpp"

namespace skranke::protocol {
namespace {

using nlohmann::json;

// Thrown inside this file only, caught in parse_event: the first problem met ends the read.
struct Refused {
    EventProblem problem;
};

[[noreturn]] void refuse(std::string field, std::string message) {
    throw Refused{{std::move(field), std::move(message)}};
}

// The fields of one JSON object: each read once, by name; anything left over is refused.
class Fields {
public:
    Fields(const json& object, std::string prefix) : object_(object), prefix_(std::move(prefix)) {
        if (!object_.is_object()) refuse(prefix_.empty() ? "" : prefix_.substr(0, prefix_.size() - 1),
                                         (prefix_.empty() ? std::string("the event") : name("")) + " must be an object");
    }

    const json* find(const char* key) {
        const auto it = object_.find(key);
        if (it == object_.end()) return nullptr;
        ++used_;
        return &*it;
    }
    const json& need(const char* key) {
        const json* value = find(key);
        if (!value) refuse(name(key), name(key) + " is missing");
        return *value;
    }
    std::string text(const char* key) {
        const json& v = need(key);
        if (!v.is_string()) refuse(name(key), name(key) + " must be a string");
        return v.get<std::string>();
    }
    std::string optional_text(const char* key) {
        const json* v = find(key);
        if (!v) return {};
        if (!v->is_string()) refuse(name(key), name(key) + " must be a string");
        return v->get<std::string>();
    }
    bool flag(const char* key) {
        const json& v = need(key);
        if (!v.is_boolean()) refuse(name(key), name(key) + " must be true or false");
        return v.get<bool>();
    }
    // An integer in [low, high]: 1.5, 1.0, true, "1" and numbers past int64 are refused.
    std::int64_t integer(const char* key, std::int64_t low, std::int64_t high) {
        return integer_value(need(key), key, low, high);
    }
    std::int64_t integer_value(const json& v, const char* key, std::int64_t low, std::int64_t high) {
        const bool in_int64 = v.is_number_integer() &&
                              (!v.is_number_unsigned() ||
                               v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
        const std::int64_t n = in_int64 ? v.get<std::int64_t>() : 0;
        if (!in_int64 || n < low || n > high)
            refuse(name(key), name(key) + " must be an integer from " + std::to_string(low) + " to " + std::to_string(high));
        return n;
    }
    // Refuses a field this type does not have.
    void no_others() {
        if (used_ == object_.size()) return;
        for (const auto& [key, value] : object_.items())
            if (std::find(known_.begin(), known_.begin() + known_count_, key) == known_.begin() + known_count_)
                refuse(name(key.c_str()), name(key.c_str()) + " is not a field of this event");
    }
    void expect(std::initializer_list<const char*> keys) {
        for (const char* k : keys) known_[known_count_++] = k;  // at most 24: the ticket's 22 fields
    }
    std::string name(const char* key) const { return prefix_ + key; }

private:
    const json& object_;
    std::string prefix_;
    std::size_t used_ = 0;
    std::array<std::string_view, 24> known_{};  // the fields expected, for the refusal of any other
    std::size_t known_count_ = 0;
};

bool is_need_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (const char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
    return true;
}

bool is_language_code(std::string_view code) {
    if (code.size() < 2 || code.size() > 3) return false;
    for (const char c : code)
        if (c < 'a' || c > 'z') return false;
    return true;
}

bool is_digits(std::string_view s) {
    for (const char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// "YYYY-MM-DD" with a month 01-12 and a day 01-31.
bool is_day(std::string_view day) {
    if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
    if (!is_digits(day.substr(0, 4)) || !is_digits(day.substr(5, 2)) || !is_digits(day.substr(8, 2))) return false;
    const int month = (day[5] - '0') * 10 + (day[6] - '0');
    const int d = (day[8] - '0') * 10 + (day[9] - '0');
    return month >= 1 && month <= 12 && d >= 1 && d <= 31;
}

// "<device_id>:<device_seq>" as make_event_id writes it.
bool is_event_id(std::string_view id) {
    const auto colon = id.rfind(':');
    if (colon == std::string_view::npos) return false;
    const std::string_view seq = id.substr(colon + 1);
    if (seq.empty() || seq.size() > 13 || seq[0] == '0' || !is_digits(seq)) return false;
    return is_valid_device_id(id.substr(0, colon)) && std::stoll(std::string(seq)) <= max_device_seq;
}

std::optional<EventProblem> problem(std::string field, std::string message) {
    return EventProblem{std::move(field), std::move(message)};
}

std::optional<EventProblem> text_problem(const char* field, Field kind, std::string_view text, std::size_t limit) {
    if (auto p = check_text(kind, text, limit))
        return problem(field, std::string(field) + " must be valid text of at most " + std::to_string(limit) +
                                  " characters without control characters");
    return std::nullopt;
}

std::optional<EventProblem> ticket_problem(const Ticket& t, const EventEnvelope& envelope) {
    const TicketRequest& r = t.request;
    if (t.number.letter < 'A' || t.number.letter > 'Z') return problem("ticket.letter", "ticket.letter must be one letter A-Z");
    if (t.number.sequence < 1 || t.number.sequence > max_ticket_sequence)
        return problem("ticket.sequence", "ticket.sequence must be from 1 to " + std::to_string(max_ticket_sequence));
    if (!is_day(t.service_day)) return problem("ticket.service_day", "ticket.service_day must be a date YYYY-MM-DD");
    if (!is_need_id(r.need_id)) return problem("ticket.need_id", "ticket.need_id must be 1-64 of a-z, 0-9, _ and -");
    if (!is_language_code(r.language)) return problem("ticket.language", "ticket.language must be a language code");
    if (!r.interpreter_language.empty() && !is_language_code(r.interpreter_language))
        return problem("ticket.interpreter_language", "ticket.interpreter_language must be empty or a language code");
    if (auto p = text_problem("ticket.name", Field::name, r.name, max_name_chars)) return p;
    if (auto p = text_problem("ticket.description", Field::description, r.description, max_description_chars)) return p;
    if (auto p = text_problem("ticket.appointment_reference", Field::appointment_reference, r.appointment_reference,
                              max_reference_chars))
        return p;
    if (!r.phone.empty() && check_phone(r.phone)) return problem("ticket.phone", "ticket.phone must be a phone number");
    if (r.appointment_ms && (*r.appointment_ms < envelope.created_ms - max_appointment_distance_ms ||
                             *r.appointment_ms > envelope.created_ms + max_appointment_distance_ms))
        return problem("ticket.appointment_ms", "ticket.appointment_ms must be within a day of created_ms");
    if (t.created_ms != envelope.created_ms) return problem("ticket.created_ms", "ticket.created_ms must equal created_ms");
    if (t.state != TicketState::waiting) return problem("ticket.state", "ticket.state must be \"waiting\"");
    if (r.sms_wanted && r.channel == Channel::callback)
        return problem("ticket.sms_wanted", "ticket.sms_wanted must be false for a callback request");
    if (r.waits_outside && !r.sms_wanted)
        return problem("ticket.waits_outside", "ticket.waits_outside must be false without sms_wanted");
    if (!t.status_token.empty() && !is_status_token(t.status_token))
        return problem("ticket.status_token", "ticket.status_token must be 32 lowercase hex digits, or left out");
    if (t.event_id != envelope.event_id || t.device_id != envelope.device_id || t.device_seq != envelope.device_seq)
        return problem("ticket", "the ticket must be the event's own");
    return std::nullopt;
}

std::optional<EventProblem> ticket_id_problem(const std::string& id) {
    if (!is_event_id(id)) return problem("ticket_id", "ticket_id must be a ticket's event id");
    return std::nullopt;
}

std::optional<EventProblem> counter_problem(const char* field, const std::string& counter, bool required) {
    if (counter.empty() && !required) return std::nullopt;
    if (!is_counter_name(counter))
        return problem(field, std::string(field) + " must be a counter name of 1-" + std::to_string(max_counter_bytes) +
                                  " bytes without control characters");
    return std::nullopt;
}

Ticket read_ticket(const json& value, const EventEnvelope& envelope) {
    Fields f(value, "ticket.");
    f.expect({"number", "letter", "sequence", "service_day", "need_id", "channel", "urgent", "children_affected",
              "language", "interpreter_wanted", "interpreter_language", "accessibility", "name", "phone",
              "description", "appointment_reference", "appointment_ms", "created_ms", "state", "status_token",
              "sms_wanted", "waits_outside"});
    Ticket t;
    const std::string letter = f.text("letter");
    if (letter.size() != 1 || letter[0] < 'A' || letter[0] > 'Z') refuse("ticket.letter", "ticket.letter must be one letter A-Z");
    t.number.letter = letter[0];
    t.number.sequence = static_cast<int>(f.integer("sequence", 1, max_ticket_sequence));
    if (f.text("number") != t.number.text())
        refuse("ticket.number", "ticket.number must be the letter and sequence as shown (\"" + t.number.text() + "\")");
    t.service_day = f.text("service_day");
    TicketRequest& r = t.request;
    r.need_id = f.text("need_id");
    const auto channel = channel_from_string(f.text("channel"));
    if (!channel) refuse("ticket.channel", "ticket.channel must be walk_in, appointment or callback");
    r.channel = *channel;
    r.urgent = f.flag("urgent");
    r.children_affected = f.flag("children_affected");
    r.language = f.text("language");
    r.interpreter_wanted = f.flag("interpreter_wanted");
    r.interpreter_language = f.text("interpreter_language");
    {
        Fields a(f.need("accessibility"), "ticket.accessibility.");
        a.expect({"wheelchair", "hearing", "sight"});
        r.accessibility = {a.flag("wheelchair"), a.flag("hearing"), a.flag("sight")};
        a.no_others();
    }
    r.name = f.optional_text("name");
    r.phone = f.optional_text("phone");
    r.description = f.optional_text("description");
    r.appointment_reference = f.optional_text("appointment_reference");
    if (const json* appointment = f.find("appointment_ms"); appointment && !appointment->is_null())
        r.appointment_ms = f.integer_value(*appointment, "appointment_ms", std::numeric_limits<std::int64_t>::min(),
                                           std::numeric_limits<std::int64_t>::max());  // the value rule bounds it
    t.created_ms = f.integer("created_ms", min_event_time_ms, max_event_time_ms);
    const auto state = ticket_state_from_string(f.text("state"));
    if (!state) refuse("ticket.state", "ticket.state must be \"waiting\"");
    t.state = *state;
    t.status_token = f.optional_text("status_token");  // "" or left out: an older kiosk's ticket, without one
    r.sms_wanted = f.find("sms_wanted") && f.flag("sms_wanted");  // left out: false (older kiosks)
    r.waits_outside = f.find("waits_outside") && f.flag("waits_outside");
    f.no_others();
    t.event_id = envelope.event_id;
    t.device_id = envelope.device_id;
    t.device_seq = envelope.device_seq;
    return t;
}

Event read_event(const json& value) {
    Fields f(value, "");
    f.expect({"event_id", "type", "device_id", "device_seq", "created_ms"});
    Event e;
    e.envelope.event_id = f.text("event_id");
    const std::string type = f.text("type");
    e.envelope.device_id = f.text("device_id");
    e.envelope.device_seq = f.integer("device_seq", 1, max_device_seq);
    e.envelope.created_ms = f.integer("created_ms", min_event_time_ms, max_event_time_ms);
    if (type == event_type::ticket_issued || type == event_type::callback_requested) {
        f.expect({"ticket"});
        Ticket ticket = read_ticket(f.need("ticket"), e.envelope);
        if ((type == event_type::callback_requested) != (ticket.request.channel == Channel::callback))
            refuse("ticket.channel", "ticket.channel must be callback exactly when type is callback.requested");
        e.body = TicketIssued{std::move(ticket)};
    } else if (type == event_type::ticket_called) {
        f.expect({"ticket_id", "counter"});
        e.body = TicketCalled{f.text("ticket_id"), f.text("counter")};
    } else if (type == event_type::ticket_recalled) {
        f.expect({"ticket_id", "counter"});
        e.body = TicketRecalled{f.text("ticket_id"), f.text("counter")};
    } else if (type == event_type::ticket_served) {
        f.expect({"ticket_id", "counter"});
        e.body = TicketServed{f.text("ticket_id"), f.optional_text("counter")};
    } else if (type == event_type::ticket_no_show) {
        f.expect({"ticket_id", "counter"});
        e.body = TicketNoShow{f.text("ticket_id"), f.optional_text("counter")};
    } else if (type == event_type::ticket_transferred) {
        f.expect({"ticket_id", "to_need_id", "to_counter"});
        e.body = TicketTransferred{f.text("ticket_id"), f.text("to_need_id"), f.optional_text("to_counter")};
    } else if (type == event_type::ticket_cancelled) {
        f.expect({"ticket_id", "reason"});
        TicketCancelled cancelled{f.text("ticket_id"), CancelReason::none};
        const std::string reason = f.optional_text("reason");
        if (reason == "callback_done") cancelled.reason = CancelReason::callback_done;
        else if (reason == "callback_not_reached") cancelled.reason = CancelReason::callback_not_reached;
        else if (!reason.empty())
            refuse("reason", "reason must be \"callback_done\", \"callback_not_reached\" or left out");
        e.body = std::move(cancelled);
    } else if (type == event_type::ticket_notified) {
        f.expect({"ticket_id", "kind", "outcome", "detail"});
        TicketNotified notified;
        notified.ticket_id = f.text("ticket_id");
        const auto kind = notify_kind_from_string(f.text("kind"));
        if (!kind) refuse("kind", "kind must be \"near_front\" or \"called\"");
        notified.kind = *kind;
        const auto outcome = notify_outcome_from_string(f.text("outcome"));
        if (!outcome) refuse("outcome", "outcome must be \"sending\", \"sent\" or \"failed\"");
        notified.outcome = *outcome;
        notified.detail = f.optional_text("detail");
        e.body = std::move(notified);
    } else {
        refuse("type", "type must be one of the event types of docs/events.md");
    }
    if (!is_issue(e)) {
        f.expect({"staff_id"});
        e.envelope.staff_id = f.optional_text("staff_id");
    }
    f.no_others();
    return e;
}

json ticket_json(const Ticket& ticket) {
    const TicketRequest& r = ticket.request;
    json out = {
        {"number", ticket.number.text()},
        {"letter", std::string(1, ticket.number.letter)},
        {"sequence", ticket.number.sequence},
        {"service_day", ticket.service_day},
        {"need_id", r.need_id},
        {"channel", to_string(r.channel)},
        {"urgent", r.urgent},
        {"children_affected", r.children_affected},
        {"language", r.language},
        {"interpreter_wanted", r.interpreter_wanted},
        {"interpreter_language", r.interpreter_language},
        {"accessibility",
         {{"wheelchair", r.accessibility.wheelchair},
          {"hearing", r.accessibility.hearing},
          {"sight", r.accessibility.sight}}},
        {"name", r.name},
        {"phone", r.phone},
        {"description", r.description},
        {"appointment_reference", r.appointment_reference},
        {"appointment_ms", r.appointment_ms ? json(*r.appointment_ms) : json()},
        {"created_ms", ticket.created_ms},
        {"state", to_string(ticket.state)},
    };
    // Written only when there is one: an older kiosk's events keep their exact text.
    if (!ticket.status_token.empty()) out["status_token"] = ticket.status_token;
    if (r.sms_wanted) out["sms_wanted"] = true;
    if (r.waits_outside) out["waits_outside"] = true;
    return out;
}

}  // namespace

Result<Event, EventProblem> parse_event(std::string_view text) {
    if (!nesting_within(text, max_json_depth)) return EventProblem{"", "the event nests too deep"};
    const json value = parse_json_text(text);
    if (value.is_discarded()) return EventProblem{"", "the event is not JSON"};
    return event_from_json(value);
}

Result<Event, EventProblem> event_from_json(const json& value) {
    try {
        Event event = read_event(value);
        if (auto p = event_value_problem(event)) return std::move(*p);
        return event;
    } catch (const Refused& refused) {
        return refused.problem;
    } catch (const json::exception&) {
        return EventProblem{"", "the event cannot be read"};
    }
}

std::string write_event(const Event& event) {
    const EventEnvelope& envelope = event.envelope;
    json out = {{"event_id", envelope.event_id},
                {"type", type_name(event)},
                {"device_id", envelope.device_id},
                {"device_seq", envelope.device_seq},
                {"created_ms", envelope.created_ms}};
    if (!envelope.staff_id.empty()) out["staff_id"] = envelope.staff_id;
    std::visit(overloaded{
                   [&](const TicketIssued& e) { out["ticket"] = ticket_json(e.ticket); },
                   [&](const TicketCalled& e) {
                       out["ticket_id"] = e.ticket_id;
                       out["counter"] = e.counter;
                   },
                   [&](const TicketRecalled& e) {
                       out["ticket_id"] = e.ticket_id;
                       out["counter"] = e.counter;
                   },
                   [&](const TicketServed& e) {
                       out["ticket_id"] = e.ticket_id;
                       if (!e.counter.empty()) out["counter"] = e.counter;
                   },
                   [&](const TicketNoShow& e) {
                       out["ticket_id"] = e.ticket_id;
                       if (!e.counter.empty()) out["counter"] = e.counter;
                   },
                   [&](const TicketTransferred& e) {
                       out["ticket_id"] = e.ticket_id;
                       out["to_need_id"] = e.to_need_id;
                       if (!e.to_counter.empty()) out["to_counter"] = e.to_counter;
                   },
                   [&](const TicketCancelled& e) {
                       out["ticket_id"] = e.ticket_id;
                       if (e.reason == CancelReason::callback_done) out["reason"] = "callback_done";
                       if (e.reason == CancelReason::callback_not_reached) out["reason"] = "callback_not_reached";
                   },
                   [&](const TicketNotified& e) {
                       out["ticket_id"] = e.ticket_id;
                       out["kind"] = to_string(e.kind);
                       out["outcome"] = to_string(e.outcome);
                       if (!e.detail.empty()) out["detail"] = e.detail;
                   },
               },
               event.body);
    return out.dump();
}

std::optional<EventProblem> event_value_problem(const Event& event) {
    const EventEnvelope& envelope = event.envelope;
    if (!is_valid_device_id(envelope.device_id)) return problem("device_id", "device_id must be 1-64 of a-z, 0-9, -");
    if (envelope.device_seq < 1 || envelope.device_seq > max_device_seq)
        return problem("device_seq", "device_seq must be from 1 to " + std::to_string(max_device_seq));
    if (envelope.event_id != make_event_id(envelope.device_id, envelope.device_seq))
        return problem("event_id", "event_id must be <device_id>:<device_seq>");
    if (envelope.created_ms < min_event_time_ms || envelope.created_ms > max_event_time_ms)
        return problem("created_ms", "created_ms must be a time between the years 2000 and 2200");
    if (!envelope.staff_id.empty() &&
        (is_issue(event) || envelope.staff_id.size() > 64 || !is_valid_utf8(envelope.staff_id) ||
         has_control_characters(envelope.staff_id)))
        return problem("staff_id", "staff_id must be a staff id of at most 64 bytes, on staff actions only");
    return std::visit(overloaded{
                          [&](const TicketIssued& e) { return ticket_problem(e.ticket, envelope); },
                          [](const TicketCalled& e) {
                              if (auto p = ticket_id_problem(e.ticket_id)) return p;
                              return counter_problem("counter", e.counter, true);
                          },
                          [](const TicketRecalled& e) {
                              if (auto p = ticket_id_problem(e.ticket_id)) return p;
                              return counter_problem("counter", e.counter, true);
                          },
                          [](const TicketServed& e) {
                              if (auto p = ticket_id_problem(e.ticket_id)) return p;
                              return counter_problem("counter", e.counter, false);
                          },
                          [](const TicketNoShow& e) {
                              if (auto p = ticket_id_problem(e.ticket_id)) return p;
                              return counter_problem("counter", e.counter, false);
                          },
                          [](const TicketTransferred& e) {
                              if (auto p = ticket_id_problem(e.ticket_id)) return p;
                              if (!is_need_id(e.to_need_id))
                                  return problem("to_need_id", "to_need_id must be 1-64 of a-z, 0-9, _ and -");
                              return counter_problem("to_counter", e.to_counter, false);
                          },
                          [](const TicketCancelled& e) { return ticket_id_problem(e.ticket_id); },
                          [](const TicketNotified& e) {
                              if (auto p = ticket_id_problem(e.ticket_id)) return p;
                              if (!e.detail.empty() && e.outcome != NotifyOutcome::failed)
                                  return problem("detail", "detail is only for outcome \"failed\"");
                              return text_problem("detail", Field::description, e.detail, max_notify_detail_chars);
                          },
                      },
                      event.body);
}

std::optional<EventProblem> event_problem_at_hub(const Event& event, const ServiceCatalogue* catalogue,
                                                 std::int64_t hub_now_ms) {
    const std::int64_t created = event.envelope.created_ms;  // both within year 2000-2200: no overflow
    if (created < hub_now_ms - max_clock_distance_ms || created > hub_now_ms + max_clock_distance_ms)
        return problem("created_ms", "created_ms is more than 400 days from the hub's clock: set the device's clock");
    // Checked here and not in event_value_problem: the phone leaves every copy with the other
    // personal fields, the wish stays.
    if (const auto* issued = std::get_if<TicketIssued>(&event.body);
        issued && issued->ticket.request.sms_wanted && issued->ticket.request.phone.empty())
        return problem("ticket.sms_wanted", "ticket.sms_wanted needs a phone number");
    if (!catalogue) return std::nullopt;
    if (const auto* issued = std::get_if<TicketIssued>(&event.body)) {
        const Need* need = catalogue->find(issued->ticket.request.need_id);
        if (!need) return problem("ticket.need_id", "ticket.need_id is not a need the hub serves");
        if (need->emergency && !issued->ticket.request.urgent)
            return problem("ticket.urgent", "ticket.urgent must be true for an emergency need");
    }
    const auto unknown_counter = [&](const char* field, const std::string& counter) -> std::optional<EventProblem> {
        if (counter.empty() || catalogue->knows_counter(counter)) return std::nullopt;
        return problem(field, std::string(field) + " is not one of the office's counters (the hub's services.toml)");
    };
    return std::visit(overloaded{
                          [](const TicketIssued&) -> std::optional<EventProblem> { return std::nullopt; },
                          [&](const TicketCalled& e) { return unknown_counter("counter", e.counter); },
                          [&](const TicketRecalled& e) { return unknown_counter("counter", e.counter); },
                          [&](const TicketServed& e) { return unknown_counter("counter", e.counter); },
                          [&](const TicketNoShow& e) { return unknown_counter("counter", e.counter); },
                          [&](const TicketTransferred& e) -> std::optional<EventProblem> {
                              if (!catalogue->find(e.to_need_id))
                                  return problem("to_need_id", "to_need_id is not a need the hub serves");
                              return unknown_counter("to_counter", e.to_counter);
                          },
                          [](const TicketCancelled&) -> std::optional<EventProblem> { return std::nullopt; },
                          [](const TicketNotified&) -> std::optional<EventProblem> { return std::nullopt; },
                      },
                      event.body);
}

}  // namespace skranke::protocol
