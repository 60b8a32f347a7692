#include "roles/role_config.hpp"

#include <cstdlib>
#include <string_view>

#include <toml++/toml.h>

namespace skranke::roles {
namespace {

std::filesystem::path expand_home(const std::string& path) {
    if (path.rfind("~/", 0) == 0)
        if (const char* home = std::getenv("HOME")) return std::filesystem::path(home) / path.substr(2);
    return path;
}

bool strings(const toml::node_view<toml::node>& node, std::vector<std::string>& out, std::string& error,
             const char* name) {
    if (!node) return true;
    const auto* array = node.as_array();
    if (!array) {
        error = std::string(name) + " must be a list of texts";
        return false;
    }
    std::vector<std::string> list;
    for (const auto& item : *array) {
        auto v = item.value<std::string>();
        if (!v || v->empty() || v->size() > 32) {
            error = std::string(name) + " must hold short, non-empty texts";
            return false;
        }
        list.push_back(*v);
    }
    if (list.empty()) {
        error = std::string(name) + " must not be empty";
        return false;
    }
    out = std::move(list);
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
    c.role = t["device"]["role"].value_or(c.role);
    c.hub_url = t["device"]["hub_url"].value_or(c.hub_url);
    c.ca_file = t["device"]["ca_file"].value_or(c.ca_file);
    if (!strings(t["console"]["counters"], c.counters, error, "console.counters") ||
        !strings(t["display"]["announce_languages"], c.announce_languages, error, "display.announce_languages")) {
        error = file.string() + ": " + error;
        return false;
    }
    const std::int64_t minutes = t["console"]["idle_sign_out_minutes"].value_or(c.idle_sign_out_ms / 60000);
    if (minutes < 1 || minutes > 24 * 60) {
        error = file.string() + ": console.idle_sign_out_minutes must be 1 to 1440";
        return false;
    }
    c.idle_sign_out_ms = minutes * 60000;
    if (auto dir = t["console"]["export_dir"].value<std::string>()) c.export_dir = expand_home(*dir);
    c.alert_sound = t["console"]["alert_sound"].value_or(c.alert_sound);
    c.office_name = t["display"]["office_name"].value_or(c.office_name);
    const std::int64_t history = t["display"]["history"].value_or(static_cast<std::int64_t>(c.history));
    if (history < 0 || history > 12) {
        error = file.string() + ": display.history must be 0 to 12";
        return false;
    }
    c.history = static_cast<std::size_t>(history);
    c.chime = t["display"]["chime"].value_or(c.chime);
    c.volume = static_cast<int>(t["display"]["volume"].value_or(static_cast<std::int64_t>(c.volume)));
    c.highlight_seconds = t["display"]["highlight_seconds"].value_or(c.highlight_seconds);
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
