#include "hub/staff_routes.hpp"

#include <cstdio>

#include <spdlog/spdlog.h>

#include "domain/day_log.hpp"
#include "domain/office_time.hpp"
#include "domain/service_catalogue.hpp"
#include "domain/validation.hpp"
#include "hub/http_errors.hpp"
#include "hub/request_values.hpp"
#include "protocol/event_codec.hpp"
#include "protocol/issue_event.hpp"
#include "protocol/protocol.hpp"

namespace skranke::hub {

using nlohmann::json;
using protocol::Role;

namespace {

bool staff_device(const AuthDevice& device) { return device.role == Role::reception || device.role == Role::admin; }

json spread_json(const Spread& s) {
    const auto opt = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(); };
    return {{"count", s.count}, {"median_ms", opt(s.median_ms)}, {"p90_ms", opt(s.p90_ms)}};
}

}  // namespace

// Read from the cursor where the day starts, not from the start of the log: a year-old hub
// reads a day. A ticket of a past day that reached the hub more than two days late is left out.
std::optional<std::vector<KnownEvent>> log_of_day(HubStore& log, const std::string& day) {
    int year = 0, month = 0, date = 0;
    if (std::sscanf(day.c_str(), "%d-%d-%d", &year, &month, &date) != 3) return std::vector<KnownEvent>{};
    const std::int64_t from_ms = office_zone().utc_of(year, month, date, 0);
    const std::int64_t until_ms = office_zone().utc_of(year, month, date + 1, 0) + QueueState::action_window_ms;
    auto start = log.cursor_before_received(from_ms);
    if (!start) return std::nullopt;
    std::vector<KnownEvent> events;
    thread_local protocol::IssueEventReader issue_reader;  // the quick path for the most common event
    std::int64_t cursor = *start;
    for (;;) {
        auto page = log.read_log(cursor, protocol::max_log_page);
        if (!page) return std::nullopt;
        if (page->empty()) return events;
        for (auto& e : *page) {
            if (e.received_ms >= until_ms) return events;
            cursor = e.hub_seq;
            const EventMeta meta{e.hub_seq, e.received_ms, e.device_clock_offset_ms};
            if (auto issued = issue_reader.read(e.event_json)) events.push_back({std::move(*issued), meta});
            else if (auto event = protocol::parse_event(e.event_json))  // the hub stored only events that parse
                events.push_back({std::move(*event), meta});
        }
    }
}

json figures_to_json(const DayFigures& f) {
    json by_need = json::object();
    for (const auto& [need, count] : f.issued_by_need) by_need[need] = count;
    json by_hour = json::object();
    for (const auto& [hour, count] : f.issued_by_hour) by_hour[std::to_string(hour)] = count;
    json wait_by_need = json::object();
    for (const auto& [need, s] : f.wait_by_need) wait_by_need[need] = spread_json(s);
    return {{"issued", f.issued}, {"waiting_now", f.waiting_now}, {"served", f.served}, {"no_shows", f.no_shows},
            {"cancelled", f.cancelled}, {"transferred", f.transferred}, {"callbacks", f.callbacks},
            {"callbacks_done", f.callbacks_done}, {"callbacks_not_reached", f.callbacks_not_reached},
            {"callbacks_waiting", f.callbacks_waiting}, {"issued_by_need", by_need},
            {"issued_by_hour", by_hour}, {"wait", spread_json(f.wait)}, {"service", spread_json(f.service)},
            {"wait_by_need", wait_by_need}};
}

void add_staff_routes(httplib::Server& server, CurrentCatalogue catalogue, Authenticate authenticate) {
    server.Post("/v1/staff/sign-in", [catalogue, authenticate](const httplib::Request& req, httplib::Response& res) {
        const auto caller = authenticate(req, res);
        if (!caller) return;
        const AuthDevice* device = &caller->device;
        if (!staff_device(*device)) return send_error(res, 403, "forbidden", "staff sign in at reception consoles only");
        if (!protocol::nesting_within(req.body, protocol::max_json_depth))
            return send_error(res, 400, "too_deep", "JSON nests deeper than the protocol allows");
        const json body = protocol::parse_json_text(req.body);
        const auto text = [&](const char* key) {
            return body.is_object() && body.contains(key) && body.at(key).is_string() ? body.at(key).get<std::string>()
                                                                                     : std::string();
        };
        const std::string staff_id = text("staff_id"), pin = text("pin"), counter = text("counter");
        if (staff_id.empty() || staff_id.size() > 64 || pin.size() > 64 || !is_counter_name(counter))
            return send_error(res, 400, "bad_request", "expected {\"staff_id\", \"pin\", \"counter\"} as short texts");
        if (const auto served = catalogue(); served && !served->knows_counter(counter)) {
            spdlog::warn("staff sign-in refused: device={} counter={} is not in the hub's services.toml counters",
                         device->device_id, counter);
            return send_error(res, 400, "unknown_counter", "the counter is not one of the office's counters");
        }
        auto result = caller->staff->sign_in(staff_id, pin, device->device_id, counter, wall_clock_ms());
        if (!result) return send_error(res, 503, "hub_storage", "the hub cannot read its staff list; try again");
        if (result->outcome == SignInOutcome::locked) {
            const std::int64_t seconds = (result->retry_after_ms + 999) / 1000;
            res.set_header("Retry-After", std::to_string(seconds));
            spdlog::warn("staff sign-in locked: device={}", device->device_id);
            return send_error(res, 429, "pin_locked",
                              "too many wrong PINs; try again in " + std::to_string(seconds) + " seconds");
        }
        if (result->outcome == SignInOutcome::wrong_pin) {
            spdlog::warn("staff sign-in refused: device={}", device->device_id);
            return send_error(res, 401, "wrong_pin", "wrong staff id or PIN");
        }
        const StaffSession& s = *result->session;
        spdlog::info("staff signed in: staff={} device={} counter={}", s.staff.staff_id, s.device_id, s.counter);
        res.set_content(json{{"session", s.token}, {"staff_id", s.staff.staff_id}, {"name", s.staff.name},
                             {"role", to_string(s.staff.role)}, {"counter", s.counter},
                             {"expires_ms", s.expires_ms}}.dump(), json_type);
    });

    server.Post("/v1/staff/sign-out", [authenticate](const httplib::Request& req, httplib::Response& res) {
        const auto caller = authenticate(req, res);
        if (!caller) return;
        if (auto done = caller->staff->sign_out(req.get_header_value(staff_session_header)); !done)
            return send_error(res, 503, "hub_storage", "the hub cannot end the session; try again");
        res.set_content(json{{"signed_out", true}}.dump(), json_type);
    });

    // Figures and the CSV: a staff device with a live staff session, for one service day.
    const auto figures = [authenticate](const httplib::Request& req, httplib::Response& res, bool csv) {
        const auto caller = authenticate(req, res);
        if (!caller) return;
        if (!staff_device(caller->device))
            return send_error(res, 403, "forbidden", "figures are for reception and admin");
        auto session = caller->staff->session(req.get_header_value(staff_session_header), wall_clock_ms());
        if (!session) return send_error(res, 503, "hub_storage", "the hub cannot read its staff sessions; try again");
        if (!*session) return send_error(res, 401, "staff_sign_in_required", "sign in with your staff PIN first");
        const auto checked = service_day_param(param_of(req, "day").view(), service_day_of(wall_clock_ms()));
        if (!checked) return send_error(res, 400, "bad_request", checked.error().message);
        const std::string& day = *checked;
        const auto events = log_of_day(*caller->log, day);
        if (!events) return send_error(res, 503, "hub_storage", "the hub cannot read its log; try again");
        const auto timelines = day_timelines(*events, day);
        if (csv) {
            res.set_header("Content-Disposition", "attachment; filename=\"skranke-" + day + ".csv\"");
            res.set_content(day_figures_csv(timelines), "text/csv; charset=utf-8");
        } else {
            json out = figures_to_json(compute_day_figures(timelines));
            out["day"] = day;
            res.set_content(out.dump(), json_type);
        }
    };
    server.Get("/v1/figures", [figures](const httplib::Request& req, httplib::Response& res) { figures(req, res, false); });
    server.Get("/v1/figures.csv", [figures](const httplib::Request& req, httplib::Response& res) { figures(req, res, true); });
}

}  // namespace skranke::hub
