#include "notify/sms_gateway.hpp"

#include <curl/curl.h>

#include <cstdio>

namespace skranke::notify {
namespace {

bool slot_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

std::string as_is(std::string_view text) { return std::string(text); }

// A header value never ends the header early: line breaks become spaces.
std::string header_safe(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c == '\r' || c == '\n') c = ' ';
    return out;
}

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
    auto* body = static_cast<std::string*>(out);
    const std::size_t bytes = size * count;
    if (body->size() < 64 * 1024) body->append(data, bytes);  // the answer is only looked at for its status
    return bytes;
}

bool retryable_transport(CURLcode code) {
    switch (code) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_SSL_CONNECT_ERROR:
            return true;
        default:
            return false;
    }
}

}  // namespace

std::string GatewayAnswer::what() const {
    if (status != 0) return "answered " + std::to_string(status);
    return transport.empty() ? "did not answer" : "could not be reached (" + transport + ")";
}

std::vector<std::string> template_slots(std::string_view text) {
    std::vector<std::string> slots;
    for (std::size_t open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
        std::size_t end = open + 1;
        while (end < text.size() && slot_char(text[end])) ++end;
        if (end > open + 1 && end < text.size() && text[end] == '}') slots.emplace_back(text.substr(open + 1, end - open - 1));
    }
    return slots;
}

std::string fill_template(std::string_view text, const std::vector<std::pair<std::string, std::string>>& values,
                          std::string (*escape)(std::string_view)) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const std::pair<std::string, std::string>* slot = nullptr;
        std::size_t end = i + 1;
        if (text[i] == '{') {
            while (end < text.size() && slot_char(text[end])) ++end;
            if (end > i + 1 && end < text.size() && text[end] == '}') {
                const std::string_view name = text.substr(i + 1, end - i - 1);
                for (const auto& value : values)
                    if (value.first == name) slot = &value;
            }
        }
        if (slot) {
            out += escape(slot->second);
            i = end + 1;
        } else {
            out += text[i++];
        }
    }
    return out;
}

std::string url_encoded(std::string_view text) {
    std::string out;
    for (const unsigned char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            out += hex;
        }
    }
    return out;
}

std::string json_escaped(std::string_view text) {
    std::string out;
    for (const unsigned char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char hex[8];
                    std::snprintf(hex, sizeof hex, "\\u%04X", c);
                    out += hex;
                } else {
                    out += static_cast<char>(c);  // UTF-8 passes through whole
                }
        }
    }
    return out;
}

GatewayRequest render_request(const GatewayConfig& gateway, const Credentials& credentials, const SmsMessage& message) {
    std::vector<std::pair<std::string, std::string>> values = {
        {"phone", message.phone}, {"text", message.text}, {"key", message.key}};
    for (const auto& [name, secret] : credentials) values.emplace_back("secret." + name, secret);
    GatewayRequest request;
    request.method = gateway.method;
    request.url = fill_template(gateway.url, values, &url_encoded);
    bool has_type = false;
    for (const std::string& header : gateway.headers) {
        request.headers.push_back(header_safe(fill_template(header, values, &as_is)));
        const std::string name = header.substr(0, header.find(':'));
        if (curl_strnequal(name.c_str(), "Content-Type", 12) && name.size() == 12) has_type = true;
    }
    if (!gateway.idempotency_header.empty())
        request.headers.push_back(gateway.idempotency_header + ": " + header_safe(message.key));
    if (gateway.method != "GET") {
        const bool json = gateway.encoding == BodyEncoding::json;
        request.body = fill_template(gateway.body, values, json ? &json_escaped : &url_encoded);
        if (!has_type)
            request.headers.push_back(json ? "Content-Type: application/json; charset=utf-8"
                                           : "Content-Type: application/x-www-form-urlencoded");
    }
    request.headers.emplace_back("Expect:");  // no 100-continue round trip
    return request;
}

GatewayAnswer send_to_gateway(const GatewayConfig& gateway, const GatewayRequest& request) {
    GatewayAnswer answer;
    CURL* curl = curl_easy_init();
    if (!curl) {
        answer.transport = "no curl handle";
        return answer;
    }
    curl_slist* headers = nullptr;
    for (const std::string& h : request.headers) headers = curl_slist_append(headers, h.c_str());
    std::string reply;
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, gateway.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, gateway.request_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!gateway.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, gateway.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    if (request.method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    const CURLcode code = curl_easy_perform(curl);
    if (code == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
        if (answer.status >= 200 && answer.status < 300)
            answer.result = AttemptResult::delivered;
        else if (answer.status >= 500 || answer.status == 408 || answer.status == 429)
            answer.result = AttemptResult::retry;
        else
            answer.result = AttemptResult::refused;  // the request itself is wrong: the same again would be too
    } else {
        // curl's generic words only: its error buffer may quote the URL, which can hold a secret.
        answer.transport = code == CURLE_OPERATION_TIMEDOUT ? "timed out" : curl_easy_strerror(code);
        answer.result = retryable_transport(code) ? AttemptResult::retry : AttemptResult::refused;
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return answer;
}

}  // namespace skranke::notify
