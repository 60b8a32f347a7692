#include "client/staff_client.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "protocol/protocol.hpp"

namespace skranke::sync {
namespace {

// A text field of a reply, or the fallback when it is missing or not a text: what the hub
// sends is checked, never trusted to have the shape asked for (json::value would throw).
std::string text_of(const nlohmann::json& object, const char* key, const std::string& fallback) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}


constexpr const char* session_header = "X-Skranke-Staff-Session: ";

Connection quick(Connection c) {
    c.connect_timeout_ms = std::min(c.connect_timeout_ms, 3000L);
    c.request_timeout_ms = std::min(c.request_timeout_ms, 15000L);
    return c;
}

StaffCallFailure failure_of(const HttpReply& reply) {
    if (!reply.answered()) return {StaffCallError::offline, "the hub cannot be reached", 0};
    const auto body = protocol::parse_json_text(reply.body);
    std::string message = body.is_object() && body.contains("message") && body.at("message").is_string()
                              ? body.at("message").get<std::string>()
                              : "HTTP " + std::to_string(reply.status);
    if (reply.status == 429) return {StaffCallError::locked, message, reply.retry_after_ms.value_or(30000)};
    if (reply.status == 401 && reply.error_code() == "wrong_pin") return {StaffCallError::wrong_pin, message, 0};
    if (reply.status >= 500) return {StaffCallError::offline, message, 0};
    return {StaffCallError::refused, message, 0};
}

}  // namespace

Result<StaffSignIn, StaffCallFailure> staff_sign_in(const Connection& connection, const std::string& staff_id,
                                                    const std::string& pin, const std::string& counter) {
    HttpCall call;
    const nlohmann::json body{{"staff_id", staff_id}, {"pin", pin}, {"counter", counter}};
    call.prepare(quick(connection), "POST", "/v1/staff/sign-in", body.dump(), {"Content-Type: application/json"});
    const HttpReply reply = call.perform();
    if (!reply.answered() || reply.status != 200) return failure_of(reply);
    const auto json = protocol::parse_json_text(reply.body);
    if (!json.is_object() || !json.contains("session") || !json.at("session").is_string())
        return StaffCallFailure{StaffCallError::refused, "the hub's reply was not understood", 0};
    StaffSignIn s;
    s.session = json.at("session").get<std::string>();
    s.staff_id = text_of(json, "staff_id", staff_id);
    s.name = text_of(json, "name", staff_id);
    s.role = text_of(json, "role", "reception");
    s.counter = text_of(json, "counter", counter);
    const auto expires = json.find("expires_ms");
    s.expires_ms = expires != json.end() && expires->is_number_integer() ? expires->get<std::int64_t>() : 0;
    return s;
}

void staff_sign_out(const Connection& connection, const std::string& session) {
    HttpCall call;
    call.prepare(quick(connection), "POST", "/v1/staff/sign-out", "{}",
                 {"Content-Type: application/json", session_header + session});
    call.perform();
}

Result<std::vector<KioskAlert>, StaffCallFailure> fetch_kiosk_alerts(const Connection& connection) {
    HttpCall call;
    call.prepare(quick(connection), "GET", "/v1/devices", "", {});
    const HttpReply reply = call.perform();
    if (!reply.answered() || reply.status != 200) return failure_of(reply);
    const auto json = protocol::parse_json_text(reply.body);
    if (!json.is_object() || !json.contains("devices") || !json.at("devices").is_array())
        return StaffCallFailure{StaffCallError::refused, "the hub's reply was not understood", 0};
    std::vector<KioskAlert> alerts;
    for (const auto& d : json.at("devices")) {
        if (!d.is_object() || !d.contains("device_id") || !d.at("device_id").is_string()) continue;
        const std::string role = text_of(d, "role", "");
        if (role != "kiosk" && role != "notify") continue;
        KioskAlert alert{d.at("device_id").get<std::string>(), role == "notify", false, 0, {}};
        if (const auto silent = d.find("silent"); silent != d.end() && silent->is_boolean()) alert.silent = silent->get<bool>();
        const auto since = d.find("silent_for_ms");
        if (since != d.end() && since->is_number_integer() && since->get<std::int64_t>() >= 0)
            alert.silent_for_ms = since->get<std::int64_t>();
        if (const auto printer = d.find("printer"); !alert.notifier && printer != d.end() && printer->is_string()) {
            const std::string state = printer->get<std::string>();
            if (state == "paper_low" || state == "paper_out" || state == "cover_open" || state == "offline")
                alert.printer = state;
        }
        if (alert.silent || !alert.printer.empty()) alerts.push_back(std::move(alert));
    }
    std::stable_sort(alerts.begin(), alerts.end(),
                     [](const KioskAlert& a, const KioskAlert& b) { return a.silent_for_ms > b.silent_for_ms; });
    return alerts;
}

Result<std::string, StaffCallFailure> fetch_figures_csv(const Connection& connection, const std::string& session,
                                                        const std::string& day) {
    HttpCall call;
    call.prepare(quick(connection), "GET", "/v1/figures.csv?day=" + day, "", {session_header + session});
    HttpReply reply = call.perform();
    if (!reply.answered() || reply.status != 200) return failure_of(reply);
    return std::move(reply.body);
}

}  // namespace skranke::sync
