// The office-wide settings every kiosk of an office shows: opening hours, closed days,
// appointment-only days, the office's phone and its own wording of screen texts. They are
// read from a kiosk's kiosk.toml (the first-boot default) and from the hub's office file
// (sync/hub/office_config.hpp), which the hub serves and each kiosk caches: one reader for
// both, so a value either file takes the other takes too. docs/hub.md lists the keys.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "result.hpp"

namespace skranke {

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

// The office's own wording of screen texts: language code -> translation key -> text. Laid
// over the shipped translations (a key no translation has is new text, e.g. a new need's).
using OfficeTexts = std::map<std::string, std::map<std::string, std::string>>;

// Where to turn for help that cannot wait until the office opens, shown large on the
// closed screen: the municipality's social emergency service (money for food, a place to
// sleep tonight) and the national medical numbers.
struct EmergencyNumbers {
    std::string social_phone;  // the social emergency service ("sosialvakt"); empty: not shown
    bool social_always = true;  // day and night; else from_minute to to_minute (may pass midnight)
    int social_from_minute = 0;
    int social_to_minute = 0;
    std::string doctor_phone = "116 117";  // the out-of-hours doctor (legevakt)
    std::string ambulance_phone = "113";   // when a life is in danger
};

struct OfficeSettings {
    std::string name = "NAV";           // at the top of the paper ticket
    std::string phone = "55 55 33 33";  // shown when the office is closed
    // The public address of the hub's status pages ("https://kø.example.no/status/"): a
    // ticket's QR code is this and the ticket's status token. Empty: tickets carry no QR.
    std::string status_page;
    // A notice before anything else once a language is chosen (e.g. "symptoms or in
    // quarantine? Do not come in"), with a way straight to a callback request.
    bool entry_notice = false;
    // How many may wait inside at once; 0: no limit. When as many wait inside, a walk-in is
    // asked to come back later or to be called, unless it has an appointment or is urgent.
    int room_capacity = 0;
    // SMS to visitors who ask for it (skranke-notify sends them): one when this many or fewer
    // are before them in the call order, and one when called. 0: the kiosk offers no SMS.
    int sms_near_front = 0;
    OpeningHours hours;
    EmergencyNumbers emergency;
    OfficeTexts texts;
};

inline constexpr std::size_t max_office_phone_chars = 40;
inline constexpr std::size_t max_office_name_chars = 60;
inline constexpr int max_room_capacity = 10000;
inline constexpr int max_sms_near_front = 50;
inline constexpr std::size_t max_status_page_bytes = 200;
inline constexpr std::size_t max_office_text_chars = 500;  // code points of one text
inline constexpr std::size_t max_office_file_bytes = 256 * 1024;

// The built-in settings: open 08:00-15:30 on weekdays, no closed days, no texts.
OfficeSettings default_office_settings();

// Reads the office-wide keys of a parsed settings file over settings: office.name,
// office.phone, office.entry_notice, office.room_capacity, office.status_page,
// office.sms_near_front, the
// [opening_hours] and [emergency] keys and [texts.<language>] tables. A key the file leaves out keeps its
// value in settings; a list it gives replaces the list. Other keys are not looked at (a
// kiosk.toml holds the kiosk's own settings beside these). False, with error naming the key
// and what it must be ("opening_hours.monday must be ..."), for any wrong value.
bool read_office_settings(const toml::table& table, OfficeSettings& settings, std::string& error);

// An office file (the hub's office.toml, or its copy a kiosk keeps): only the office-wide
// keys, read over `over`; any other key is refused by name, so a misspelt or kiosk-only key
// is said rather than ignored. Errors start with where ("/etc/skranke/office.toml: ").
Result<OfficeSettings, std::string> parse_office_file(std::string_view text, std::string_view where,
                                                      const OfficeSettings& over = default_office_settings());

// The version of what a hub serves (sync/PROTOCOL.md, /v1/config): SHA-256, in hex, of the
// service catalogue's text and the office file's text (each empty when the hub has none).
std::string office_config_version(std::string_view services_toml, std::string_view office_toml);

}  // namespace skranke
