// Configuration of the staff roles (reception console, waiting-room display): which role
// this PC plays, where the hub is, and each role's settings. From /etc/skranke/roles.toml
// (default: assets/roles.toml's values), then the command line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace skranke::roles {

struct RoleConfig {
    std::string role = "kiosk";
    std::string hub_url = "http://127.0.0.1:8470";  // several hubs of one office: separated by commas
    std::string ca_file;
    std::string time_zone = "Europe/Oslo";  // the office's zone (domain/office_time.hpp)
    // Console.
    std::vector<std::string> counters = {"1", "2", "3", "4"};
    std::int64_t idle_sign_out_ms = 10 * 60 * 1000;
    std::filesystem::path export_dir;
    std::string alert_sound = "sounds/urgent.wav";  // relative to the asset folder
    // Display.
    std::string office_name = "NAV";
    std::vector<std::string> announce_languages = {"nb"};
    // The labels' languages in turn, label_seconds each; empty in the file: announce_languages.
    std::vector<std::string> label_languages;
    double label_seconds = 6;
    std::size_t history = 8;
    std::string chime = "sounds/chime.wav";
    int volume = 80;
    double highlight_seconds = 8;
    double diagonal_inches = 40;  // the TV's; text is sized in mm from it (docs/display.md)
};

inline constexpr const char* default_roles_config = "/etc/skranke/roles.toml";

// Reads the file over config; false with error (file and key) when it is unreadable or wrong.
bool load_role_config(const std::filesystem::path& file, RoleConfig& config, std::string& error);

// The role asked for: --role on the command line, else the config file's, else "kiosk".
std::string chosen_role(int argc, char** argv);

}  // namespace skranke::roles
