#include "visitor/kiosk_config.hpp"

#include <algorithm>

#include <toml++/toml.h>

#include "domain/office_time.hpp"
#include "domain/config_keys.hpp"

namespace skranke::visitor {

namespace {

// [printer]: how the kiosk reaches its printer. False with error naming the key.
bool read_printer(ConfigKeys& keys, printer::PrinterSettings& p, std::string& error) {
    using Connection = printer::PrinterSettings::Connection;
    std::string connection = "none";
    if (!keys.section("printer") || !keys.text("printer.connection", connection) ||
        !keys.text("printer.address", p.address) || !keys.text("printer.device", p.device) ||
        !keys.text("printer.queue", p.queue)) {
        error = keys.error();
        return false;
    }
    if (connection == "none") p.connection = Connection::none;
    else if (connection == "network") p.connection = Connection::network;
    else if (connection == "device") p.connection = Connection::device;
    else if (connection == "cups") p.connection = Connection::cups;
    else {
        error = "printer.connection must be \"none\", \"network\", \"device\" or \"cups\", got \"" + connection + "\"";
        return false;
    }
    const auto colon = p.address.rfind(':');
    int port = 0;
    if (colon != std::string::npos && colon > 0 && colon + 1 < p.address.size() && colon + 6 >= p.address.size() &&
        std::all_of(p.address.begin() + static_cast<long>(colon) + 1, p.address.end(), [](char c) { return c >= '0' && c <= '9'; }))
        port = std::stoi(p.address.substr(colon + 1));
    if (p.connection == Connection::network && (port < 1 || port > 65535 || p.address.find(' ') != std::string::npos)) {
        error = "printer.address must be a host and port like \"192.168.10.40:9100\", got \"" + p.address + "\"";
        return false;
    }
    if (p.connection == Connection::device && (p.device.empty() || p.device.front() != '/')) {
        error = "printer.device must be a device's full path like \"/dev/usb/lp0\", got \"" + p.device + "\"";
        return false;
    }
    const bool queue_ok = !p.queue.empty() && p.queue.size() <= 127 && std::all_of(p.queue.begin(), p.queue.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (p.connection == Connection::cups && !queue_ok) {
        error = "printer.queue must be the name of a raw CUPS queue (letters, digits, - and _), got \"" + p.queue + "\"";
        return false;
    }
    return true;
}

// [speech]: the headset and the recorded prompts. False with error naming the key.
bool read_speech(ConfigKeys& keys, KioskConfig& config, std::string& error) {
    std::string folder = config.prompts_folder.string();
    if (!keys.text("speech.headset_device", config.headset_device) || !keys.text("speech.prompts_folder", folder)) {
        error = keys.error();
        return false;
    }
    // An ALSA device name as aplay -D takes it ("plughw:1,0", "hw:CARD=Headset,DEV=0"):
    // never an option, a space or a shell character.
    const std::string& device = config.headset_device;
    const bool device_ok = device.size() <= 100 && (device.empty() || device.front() != '-') &&
                           std::all_of(device.begin(), device.end(), [](char c) {
                               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                      c == ':' || c == ',' || c == '=' || c == '_' || c == '-' || c == '.';
                           });
    if (!device_ok) {
        error = "speech.headset_device must be an ALSA device name like \"plughw:1,0\" (aplay -L lists them), got \"" +
                device + "\"";
        return false;
    }
    if (!folder.empty() && folder.front() != '/') {
        error = "speech.prompts_folder must be a full path like \"/etc/skranke/prompts\", got \"" + folder + "\"";
        return false;
    }
    config.prompts_folder = folder;
    return true;
}

}  // namespace

KioskConfig default_kiosk_config() {
    return KioskConfig{};
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
    ConfigKeys keys(t);
    std::string letter(1, config.kiosk_letter);
    const bool read = keys.section("screen") && keys.section("timing") && keys.section("office") &&
                      keys.section("speech") && keys.section("visitor") &&
                      keys.number("screen.dpi", config.dpi, 50, 600) &&
                      keys.text("screen.orientation", config.orientation) &&
                      keys.whole("timing.idle_seconds", config.idle_seconds, 10, 3600) &&
                      keys.whole("timing.idle_countdown_seconds", config.idle_countdown_seconds, 20, 600) &&
                      keys.whole("timing.ticket_seconds", config.ticket_seconds, 5, 600) &&
                      keys.whole("timing.retry_seconds", config.retry_seconds, 1, 3600) &&
                      keys.text("office.kiosk_letter", letter) && keys.text("office.time_zone", config.time_zone) &&
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

    std::string office_error;
    if (!read_speech(keys, config, office_error) || !read_printer(keys, config.printer, office_error)) {
        error = path.string() + ": " + office_error;
        return false;
    }
    if (!read_office_settings(t, config.office, office_error)) {
        error = path.string() + ": " + office_error;
        return false;
    }
    return true;
}

}  // namespace skranke::visitor
