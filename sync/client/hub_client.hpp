// One HTTP call to the hub over libcurl, set up the way the protocol requires: timeouts on
// connect, on the whole call and on a stalled transfer, no signals, TLS peer verification
// on (CA file configurable), optional public-key pinning, and a cap on the reply's size.
// Used blocking (enrolment, tests) or inside the sync engine's curl multi loop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <curl/curl.h>

#include "domain/result.hpp"
#include "protocol/protocol.hpp"

namespace skranke::sync {

struct Connection {
    // "https://hub.office.local:8470", or several hubs of one office separated by commas or
    // spaces: the device uses one at a time and moves to the next when it fails.
    std::string hub_url;
    std::size_t hub_index = 0;       // which of hub_url's hubs requests go to now
    std::string token;               // device token from enrolment; empty for enrolment itself
    std::string ca_file;             // PEM bundle to verify the hub; empty: system store
    std::string pinned_public_key;   // "sha256//<base64>" or a PEM/DER file; empty: no pinning
    long connect_timeout_ms = 5000;
    long request_timeout_ms = 30000;  // whole call (a long-poll adds its wait)
    long low_speed_bytes_per_s = 32;  // a transfer slower than this ...
    long low_speed_time_s = 15;       // ... for this long is abandoned
    std::size_t max_reply_bytes = 16 * 1024 * 1024;
};

struct HttpReply {
    CURLcode curl = CURLE_OK;
    long status = 0;                 // 0 when no HTTP reply arrived
    std::string body;
    std::optional<std::int64_t> retry_after_ms;
    std::string error;               // curl's words when the transport failed
    std::string hub_url;             // the hub the request went to
    bool answered() const { return curl == CURLE_OK && status != 0; }
    // No HTTP reply, or the hub says it cannot serve now: another hub of the office may.
    bool hub_unavailable() const { return curl != CURLE_OK || status == 503; }
    // The {"code": ...} of an error body, empty if none.
    std::string error_code() const;
};

class HttpCall {
public:
    HttpCall();
    ~HttpCall();
    HttpCall(const HttpCall&) = delete;
    HttpCall& operator=(const HttpCall&) = delete;

    // Sets the handle up for one request. extra_wait_ms lengthens the total and stall
    // timeouts for a long-poll whose reply is meant to come late.
    void prepare(const Connection& connection, const std::string& method, const std::string& path,
                 std::string body, const std::vector<std::string>& headers, long extra_wait_ms = 0);
    CURL* handle() { return easy_; }
    // What came back, once the transfer ended with code.
    HttpReply finish(CURLcode code);
    HttpReply perform();  // blocking: prepare, then perform
    // The whole request, body included, has gone out (the reply may still be coming).
    bool request_sent();

private:
    static std::size_t on_data(char* data, std::size_t size, std::size_t count, void* self);
    static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self);

    CURL* easy_ = nullptr;
    curl_slist* headers_ = nullptr;
    std::string request_body_;
    std::string reply_;
    std::size_t max_reply_ = 0;
    std::optional<std::int64_t> retry_after_ms_;
    std::string hub_url_;
    char error_[CURL_ERROR_SIZE] = {};
};

// The hubs a hub_url names, in order: split at commas and white space, empty entries
// dropped, trailing slashes removed.
std::vector<std::string> parse_hub_urls(std::string_view list);
// The hub requests go to now (hub_index wraps around); empty when hub_url names none.
std::string current_hub_url(const Connection& connection);

struct Enrolment {
    std::string device_id;
    std::string role;
    std::string token;
};
// Trades a one-time code for this device's token (blocking), asking the hubs of hub_url in
// order until one answers; hub_index is ignored. With a role, the hub refuses a
// code made for another role before it stores anything (the code stays unused).
Result<Enrolment, std::string> enrol_device(const Connection& connection, const std::string& code,
                                            const std::string& device_id, std::string_view role = {});

// Retry-After as the protocol uses it: delay-seconds (an HTTP date counts from now), in ms;
// a delay too long for int64 milliseconds saturates at INT64_MAX; nothing for any other text.
std::optional<std::int64_t> parse_retry_after_ms(std::string_view value);

}  // namespace skranke::sync
