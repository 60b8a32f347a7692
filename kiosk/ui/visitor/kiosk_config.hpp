// The kiosk's own settings (assets/kiosk.toml, or /etc/skranke/kiosk.toml on a kiosk PC):
// screen DPI, idle times, opening hours, office phone, kiosk letter, volume.
// docs/kiosk.md lists every key.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace skranke::visitor {

struct DayHours {
    bool open = false;
    int from_minute = 0;  // minutes after midnight, local time
    int to_minute = 0;
};

struct OpeningHours {
    std::array<DayHours, 7> week;           // [0] Monday ... [6] Sunday
    std::vector<std::string> closed_dates;  // "2026-12-24"
    std::array<bool, 7> appointment_only_weekdays{};
    std::vector<std::string> appointment_only_dates;
};

struct KioskConfig {
    float dpi = 96.0f;                     // the screen's real DPI: physical sizes depend on it
    std::string orientation = "portrait";  // window shape outside kiosk mode: portrait | landscape
    int idle_seconds = 60;                 // no touch for this long: "Do you need more time?"
    int idle_countdown_seconds = 30;       // then this long to answer (at least 20)
    int ticket_seconds = 30;               // the ticket stays on screen this long
    int retry_seconds = 30;                // a store or hub link that could not start is tried again
    std::string office_phone = "55 55 33 33";
    char kiosk_letter = 'A';
    std::string time_zone = "Europe/Oslo";  // the office's zone (domain/office_time.hpp)
    int volume_percent = 80;  // read-aloud volume
    std::string default_language = "nb";
    std::vector<std::string> interpreter_languages = {"ar", "en", "fa", "pl", "ru", "so", "ti", "uk"};
    int open_counters = 2;  // counters serving walk-ins, for the wait estimate
    OpeningHours hours;
};

// The built-in defaults: open 08:00-15:30 on weekdays.
KioskConfig default_kiosk_config();
// Reads a kiosk.toml over the defaults. Returns false with error naming the file and key.
bool load_kiosk_config(const std::filesystem::path& path, KioskConfig& config, std::string& error);

}  // namespace skranke::visitor
