// skranke-notify's settings (/etc/skranke/notify.toml) and the gateway's secrets (a separate
// root-only file): read whole at start, every wrong key refused by name, so IT learns of a
// typo at `systemctl start` rather than when the first visitor waits for an SMS.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "domain/result.hpp"

namespace skranke::notify {

inline constexpr const char* default_config_file = "/etc/skranke/notify.toml";
// Its own folder, the unit's state directory: the service user's alone (mode 0700).
inline constexpr const char* default_store_file = "/var/lib/skranke/notify/notify.db";

// How slot values are written into the body: json escapes them for a JSON string (the
// template supplies the quotes), form URL-encodes them (application/x-www-form-urlencoded).
enum class BodyEncoding { json, form };

struct GatewayConfig {
    std::string url;                     // may hold slots; their values are URL-encoded
    std::string method = "POST";         // POST, PUT or GET (GET sends no body)
    BodyEncoding encoding = BodyEncoding::json;
    std::string body;                    // template with {phone}, {text}, {key}, {secret.NAME}
    std::vector<std::string> headers;    // "Name: value template", one a line
    std::string idempotency_header = "Idempotency-Key";  // carries {key}; empty: only where the templates put it
    std::string ca_file;                 // PEM bundle for the gateway's TLS; empty: the system's
    long connect_timeout_ms = 5000;
    long request_timeout_ms = 15000;
    int parallel = 4;                    // requests in flight at once (one slow message never holds the rest)
};

struct RetryConfig {
    int tries = 6;                        // attempts per message, the first included
    std::int64_t first_wait_ms = 2000;    // wait before the second try; doubles each time
    std::int64_t max_wait_ms = 60000;     // longest single wait
    std::int64_t give_up_after_ms = 300000;  // no new try starts this long after the first
};

struct NotifyConfig {
    std::filesystem::path store = default_store_file;
    std::filesystem::path assets;         // holds translations/; empty: the compiled-in asset folder
    std::filesystem::path credentials = "/etc/skranke/notify-credentials.toml";
    std::string time_zone = "Europe/Oslo";
    GatewayConfig gateway;
    RetryConfig retry;
    // Sync timings (tests and the benchmark shorten them; IT leaves them).
    long long_poll_wait_ms = 20000;
    std::int64_t backoff_cap_ms = 30000;
};

// Secrets by name ({secret.NAME} in the templates). Never logged.
using Credentials = std::map<std::string, std::string, std::less<>>;

// The settings file's text; errors start with `where` and name the key.
Result<NotifyConfig, std::string> parse_notify_config(std::string_view text, const std::string& where);
Result<NotifyConfig, std::string> load_notify_config(const std::filesystem::path& file);

// The credentials file: a TOML table of texts. Refused, naming the file, when group or
// others may read or write it, or when a template asks for a secret it lacks.
Result<Credentials, std::string> load_credentials(const std::filesystem::path& file);
// Every {slot} of the gateway's templates is one the notifier fills and every secret named is
// in credentials; else an error naming the config key.
Result<Done, std::string> check_templates(const GatewayConfig& gateway, const Credentials& credentials);

}  // namespace skranke::notify
