#include "domain/office_settings.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <sstream>

#include <sodium.h>

#include "domain/config_keys.hpp"
#include "domain/validation.hpp"

namespace skranke {

namespace {

constexpr const char* weekday_keys[7] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

bool parse_minute(const std::string& text, int& minute) {
    int h = 0, m = 0;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%d:%d%c", &h, &m, &extra) != 2) return false;
    if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return false;
    minute = h * 60 + m;
    return true;
}

// "08:00-15:30" or "closed".
bool parse_day(const std::string& text, DayHours& day) {
    if (text == "closed") {
        day = DayHours{};
        return true;
    }
    const auto dash = text.find('-');
    if (dash == std::string::npos) return false;
    DayHours d;
    d.open = true;
    if (!parse_minute(text.substr(0, dash), d.from_minute) || !parse_minute(text.substr(dash + 1), d.to_minute))
        return false;
    if (d.to_minute <= d.from_minute) return false;
    day = d;
    return true;
}

int weekday_index(const std::string& name) {
    for (int i = 0; i < 7; ++i)
        if (name == weekday_keys[i]) return i;
    return -1;
}

// "YYYY-MM-DD" in digits, a day the calendar has: days are compared as text with today's
// date, so any other form ("2026-+1-01", "2026-02-30") would be a day that never comes.
bool is_date(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    unsigned fields[3] = {0, 0, 0};
    for (std::size_t i = 0, field = 0; i < text.size(); ++i) {
        if (i == 4 || i == 7) {
            ++field;
        } else if (text[i] >= '0' && text[i] <= '9') {
            fields[field] = fields[field] * 10 + static_cast<unsigned>(text[i] - '0');
        } else {
            return false;
        }
    }
    return std::chrono::year_month_day{std::chrono::year{static_cast<int>(fields[0])}, std::chrono::month{fields[1]},
                                       std::chrono::day{fields[2]}}
        .ok();
}

// What a shown text may hold: a line of readable text (the screens wrap it themselves).
bool is_screen_text(std::string_view text, std::size_t max_chars) {
    return !text.empty() && is_valid_utf8(text) && !has_control_characters(text) && text.size() <= max_chars * 4 &&
           utf8_length(text) <= max_chars;
}

// "en", "nb", "uk": the code a translation file names itself with.
bool is_language_code(std::string_view code) {
    if (code.size() < 2 || code.size() > 3) return false;
    for (char c : code)
        if (c < 'a' || c > 'z') return false;
    return true;
}

// "closed.title", "need.emergency_food": parts of a-z, 0-9 and _ joined by dots.
bool is_text_key(std::string_view key) {
    if (key.empty() || key.size() > 100 || key.front() == '.' || key.back() == '.') return false;
    for (std::size_t i = 0; i < key.size(); ++i) {
        const char c = key[i];
        const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!plain && !(c == '.' && key[i - 1] != '.')) return false;
    }
    return true;
}

bool read_opening_hours(ConfigKeys& keys, OpeningHours& hours, std::string& error) {
    const auto bad = [&](const std::string& key, const std::string& why) {
        error = key + " " + why;
        return false;
    };
    for (int i = 0; i < 7; ++i) {
        const std::string key = std::string("opening_hours.") + weekday_keys[i];
        std::string text;
        if (!keys.text(key, text)) return bad(key, "must be \"HH:MM-HH:MM\" or \"closed\"");
        if (keys.has(key) && !parse_day(text, hours.week[static_cast<std::size_t>(i)]))
            return bad(key, "must be \"HH:MM-HH:MM\" or \"closed\", got \"" + text + "\"");
    }
    // A list the file gives replaces the one before (a kiosk's own closed days are not added
    // to the office's).
    const auto read_days = [&](const char* name, std::vector<std::string>& dates, std::array<bool, 7>* weekdays) {
        const std::string key = std::string("opening_hours.") + name;
        if (!keys.has(key)) return true;
        std::vector<std::string> list;
        if (!keys.texts(key, list)) {
            error = keys.error();
            return false;
        }
        std::vector<std::string> read_dates;
        std::array<bool, 7> read_weekdays{};
        for (const std::string& day : list) {
            if (is_date(day)) {
                read_dates.push_back(day);
            } else if (weekdays && weekday_index(day) >= 0) {
                read_weekdays[static_cast<std::size_t>(weekday_index(day))] = true;
            } else {
                return bad(key, "entries must be dates \"YYYY-MM-DD\" that exist" +
                                    std::string(weekdays ? ", or weekday names" : "") + ", got \"" + day + "\"");
            }
        }
        dates = std::move(read_dates);
        if (weekdays) *weekdays = read_weekdays;
        return true;
    };
    return read_days("closed_days", hours.closed_dates, nullptr) &&
           read_days("appointment_only_days", hours.appointment_only_dates, &hours.appointment_only_weekdays);
}

// [texts.<language>]: keys as in a translation file ("closed.title" = "..."); dotted keys
// written unquoted (closed.title = "...") make nested tables, which mean the same.
bool read_texts(const toml::table& table, OfficeTexts& texts, std::string& error) {
    const toml::node* node = table.get("texts");
    if (node == nullptr) return true;
    const toml::table* languages = node->as_table();
    if (languages == nullptr) {
        error = "texts must be a section, [texts.<language>]";
        return false;
    }
    OfficeTexts read;
    for (const auto& [code, language] : *languages) {
        const std::string where = "texts." + std::string(code.str());
        if (!is_language_code(code.str())) {
            error = where + " must be named by a language code of 2-3 letters a-z, like [texts.nb]";
            return false;
        }
        if (!language.is_table()) {
            error = where + " must be a section, [" + where + "]";
            return false;
        }
        auto& entries = read[std::string(code.str())];
        // Walks nested tables depth first; each leaf is one text.
        std::vector<std::pair<std::string, const toml::table*>> pending{{"", language.as_table()}};
        while (!pending.empty()) {
            const auto [prefix, level] = pending.back();
            pending.pop_back();
            for (const auto& [part, value] : *level) {
                const std::string key =
                    prefix.empty() ? std::string(part.str()) : prefix + "." + std::string(part.str());
                if (!is_text_key(key)) {
                    error = where + ".\"" + key + "\" is not a text key: parts of a-z, 0-9 and _ joined by dots";
                    return false;
                }
                if (const toml::table* deeper = value.as_table()) {  // bounded: keys are at most 100 bytes
                    pending.push_back({key, deeper});
                    continue;
                }
                const auto text = value.value_exact<std::string>();
                if (!text || !is_screen_text(*text, max_office_text_chars)) {
                    error = where + ".\"" + key + "\" must be text in quotes, 1-" +
                            std::to_string(max_office_text_chars) + " characters without control characters";
                    return false;
                }
                entries[key] = *text;
            }
        }
    }
    // Key by key over the texts before (a kiosk's own wording of other keys stays).
    for (auto& [code, entries] : read)
        for (auto& [key, text] : entries) texts[code][key] = std::move(text);
    return true;
}

// [emergency]: phones of 1-40 characters (social_phone may be "" for none) and social_hours
// "always" or "HH:MM-HH:MM", which may pass midnight ("15:30-08:00").
bool read_emergency(ConfigKeys& keys, EmergencyNumbers& numbers, std::string& error) {
    const auto phone = [&](const char* name, std::string& value, bool may_be_empty) {
        const std::string key = std::string("emergency.") + name;
        if (!keys.text(key, value)) {
            error = keys.error();
            return false;
        }
        if (!keys.has(key) || (may_be_empty && value.empty()) || is_screen_text(value, max_office_phone_chars))
            return true;
        error = key + " must be 1-" + std::to_string(max_office_phone_chars) +
                " characters without control characters, like \"116 117\"" + (may_be_empty ? " (or \"\" for none)" : "");
        return false;
    };
    if (!keys.section("emergency") || !phone("social_phone", numbers.social_phone, true) ||
        !phone("doctor_phone", numbers.doctor_phone, false) || !phone("ambulance_phone", numbers.ambulance_phone, false)) {
        if (error.empty()) error = keys.error();
        return false;
    }
    std::string hours;
    if (!keys.text("emergency.social_hours", hours)) {
        error = keys.error();
        return false;
    }
    if (!keys.has("emergency.social_hours")) return true;
    if (hours == "always") {
        numbers.social_always = true;
        return true;
    }
    const auto dash = hours.find('-');
    int from = 0, to = 0;
    if (dash == std::string::npos || !parse_minute(hours.substr(0, dash), from) ||
        !parse_minute(hours.substr(dash + 1), to) || from == to) {
        error = "emergency.social_hours must be \"always\" or \"HH:MM-HH:MM\" (it may pass midnight), got \"" + hours +
                "\"";
        return false;
    }
    numbers.social_always = false;
    numbers.social_from_minute = from;
    numbers.social_to_minute = to;
    return true;
}

// "" or an address a phone can open with a token appended.
bool is_status_page(const std::string& url) {
    if (url.empty()) return true;
    if (url.size() > max_status_page_bytes || url.back() != '/') return false;
    if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) return false;
    return std::all_of(url.begin(), url.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u != 0x7F && c != '"' && c != '<' && c != '>' && c != '\\';
    });
}

// The keys an office file may hold; anything else is named in the error.
std::string unknown_office_key(const toml::table& table) {
    for (const auto& [section, value] : table) {
        const std::string name(section.str());
        if (name == "texts") continue;  // read_texts checks each language
        if (name != "office" && name != "opening_hours" && name != "emergency") return name;
        const toml::table* keys = value.as_table();
        if (keys == nullptr) continue;  // read_office_settings says it must be a section
        for (const auto& [key, unused] : *keys) {
            (void)unused;
            const std::string k(key.str());
            const bool known = name == "office"      ? k == "name" || k == "phone" || k == "entry_notice" ||
                                                           k == "room_capacity" || k == "status_page" ||
                                                           k == "sms_near_front"
                               : name == "emergency" ? k == "social_phone" || k == "social_hours" ||
                                                           k == "doctor_phone" || k == "ambulance_phone"
                                                     : weekday_index(k) >= 0 || k == "closed_days" ||
                                                           k == "appointment_only_days";
            if (!known) return name + "." + k;
        }
    }
    return {};
}

}  // namespace

OfficeSettings default_office_settings() {
    OfficeSettings settings;
    for (int i = 0; i < 5; ++i) settings.hours.week[static_cast<std::size_t>(i)] = DayHours{true, 8 * 60, 15 * 60 + 30};
    return settings;
}

bool read_office_settings(const toml::table& table, OfficeSettings& settings, std::string& error) {
    ConfigKeys keys(table);
    OfficeSettings read = settings;  // nothing changes unless every key reads
    if (!keys.section("office") || !keys.section("opening_hours") || !keys.text("office.phone", read.phone) ||
        !keys.flag("office.entry_notice", read.entry_notice) || !keys.text("office.name", read.name) ||
        !keys.text("office.status_page", read.status_page) ||
        !keys.whole("office.room_capacity", read.room_capacity, 0, max_room_capacity) ||
        !keys.whole("office.sms_near_front", read.sms_near_front, 0, max_sms_near_front)) {
        error = keys.error();
        return false;
    }
    if (keys.has("office.phone") && !is_screen_text(read.phone, max_office_phone_chars)) {
        error = "office.phone must be 1-" + std::to_string(max_office_phone_chars) +
                " characters without control characters, like \"55 55 33 33\"";
        return false;
    }
    if (keys.has("office.name") && !is_screen_text(read.name, max_office_name_chars)) {
        error = "office.name must be 1-" + std::to_string(max_office_name_chars) +
                " characters without control characters, like \"NAV Grünerløkka\"";
        return false;
    }
    if (!is_status_page(read.status_page)) {
        error = "office.status_page must be \"\" or an http:// or https:// address of at most " +
                std::to_string(max_status_page_bytes) +
                " bytes without spaces, ending in / (like \"https://skranke.example.no/status/\")";
        return false;
    }
    if (!read_opening_hours(keys, read.hours, error) || !read_emergency(keys, read.emergency, error) ||
        !read_texts(table, read.texts, error))
        return false;
    settings = std::move(read);
    return true;
}

Result<OfficeSettings, std::string> parse_office_file(std::string_view text, std::string_view where,
                                                      const OfficeSettings& over) {
    const std::string prefix = std::string(where) + ": ";
    if (text.size() > max_office_file_bytes)
        return prefix + "larger than " + std::to_string(max_office_file_bytes / 1024) + " KiB";
    toml::table table;
    try {
        table = toml::parse(text);
    } catch (const toml::parse_error& e) {
        std::ostringstream detail;
        detail << prefix << e.description() << " at line " << e.source().begin.line;
        return detail.str();
    }
    if (const std::string unknown = unknown_office_key(table); !unknown.empty())
        return prefix + unknown +
               " is not an office-wide setting (the office file takes office.name, office.phone, "
               "office.entry_notice, office.room_capacity, office.status_page, office.sms_near_front, "
               "[opening_hours], [emergency] "
               "and [texts.<language>]; a kiosk's own settings stay in its kiosk.toml)";
    OfficeSettings settings = over;
    std::string error;
    if (!read_office_settings(table, settings, error)) return prefix + error;
    return settings;
}

std::string office_config_version(std::string_view services_toml, std::string_view office_toml) {
    // Each part with its length first, so no two pairs of texts hash alike.
    const std::string framed = "services " + std::to_string(services_toml.size()) + "\n" + std::string(services_toml) +
                               "office " + std::to_string(office_toml.size()) + "\n" + std::string(office_toml);
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(framed.data()), framed.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return hex;
}

}  // namespace skranke
