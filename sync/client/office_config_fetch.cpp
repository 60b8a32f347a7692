#include "client/office_config_fetch.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "domain/office_settings.hpp"
#include "domain/service_catalogue.hpp"
#include "protocol/protocol.hpp"
#include "store/office_cache.hpp"

namespace skranke::sync {

namespace {

constexpr std::int64_t first_retry_ms = 1000;
constexpr std::int64_t retry_cap_ms = 60000;

}  // namespace

std::optional<std::string> OfficeConfigFetch::version_to_send(std::int64_t now_steady_ms) const {
    if (in_flight_ || now_steady_ms < not_before_) return std::nullopt;
    if (!refused_.empty()) return refused_;
    // Holding none: a version no configuration has, so that the hub answers at once.
    return held_.empty() ? std::string(64, '0') : held_;
}

void OfficeConfigFetch::hub_has(const std::string& version, CURLM* multi, const Connection& connection,
                                const std::vector<std::string>& headers, std::int64_t now_steady_ms) {
    if (version == held_) refused_.clear();  // the hub went back to what this device has
    if (in_flight_ || version.empty() || version == held_ || version == refused_ || now_steady_ms < not_before_) return;
    call_.prepare(connection, "GET", "/v1/config", {}, headers);
    if (curl_multi_add_handle(multi, call_.handle()) != CURLM_OK) {
        spdlog::warn("sync: the office configuration cannot be fetched: libcurl refused the call");
        return;
    }
    in_flight_ = true;
}

void OfficeConfigFetch::finished(CURLcode code, std::int64_t now_steady_ms, std::int64_t device_now_ms) {
    in_flight_ = false;
    const HttpReply reply = call_.finish(code);
    std::optional<std::string> problem;
    if (!reply.answered())
        problem = "hub unreachable: " + reply.error;
    else if (reply.status != 200)
        problem = "HTTP " + std::to_string(reply.status) + " " + reply.error_code();
    else
        problem = take(reply.body, device_now_ms);
    if (!problem) {
        failures_ = 0;
        not_before_ = 0;
        return;
    }
    // Tried again at a log reply after the wait (doubling, at most a minute).
    const std::int64_t wait = std::min(retry_cap_ms, first_retry_ms << std::min(failures_, 6));
    ++failures_;
    not_before_ = now_steady_ms + wait;
    spdlog::warn("sync: the office configuration was not fetched ({}); tried again in {} s", *problem, wait / 1000);
}

std::optional<std::string> OfficeConfigFetch::take(const std::string& body, std::int64_t device_now_ms) {
    const nlohmann::json reply = protocol::parse_json_text(body);
    const auto text = [&](const char* key) -> std::optional<std::string> {
        if (!reply.is_object()) return std::nullopt;
        const auto it = reply.find(key);
        if (it == reply.end() || !it->is_string()) return std::nullopt;
        return it->get<std::string>();
    };
    CachedOfficeConfig config;
    const auto version = text("config_version");
    const auto services = text("services_toml");
    const auto office = text("office_toml");
    if (!version || !services || !office) return std::string("malformed /v1/config reply");
    config.version = *version;
    config.services_toml = *services;
    config.office_toml = *office;
    config.received_ms = device_now_ms;
    // What does not read here is not stored: the device keeps what it has, and IT reads why.
    std::optional<std::string> unusable;
    if (office_config_version(config.services_toml, config.office_toml) != config.version)
        unusable = "its texts do not match its version";
    if (!unusable && !config.services_toml.empty())
        if (auto catalogue = ServiceCatalogue::load_text(config.services_toml); !catalogue)
            unusable = "the hub's service catalogue: " + catalogue.error().detail;
    if (!unusable && !config.office_toml.empty())
        if (auto settings = parse_office_file(config.office_toml, "the hub's office file"); !settings)
            unusable = settings.error();
    if (unusable) {
        spdlog::error("sync: office configuration {} refused, keeping {}: {}", config.version.substr(0, 12),
                      held_.empty() ? std::string("the local files") : held_.substr(0, 12), *unusable);
        refused_ = config.version;
        return std::nullopt;  // an answer, not a failure: not fetched again until the hub has another
    }
    if (auto saved = save_office_config(store_, config); !saved) return "not stored: " + saved.error().detail;
    spdlog::info("sync: office configuration {} stored", config.version.substr(0, 12));
    held_ = config.version;
    refused_.clear();
    if (stored_) stored_();
    return std::nullopt;
}

void OfficeConfigFetch::cancel(CURLM* multi) {
    if (in_flight_) curl_multi_remove_handle(multi, call_.handle());
    in_flight_ = false;
}

}  // namespace skranke::sync
