#include "visitor/kiosk_config.hpp"

#include <cstdio>

#include <toml++/toml.h>

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

bool is_date(const std::string& text) {
    int y = 0, m = 0, d = 0;
    char extra = 0;
    return text.size() == 10 && std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3 && m >= 1 &&
           m <= 12 && d >= 1 && d <= 31;
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
    config.dpi = t["screen"]["dpi"].value_or(config.dpi);
    if (config.dpi < 50 || config.dpi > 600) return bad("screen.dpi", "must be between 50 and 600");
    config.orientation = t["screen"]["orientation"].value_or(config.orientation);
    if (config.orientation != "portrait" && config.orientation != "landscape")
        return bad("screen.orientation", "must be \"portrait\" or \"landscape\"");

    config.idle_seconds = t["timing"]["idle_seconds"].value_or(config.idle_seconds);
    config.idle_countdown_seconds = t["timing"]["idle_countdown_seconds"].value_or(config.idle_countdown_seconds);
    config.ticket_seconds = t["timing"]["ticket_seconds"].value_or(config.ticket_seconds);
    config.retry_seconds = t["timing"]["retry_seconds"].value_or(config.retry_seconds);
    if (config.idle_seconds < 10 || config.idle_seconds > 3600)
        return bad("timing.idle_seconds", "must be between 10 and 3600");
    if (config.idle_countdown_seconds < 20 || config.idle_countdown_seconds > 600)
        return bad("timing.idle_countdown_seconds", "must be between 20 and 600 (people need time to react)");
    if (config.ticket_seconds < 5 || config.ticket_seconds > 600)
        return bad("timing.ticket_seconds", "must be between 5 and 600");
    if (config.retry_seconds < 1 || config.retry_seconds > 3600)
        return bad("timing.retry_seconds", "must be between 1 and 3600");

    config.office_phone = t["office"]["phone"].value_or(config.office_phone);
    const std::string letter = t["office"]["kiosk_letter"].value_or(std::string(1, config.kiosk_letter));
    if (letter.size() != 1 || letter[0] < 'A' || letter[0] > 'Z')
        return bad("office.kiosk_letter", "must be one letter A-Z");
    config.kiosk_letter = letter[0];
    config.open_counters = t["office"]["open_counters"].value_or(config.open_counters);
    if (config.open_counters < 1 || config.open_counters > 100) return bad("office.open_counters", "must be 1-100");

    config.volume_percent = t["speech"]["volume"].value_or(config.volume_percent);
    if (config.volume_percent < 0 || config.volume_percent > 100) return bad("speech.volume", "must be 0-100");

    config.default_language = t["visitor"]["default_language"].value_or(config.default_language);
    if (const auto* list = t["visitor"]["interpreter_languages"].as_array()) {
        config.interpreter_languages.clear();
        for (const auto& v : *list)
            if (auto code = v.value<std::string>()) config.interpreter_languages.push_back(*code);
    }

    if (const auto* hours = t["opening_hours"].as_table()) {
        for (int i = 0; i < 7; ++i) {
            if (auto text = (*hours)[weekday_keys[i]].value<std::string>()) {
                if (!parse_day(*text, config.hours.week[static_cast<std::size_t>(i)]))
                    return bad(std::string("opening_hours.") + weekday_keys[i],
                               "must be \"HH:MM-HH:MM\" or \"closed\", got \"" + *text + "\"");
            }
        }
        const auto read_days = [&](const char* key, std::vector<std::string>& dates, std::array<bool, 7>* weekdays) {
            if (const auto* list = (*hours)[key].as_array()) {
                for (const auto& v : *list) {
                    const std::string day = v.value_or(std::string{});
                    if (is_date(day)) {
                        dates.push_back(day);
                    } else if (weekdays && weekday_index(day) >= 0) {
                        (*weekdays)[static_cast<std::size_t>(weekday_index(day))] = true;
                    } else {
                        return bad(std::string("opening_hours.") + key,
                                   "entries must be dates \"YYYY-MM-DD\"" +
                                       std::string(weekdays ? " or weekday names" : "") + ", got \"" + day + "\"");
                    }
                }
            }
            return true;
        };
        if (!read_days("closed_days", config.hours.closed_dates, nullptr)) return false;
        if (!read_days("appointment_only_days", config.hours.appointment_only_dates,
                       &config.hours.appointment_only_weekdays))
            return false;
    }
    return true;
}

}  // namespace skranke::visitor
