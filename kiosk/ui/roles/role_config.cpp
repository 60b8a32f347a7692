#include "roles/role_config.hpp"

#include <cstdlib>
#include <string_view>

#include <toml++/toml.h>

#include "domain/office_time.hpp"
#include "domain/config_keys.hpp"

namespace skranke::roles {
namespace {

std::filesystem::path expand_home(const std::string& path) {
    if (path.rfind("~/", 0) == 0)
        if (const char* home = std::getenv("HOME")) return std::filesystem::path(home) / path.substr(2);
    return path;
}

// A list of short, non-empty texts (counter names, language codes).
bool short_texts(const std::vector<std::string>& list) {
    if (list.empty()) return false;
    for (const std::string& text : list)
        if (text.empty() || text.size() > 32) return false;
    return true;
}

}  // namespace

bool load_role_config(const std::filesystem::path& file, RoleConfig& c, std::string& error) {
    toml::table t;
    try {
        t = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        error = file.string() + ": " + std::string(e.description());
        return false;
    }
    ConfigKeys keys(t);
    std::int64_t minutes = c.idle_sign_out_ms / 60000;
    std::int64_t history = static_cast<std::int64_t>(c.history);
    std::string export_dir;
    const bool read = keys.section("device") && keys.section("office") && keys.section("console") && keys.section("display") &&
                      keys.text("device.role", c.role) && keys.text("device.hub_url", c.hub_url) &&
                      keys.text("device.ca_file", c.ca_file) &&
                      keys.text("office.time_zone", c.time_zone) && keys.texts("console.counters", c.counters) &&
                      keys.whole("console.idle_sign_out_minutes", minutes, 1, 24 * 60) &&
                      keys.text("console.export_dir", export_dir) && keys.text("console.alert_sound", c.alert_sound) &&
                      keys.text("display.office_name", c.office_name) &&
                      keys.texts("display.announce_languages", c.announce_languages) &&
                      keys.texts("display.label_languages", c.label_languages) &&
                      keys.number("display.label_seconds", c.label_seconds, 2, 60) &&
                      keys.whole("display.history", history, 0, 12) && keys.text("display.chime", c.chime) &&
                      keys.whole("display.volume", c.volume, 0, 100) &&
                      keys.number("display.highlight_seconds", c.highlight_seconds, 0, 600) &&
                      keys.number("display.diagonal_inches", c.diagonal_inches, 15, 110) &&
                      (short_texts(c.counters) || keys.wrong("console.counters", "must hold short, non-empty texts")) &&
                      (short_texts(c.announce_languages) ||
                       keys.wrong("display.announce_languages", "must hold short, non-empty texts")) &&
                      (c.label_languages.empty() || short_texts(c.label_languages) ||
                       keys.wrong("display.label_languages", "must hold short, non-empty texts"));
    if (!read) {
        error = file.string() + ": " + keys.error();
        return false;
    }
    if (!OfficeZone::named(c.time_zone)) {
        error = file.string() + ": office.time_zone must be a time zone name from tzdata such as \"Europe/Oslo\", got \"" +
                c.time_zone + "\"";
        return false;
    }
    c.idle_sign_out_ms = minutes * 60000;
    c.history = static_cast<std::size_t>(history);
    if (keys.has("console.export_dir")) c.export_dir = expand_home(export_dir);
    if (c.role != "kiosk" && c.role != "reception" && c.role != "display") {
        error = file.string() + ": device.role must be kiosk, reception or display";
        return false;
    }
    return true;
}

std::string chosen_role(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--role" && i + 1 < argc) return argv[i + 1];
        if (arg.rfind("--role=", 0) == 0) return std::string(arg.substr(7));
    }
    RoleConfig config;
    std::string error;
    if (std::filesystem::exists(default_roles_config) && load_role_config(default_roles_config, config, error))
        return config.role;
    return "kiosk";
}

}  // namespace skranke::roles
