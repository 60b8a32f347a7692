#include "visitor/kiosk_config.hpp"

#include <chrono>
#include <cstdio>

#include <toml++/toml.h>

#include "domain/office_time.hpp"
#include "shell/config_keys.hpp"

namespace skranke::visitor {

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

}  // namespace

KioskConfig default_kiosk_config() {
    KioskConfig c;
    for (int i = 0; i < 5; ++i) c.hours.week[static_cast<std::size_t>(i)] = DayHours{true, 8 * 60, 15 * 60 + 30};
    return c;
}

bool load_kiosk_config(const std::filesystem::path& path, KioskConfig& config, std::string& error) {
    toml::table t;
    try {
        t = toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
        error = path.string() + ": " + std::string(e.description());
        return false;
    }
    const auto bad = [&](const std::string& key, const std::string& why) {
        error = path.string() + ": " + key + " " + why;
        return false;
    };
    ui::ConfigKeys keys(t);
    std::string letter(1, config.kiosk_letter);
    const bool read = keys.section("screen") && keys.section("timing") && keys.section("office") &&
                      keys.section("speech") && keys.section("visitor") && keys.section("opening_hours") &&
                      keys.number("screen.dpi", config.dpi, 50, 600) &&
                      keys.text("screen.orientation", config.orientation) &&
                      keys.whole("timing.idle_seconds", config.idle_seconds, 10, 3600) &&
                      keys.whole("timing.idle_countdown_seconds", config.idle_countdown_seconds, 20, 600) &&
                      keys.whole("timing.ticket_seconds", config.ticket_seconds, 5, 600) &&
                      keys.whole("timing.retry_seconds", config.retry_seconds, 1, 3600) &&
                      keys.text("office.phone", config.office_phone) && keys.text("office.kiosk_letter", letter) &&
                      keys.text("office.time_zone", config.time_zone) &&
                      keys.whole("office.open_counters", config.open_counters, 1, 100) &&
                      keys.whole("speech.volume", config.volume_percent, 0, 100) &&
                      keys.text("visitor.default_language", config.default_language) &&
                      keys.texts("visitor.interpreter_languages", config.interpreter_languages);
    if (!read) {
        error = path.string() + ": " + keys.error();
        return false;
    }
    if (config.orientation != "portrait" && config.orientation != "landscape")
        return bad("screen.orientation", "must be \"portrait\" or \"landscape\"");
    if (letter.size() != 1 || letter[0] < 'A' || letter[0] > 'Z')
        return bad("office.kiosk_letter", "must be one letter A-Z");
    config.kiosk_letter = letter[0];
    if (!OfficeZone::named(config.time_zone))
        return bad("office.time_zone", "must be a time zone name from tzdata such as \"Europe/Oslo\", got \"" +
                                           config.time_zone + "\"");

    for (int i = 0; i < 7; ++i) {
        const std::string key = std::string("opening_hours.") + weekday_keys[i];
        std::string text;
        if (!keys.text(key, text)) return bad(key, "must be \"HH:MM-HH:MM\" or \"closed\"");
        if (keys.has(key) && !parse_day(text, config.hours.week[static_cast<std::size_t>(i)]))
            return bad(key, "must be \"HH:MM-HH:MM\" or \"closed\", got \"" + text + "\"");
    }
    const auto read_days = [&](const char* key, std::vector<std::string>& dates, std::array<bool, 7>* weekdays) {
        std::vector<std::string> list;
        if (!keys.texts(std::string("opening_hours.") + key, list)) {
            error = path.string() + ": " + keys.error();
            return false;
        }
        for (const std::string& day : list) {
            if (is_date(day)) {
                dates.push_back(day);
            } else if (weekdays && weekday_index(day) >= 0) {
                (*weekdays)[static_cast<std::size_t>(weekday_index(day))] = true;
            } else {
                return bad(std::string("opening_hours.") + key,
                           "entries must be dates \"YYYY-MM-DD\" that exist" +
                               std::string(weekdays ? ", or weekday names" : "") + ", got \"" + day + "\"");
            }
        }
        return true;
    };
    if (!read_days("closed_days", config.hours.closed_dates, nullptr)) return false;
    if (!read_days("appointment_only_days", config.hours.appointment_only_dates,
                   &config.hours.appointment_only_weekdays))
        return false;
    return true;
}

}  // namespace skranke::visitor
