// One SMS to the office's HTTP SMS provider, as notify.toml describes it: the URL, headers
// and body are templates with {phone}, {text}, {key} and {secret.NAME}, each value escaped
// for where it goes (URL-encoded in the URL and a form body, JSON-escaped in a JSON body).
// The answer is sorted into delivered, worth retrying (5xx, 408, 429, timeouts, refused
// connections) and refused for good (any other 4xx).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "notify/notify_config.hpp"

namespace skranke::notify {

struct SmsMessage {
    std::string phone;
    std::string text;
    std::string key;  // idempotency key: the same for every try of one claim (sms_key)
};

struct GatewayRequest {
    std::string method;
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
};

enum class AttemptResult { delivered, retry, refused };

struct GatewayAnswer {
    AttemptResult result = AttemptResult::retry;
    long status = 0;          // HTTP status; 0 when no answer came
    std::string transport;    // what failed when no answer came (curl's words, no address)
    // "answered 503", "timed out": for logs and staff, never personal or secret.
    std::string what() const;
};

// The {names} in a template (a "{" followed by letters, digits, '_' or '.' and a "}"), so a
// JSON body's own braces are left alone.
std::vector<std::string> template_slots(std::string_view text);
// The template with each slot replaced by escape(value); slots with no value stay as they are.
std::string fill_template(std::string_view text, const std::vector<std::pair<std::string, std::string>>& values,
                          std::string (*escape)(std::string_view));

std::string url_encoded(std::string_view text);
std::string json_escaped(std::string_view text);  // without the surrounding quotes

GatewayRequest render_request(const GatewayConfig& gateway, const Credentials& credentials, const SmsMessage& message);

// One try, blocking for at most the configured timeouts.
GatewayAnswer send_to_gateway(const GatewayConfig& gateway, const GatewayRequest& request);

}  // namespace skranke::notify
