// The kiosk's own settings (assets/kiosk.toml, or /etc/skranke/kiosk.toml on a kiosk PC):
// screen DPI, idle times, kiosk letter, volume, and the office-wide opening hours, phone and
// texts (domain/office_settings.hpp). docs/kiosk.md lists every key.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "domain/office_settings.hpp"
#include "printer/printer_link.hpp"

namespace skranke::visitor {

using skranke::DayHours;
using skranke::OpeningHours;

struct KioskConfig {
    float dpi = 96.0f;                     // the screen's real DPI: physical sizes depend on it
    std::string orientation = "portrait";  // window shape outside kiosk mode: portrait | landscape
    int idle_seconds = 60;                 // no touch for this long: "Do you need more time?"
    int idle_countdown_seconds = 30;       // then this long to answer (at least 20)
    int ticket_seconds = 30;               // the ticket stays on screen this long
    int retry_seconds = 30;                // a store or hub link that could not start is tried again
    char kiosk_letter = 'A';
    std::string time_zone = "Europe/Oslo";  // the office's zone (domain/office_time.hpp)
    int volume_percent = 80;  // read-aloud volume
    // [speech] headset_device: the headset's ALSA device ("plughw:1,0"); empty: no headset.
    // With one, read-aloud says the visitor's answers there only (never in the room).
    std::string headset_device;
    // [speech] prompts_folder: recorded prompts, <folder>/<language>/<text key>.wav, played
    // for a language espeak-ng has no voice for. Empty: none.
    std::filesystem::path prompts_folder = "/etc/skranke/prompts";
    std::string default_language = "nb";
    std::vector<std::string> interpreter_languages = {"ar", "en", "fa", "pl", "ru", "so", "ti", "uk"};
    int open_counters = 2;  // counters serving walk-ins, for the wait estimate
    // Opening hours, phone, texts: the office's, which the hub's office file sets for every
    // kiosk once it has synced (visitor/kiosk_office.hpp); this file's are the first-boot default.
    OfficeSettings office = default_office_settings();
    // The paper-ticket printer ([printer]; docs/printer.md). None by default.
    printer::PrinterSettings printer;
};

// The built-in defaults: open 08:00-15:30 on weekdays.
KioskConfig default_kiosk_config();
// Reads a kiosk.toml over the defaults. Returns false with error naming the file and key.
bool load_kiosk_config(const std::filesystem::path& path, KioskConfig& config, std::string& error);

}  // namespace skranke::visitor
