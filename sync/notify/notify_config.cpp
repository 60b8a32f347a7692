#include "notify/notify_config.hpp"

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "domain/config_keys.hpp"
#include "domain/office_time.hpp"
#include "notify/sms_gateway.hpp"

namespace skranke::notify {
namespace {

// Every key the file may hold: anything else is a typo said by name, not ignored.
const std::set<std::string, std::less<>> known_keys = {
    "store", "assets", "credentials", "time_zone", "gateway", "retry", "sync",
    "gateway.url", "gateway.method", "gateway.encoding", "gateway.body", "gateway.headers",
    "gateway.idempotency_header", "gateway.ca_file", "gateway.connect_timeout_ms",
    "gateway.request_timeout_ms", "gateway.parallel",
    "retry.tries", "retry.first_wait_ms", "retry.max_wait_ms", "retry.give_up_after_ms",
    "sync.long_poll_wait_ms", "sync.backoff_cap_ms"};

std::string unknown_key(const toml::table& table, const std::string& prefix = "") {
    for (const auto& [key, node] : table) {
        const std::string path = prefix + std::string(key.str());
        if (!known_keys.count(path)) return path;
        if (const toml::table* inner = node.as_table()) {
            if (auto bad = unknown_key(*inner, path + "."); !bad.empty()) return bad;
        }
    }
    return {};
}

std::string read_file(const std::filesystem::path& file, bool& ok) {
    std::ifstream in(file, std::ios::binary);
    ok = static_cast<bool>(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

Result<NotifyConfig, std::string> parse_notify_config(std::string_view text, const std::string& where) {
    toml::table t;
    try {
        t = toml::parse(text, where);
    } catch (const toml::parse_error& e) {
        return std::string(where + ": " + std::string(e.description()) + " (line " +
                   std::to_string(e.source().begin.line) + ")");
    }
    if (auto bad = unknown_key(t); !bad.empty())
        return std::string(where + ": " + bad + " is not a setting of skranke-notify (see docs/notify.md)");
    NotifyConfig c;
    ConfigKeys keys(t);
    std::string store = c.store.string(), assets, credentials = c.credentials.string(), method = c.gateway.method,
                encoding = "json";
    std::int64_t connect = c.gateway.connect_timeout_ms, request = c.gateway.request_timeout_ms,
                 long_poll = c.long_poll_wait_ms;
    const bool read =
        keys.section("gateway") && keys.section("retry") && keys.section("sync") && keys.text("store", store) &&
        keys.text("assets", assets) && keys.text("credentials", credentials) && keys.text("time_zone", c.time_zone) &&
        keys.text("gateway.url", c.gateway.url) && keys.text("gateway.method", method) &&
        keys.text("gateway.encoding", encoding) && keys.text("gateway.body", c.gateway.body) &&
        keys.texts("gateway.headers", c.gateway.headers) &&
        keys.text("gateway.idempotency_header", c.gateway.idempotency_header) &&
        keys.text("gateway.ca_file", c.gateway.ca_file) &&
        keys.whole("gateway.connect_timeout_ms", connect, 100, 60000) &&
        keys.whole("gateway.request_timeout_ms", request, 100, 120000) &&
        keys.whole("gateway.parallel", c.gateway.parallel, 1, 32) && keys.whole("retry.tries", c.retry.tries, 1, 50) &&
        keys.whole("retry.first_wait_ms", c.retry.first_wait_ms, 1, 3600000) &&
        keys.whole("retry.max_wait_ms", c.retry.max_wait_ms, 1, 3600000) &&
        keys.whole("retry.give_up_after_ms", c.retry.give_up_after_ms, 1, 24LL * 3600000) &&
        keys.whole("sync.long_poll_wait_ms", long_poll, 100, 60000) &&
        keys.whole("sync.backoff_cap_ms", c.backoff_cap_ms, 10, 300000) &&
        (!store.empty() || keys.wrong("store", "must name the notifier's store file")) &&
        (!c.gateway.url.empty() || keys.wrong("gateway.url", "must be set: the SMS provider's address")) &&
        (c.gateway.url.rfind("https://", 0) == 0 || c.gateway.url.rfind("http://", 0) == 0 ||
         keys.wrong("gateway.url", "must start with https:// (or http://)")) &&
        (method == "POST" || method == "PUT" || method == "GET" || keys.wrong("gateway.method", "must be POST, PUT or GET")) &&
        (encoding == "json" || encoding == "form" || keys.wrong("gateway.encoding", "must be json or form")) &&
        (method == "GET" || !c.gateway.body.empty() || keys.wrong("gateway.body", "must be set for a POST or PUT")) &&
        (c.retry.first_wait_ms <= c.retry.max_wait_ms ||
         keys.wrong("retry.first_wait_ms", "must not be above retry.max_wait_ms"));
    if (!read) return std::string(where + ": " + keys.error());
    for (const std::string& header : c.gateway.headers) {
        const auto colon = header.find(':');
        if (colon == std::string::npos || colon == 0 || header.find_first_of("\r\n") != std::string::npos)
            return std::string(where + ": gateway.headers must hold lines \"Name: value\", got one without a name");
    }
    if (c.gateway.idempotency_header.find_first_of(":\r\n ") != std::string::npos)
        return std::string(where + ": gateway.idempotency_header must be a header name such as \"Idempotency-Key\"");
    if (!OfficeZone::named(c.time_zone))
        return std::string(where + ": time_zone must be a time zone name from tzdata such as \"Europe/Oslo\", got \"" +
                   c.time_zone + "\"");
    c.store = store;
    c.assets = assets;
    c.credentials = credentials;
    c.gateway.method = method;
    c.gateway.encoding = encoding == "form" ? BodyEncoding::form : BodyEncoding::json;
    c.gateway.connect_timeout_ms = static_cast<long>(connect);
    c.gateway.request_timeout_ms = static_cast<long>(request);
    c.long_poll_wait_ms = static_cast<long>(long_poll);
    return c;
}

Result<NotifyConfig, std::string> load_notify_config(const std::filesystem::path& file) {
    bool ok = false;
    const std::string text = read_file(file, ok);
    if (!ok) return std::string(file.string() + ": cannot be read (is it there, and readable by this user?)");
    return parse_notify_config(text, file.string());
}

Result<Credentials, std::string> load_credentials(const std::filesystem::path& file) {
    struct stat info {};
    if (stat(file.c_str(), &info) != 0)
        return std::string(file.string() + ": the gateway's credentials file is missing (set `credentials` in notify.toml)");
    // Secrets must be root's (or the service user's) alone: said before anything is read.
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return std::string(file.string() + ": the credentials file may be read or written by group or others; "
                                   "make it the owner's alone: chmod 600 " + file.string());
    bool ok = false;
    const std::string text = read_file(file, ok);
    if (!ok) return std::string(file.string() + ": cannot be read by this user");
    toml::table t;
    try {
        t = toml::parse(text, file.string());
    } catch (const toml::parse_error& e) {
        // The parser's description may quote the line: a secret never goes into a message.
        return std::string(file.string() + ": not a valid TOML file (line " + std::to_string(e.source().begin.line) + ")");
    }
    Credentials credentials;
    for (const auto& [key, node] : t) {
        const auto value = node.value_exact<std::string>();
        if (!value) return std::string(file.string() + ": " + std::string(key.str()) + " must be text in quotes");
        if (value->find_first_of("\r\n") != std::string::npos)
            return std::string(file.string() + ": " + std::string(key.str()) + " must be one line");
        credentials.emplace(std::string(key.str()), *value);
    }
    return credentials;
}

Result<Done, std::string> check_templates(const GatewayConfig& gateway, const Credentials& credentials) {
    const std::pair<const char*, const std::string*> templates[] = {{"gateway.url", &gateway.url},
                                                                    {"gateway.body", &gateway.body}};
    auto check = [&](const std::string& key, const std::string& text) -> Result<Done, std::string> {
        for (const std::string& slot : template_slots(text)) {
            if (slot == "phone" || slot == "text" || slot == "key") continue;
            if (slot.rfind("secret.", 0) == 0) {
                if (credentials.count(slot.substr(7))) continue;
                return std::string(key + " uses {" + slot + "}, but the credentials file has no " + slot.substr(7));
            }
            return std::string(key + " uses {" + slot + "}: the slots are {phone}, {text}, {key} and {secret.NAME}");
        }
        return Done{};
    };
    for (const auto& [key, text] : templates)
        if (auto ok = check(key, *text); !ok) return ok;
    for (const std::string& header : gateway.headers)
        if (auto ok = check("gateway.headers", header); !ok) return ok;
    return Done{};
}

}  // namespace skranke::notify
