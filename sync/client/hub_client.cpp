#include "client/hub_client.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <mutex>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "protocol/protocol.hpp"

namespace skranke::sync {

std::string HttpReply::error_code() const {
    const auto json = protocol::parse_json_text(body);
    if (json.is_object() && json.contains("code") && json.at("code").is_string()) return json.at("code").get<std::string>();
    return {};
}

namespace {

// Seconds as milliseconds; a wait too long for int64 saturates (the engine caps it anyway).
std::int64_t seconds_to_ms(std::int64_t seconds) {
    std::int64_t ms = 0;
    return __builtin_mul_overflow(seconds, 1000, &ms) ? INT64_MAX : ms;
}

}  // namespace

std::optional<std::int64_t> parse_retry_after_ms(std::string_view value) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' || value.back() == '\n'))
        value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    if (value.find_first_not_of("0123456789") == std::string_view::npos) {  // delay-seconds, any length
        std::int64_t seconds = 0;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (ec == std::errc::result_out_of_range) return INT64_MAX;
        return ec == std::errc() && ptr == value.data() + value.size() ? std::optional(seconds_to_ms(seconds))
                                                                      : std::nullopt;
    }
    // An HTTP-date starts with the day's name; "-5" or "+5" is no delay at all.
    if (!std::isalpha(static_cast<unsigned char>(value.front()))) return std::nullopt;
    const std::string text(value);
    const std::time_t when = curl_getdate(text.c_str(), nullptr);
    if (when < 0) return std::nullopt;
    const std::int64_t seconds = static_cast<std::int64_t>(when) - static_cast<std::int64_t>(std::time(nullptr));
    return seconds > 0 ? seconds_to_ms(seconds) : 0;
}

std::vector<std::string> parse_hub_urls(std::string_view list) {
    std::vector<std::string> urls;
    for (std::string_view url : protocol::list_items(list)) {
        while (!url.empty() && url.back() == '/') url.remove_suffix(1);
        if (!url.empty()) urls.emplace_back(url);
    }
    return urls;
}

std::string current_hub_url(const Connection& connection) {
    const std::vector<std::string> urls = parse_hub_urls(connection.hub_url);
    return urls.empty() ? std::string() : urls[connection.hub_index % urls.size()];
}

HttpCall::HttpCall() {
    static std::once_flag global;
    std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    easy_ = curl_easy_init();
}

HttpCall::~HttpCall() {
    curl_easy_cleanup(easy_);
    curl_slist_free_all(headers_);
}

std::size_t HttpCall::on_data(char* data, std::size_t size, std::size_t count, void* self) {
    auto* call = static_cast<HttpCall*>(self);
    const std::size_t n = size * count;
    if (call->reply_.size() + n > call->max_reply_) return 0;  // aborts: memory stays bounded
    call->reply_.append(data, n);
    return n;
}

std::size_t HttpCall::on_header(char* data, std::size_t size, std::size_t count, void* self) {
    auto* call = static_cast<HttpCall*>(self);
    const std::size_t n = size * count;
    const std::string_view line(data, n);
    constexpr std::string_view name = "retry-after:";
    if (line.size() > name.size()) {
        bool match = true;
        for (std::size_t i = 0; i < name.size() && match; ++i)
            match = static_cast<char>(std::tolower(static_cast<unsigned char>(line[i]))) == name[i];
        if (match) call->retry_after_ms_ = parse_retry_after_ms(line.substr(name.size()));
    }
    return n;
}

void HttpCall::prepare(const Connection& c, const std::string& method, const std::string& path, std::string body,
                       const std::vector<std::string>& headers, long extra_wait_ms) {
    curl_easy_reset(easy_);
    curl_slist_free_all(headers_);
    headers_ = nullptr;
    reply_.clear();
    retry_after_ms_.reset();
    error_[0] = '\0';
    request_body_ = std::move(body);
    max_reply_ = c.max_reply_bytes;

    hub_url_ = current_hub_url(c);
    const std::string url = hub_url_ + path;
    curl_easy_setopt(easy_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, c.connect_timeout_ms);
    curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, c.request_timeout_ms + extra_wait_ms);
    curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_LIMIT, c.low_speed_bytes_per_s);
    curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_TIME, c.low_speed_time_s + (extra_wait_ms + 999) / 1000);
    curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!c.ca_file.empty()) curl_easy_setopt(easy_, CURLOPT_CAINFO, c.ca_file.c_str());
    if (!c.pinned_public_key.empty()) curl_easy_setopt(easy_, CURLOPT_PINNEDPUBLICKEY, c.pinned_public_key.c_str());
    curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy_, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &HttpCall::on_data);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &HttpCall::on_header);
    curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);

    if (!c.token.empty()) headers_ = curl_slist_append(headers_, ("Authorization: Bearer " + c.token).c_str());
    for (const std::string& h : headers) headers_ = curl_slist_append(headers_, h.c_str());
    if (method == "POST") {
        headers_ = curl_slist_append(headers_, "Content-Type: application/json");
        headers_ = curl_slist_append(headers_, "Expect:");  // no 100-continue round trip
        curl_easy_setopt(easy_, CURLOPT_POST, 1L);
        curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, request_body_.data());
        curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request_body_.size()));
    } else {
        curl_easy_setopt(easy_, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
}

HttpReply HttpCall::finish(CURLcode code) {
    HttpReply reply;
    reply.curl = code;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &reply.status);
    if (code != CURLE_OK) {
        reply.status = 0;  // a cut reply is no reply: the outcome is unknown
        reply.error = error_[0] != '\0' ? std::string(error_) : std::string(curl_easy_strerror(code));
    }
    reply.body = std::move(reply_);
    reply_.clear();
    reply.retry_after_ms = retry_after_ms_;
    reply.hub_url = hub_url_;
    return reply;
}

bool HttpCall::request_sent() {
    curl_off_t uploaded = 0;
    curl_easy_getinfo(easy_, CURLINFO_SIZE_UPLOAD_T, &uploaded);
    return uploaded >= static_cast<curl_off_t>(request_body_.size());
}

HttpReply HttpCall::perform() { return finish(curl_easy_perform(easy_)); }

Result<Enrolment, std::string> enrol_device(const Connection& connection, const std::string& code,
                                            const std::string& device_id, std::string_view role) {
    HttpCall call;
    Connection c = connection;
    c.token.clear();
    nlohmann::json body{{"code", code}, {"device_id", device_id}};
    if (!role.empty()) body["role"] = std::string(role);
    const std::size_t hubs = std::max<std::size_t>(parse_hub_urls(c.hub_url).size(), 1);
    HttpReply reply;
    std::string unreachable;
    for (c.hub_index = 0; c.hub_index < hubs; ++c.hub_index) {
        call.prepare(c, "POST", "/v1/enrol", body.dump(), {});
        reply = call.perform();
        if (reply.answered()) break;
        unreachable += (unreachable.empty() ? "" : "; ") + reply.error;
        if (c.hub_index + 1 < hubs) spdlog::warn("enrol: hub {} unreachable, trying the next", reply.hub_url);
    }
    if (!reply.answered()) return "hub unreachable: " + unreachable;
    const auto json = protocol::parse_json_text(reply.body);
    if (reply.status != 200 || !json.is_object()) {
        const std::string message = json.is_object() ? json.value("message", "") : "";
        return "enrolment refused (" + std::to_string(reply.status) + "): " + message;
    }
    try {
        return Enrolment{json.at("device_id").get<std::string>(), json.at("role").get<std::string>(),
                         json.at("token").get<std::string>()};
    } catch (const nlohmann::json::exception&) {
        return std::string("enrolment reply is malformed");
    }
}

}  // namespace skranke::sync
