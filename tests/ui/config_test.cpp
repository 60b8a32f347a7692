// The kiosk and staff-role configs: the shipped files load, bad values are refused with the
// key named.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "roles/role_config.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"
#include "visitor/kiosk_config.hpp"
#include "visitor/queue_figures.hpp"

using namespace skranke::visitor;
using skranke::estimate_wait_minutes;

namespace {

bool load_text(const std::string& text, KioskConfig& config, std::string& error) {
    skranke::test::TempDir dir;
    {
        std::ofstream out(dir / "kiosk.toml");
        out << text;
    }
    config = default_kiosk_config();
    return load_kiosk_config(dir / "kiosk.toml", config, error);
}

// Each text in [section] is refused, and the error names its key.
void check_refused(const std::string& section, const std::vector<std::pair<std::string, std::string>>& texts_and_keys) {
    for (const auto& [text, key] : texts_and_keys) {
        CAPTURE(text);
        KioskConfig config;
        std::string error;
        CHECK_FALSE(load_text("[" + section + "]\n" + text + "\n", config, error));
        CHECK(error.find(key) != std::string::npos);
    }
}

bool load_roles_text(const std::string& text, skranke::roles::RoleConfig& config, std::string& error) {
    skranke::test::TempDir dir;
    {
        std::ofstream out(dir / "roles.toml");
        out << text;
    }
    config = {};
    return skranke::roles::load_role_config(dir / "roles.toml", config, error);
}

// Values of every kind but the one a key is for, and numbers out of any range.
enum class Kind { whole, number, text, texts };
std::vector<std::string> wrong_values(Kind kind) {
    switch (kind) {
        case Kind::whole: return {"\"10\"", "true", "10.5", "99999999999999999", "-99999999999999999", "[10]"};
        case Kind::number: return {"\"10\"", "true", "nan", "inf", "-inf", "1e300", "-1e300", "[10]"};
        case Kind::text: return {"10", "true", "[\"a\"]", "{ a = \"b\" }"};
        case Kind::texts: return {"\"a\"", "[1]", "[\"a\", true]", "10"};
    }
    return {};
}

struct Key {
    const char* section;
    const char* name;
    Kind kind;
};

// Every wrong value of every key, and every section given as a value (which would leave all
// its keys at their defaults), is refused by load(text, error) with the key named.
template <typename Load>
void check_wrong_values_refused(const std::vector<Key>& keys, Load load) {
    std::vector<std::string> sections;
    for (const Key& key : keys) {
        if (std::find(sections.begin(), sections.end(), key.section) == sections.end()) sections.push_back(key.section);
        for (const std::string& value : wrong_values(key.kind)) {
            const std::string text = "[" + std::string(key.section) + "]\n" + key.name + " = " + value + "\n";
            CAPTURE(text);
            std::string error;
            CHECK_FALSE(load(text, error));
            CHECK(error.find(std::string(key.section) + "." + key.name) != std::string::npos);
        }
    }
    for (const std::string& section : sections) {
        CAPTURE(section);
        std::string error;
        CHECK_FALSE(load(section + " = 5\n", error));
        CHECK(error.find(section + " must be a section") != std::string::npos);
    }
}

}  // namespace

TEST_CASE("the shipped kiosk.toml loads with the documented defaults") {
    KioskConfig config = default_kiosk_config();
    std::string error;
    REQUIRE(load_kiosk_config(skranke::test::asset_dir() / "kiosk.toml", config, error));
    CHECK(config.idle_seconds == 60);
    CHECK(config.idle_countdown_seconds >= 20);
    CHECK(config.retry_seconds == 30);
    CHECK(config.office.hours.week[0].open);
    CHECK_FALSE(config.office.hours.week[6].open);
    CHECK(config.kiosk_letter == 'A');
}

TEST_CASE("bad config values are refused with the key named") {
    KioskConfig config;
    std::string error;
    CHECK_FALSE(load_text("[timing]\nidle_countdown_seconds = 5\n", config, error));
    CHECK(error.find("timing.idle_countdown_seconds") != std::string::npos);
    CHECK_FALSE(load_text("[timing]\nretry_seconds = 0\n", config, error));
    CHECK(error.find("timing.retry_seconds") != std::string::npos);
    CHECK_FALSE(load_text("[opening_hours]\nmonday = \"9 to 5\"\n", config, error));
    CHECK(error.find("opening_hours.monday") != std::string::npos);
    CHECK_FALSE(load_text("[office]\nkiosk_letter = \"AB\"\n", config, error));
    CHECK(error.find("office.kiosk_letter") != std::string::npos);
    // The office's zone must be one tzdata knows; the file's zone is what loads.
    for (const std::string zone : {"Europe/Atlantis", "", "CET+1", "../../etc/passwd"}) {
        CAPTURE(zone);
        CHECK_FALSE(load_text("[office]\ntime_zone = \"" + zone + "\"\n", config, error));
        CHECK(error.find("office.time_zone") != std::string::npos);
    }
    REQUIRE(load_text("[office]\ntime_zone = \"America/Nuuk\"\n", config, error));
    CHECK(config.time_zone == "America/Nuuk");
    CHECK_FALSE(load_text("[screen]\ndpi = 5\n", config, error));
    CHECK_FALSE(load_text("not toml = = =", config, error));
    REQUIRE(load_text("[opening_hours]\nappointment_only_days = [\"wednesday\", \"2026-03-04\"]\n", config, error));
    CHECK(config.office.hours.appointment_only_weekdays[2]);
    CHECK(config.office.hours.appointment_only_dates.size() == 1);
}

TEST_CASE("a kiosk.toml value of the wrong kind or out of range is refused with its key, never left at the default") {
    check_wrong_values_refused({{"screen", "dpi", Kind::number},
                                {"screen", "orientation", Kind::text},
                                {"timing", "idle_seconds", Kind::whole},
                                {"timing", "idle_countdown_seconds", Kind::whole},
                                {"timing", "ticket_seconds", Kind::whole},
                                {"timing", "retry_seconds", Kind::whole},
                                {"office", "phone", Kind::text},
                                {"office", "name", Kind::text},
                                {"office", "status_page", Kind::text},
                                {"office", "kiosk_letter", Kind::text},
                                {"office", "time_zone", Kind::text},
                                {"office", "open_counters", Kind::whole},
                                {"speech", "volume", Kind::whole},
                                {"printer", "connection", Kind::text},
                                {"printer", "address", Kind::text},
                                {"printer", "device", Kind::text},
                                {"printer", "queue", Kind::text},
                                {"visitor", "default_language", Kind::text},
                                {"visitor", "interpreter_languages", Kind::texts},
                                {"opening_hours", "monday", Kind::text},
                                {"opening_hours", "sunday", Kind::text},
                                {"opening_hours", "closed_days", Kind::texts},
                                {"opening_hours", "appointment_only_days", Kind::texts}},
                               [](const std::string& text, std::string& error) {
                                   KioskConfig config;
                                   return load_text(text, config, error);
                               });
    KioskConfig config;
    std::string error;
    // Right kinds still load, a whole number where any number is asked for too.
    REQUIRE(load_text("[screen]\ndpi = 102\n[timing]\nidle_seconds = 90\n[visitor]\ninterpreter_languages = []\n",
                      config, error));
    CHECK(config.dpi == 102.0f);
    CHECK(config.idle_seconds == 90);
    CHECK(config.interpreter_languages.empty());
}

TEST_CASE("the printer: none by default; a network, device or CUPS printer with a value that fits, else the key is named") {
    using Connection = skranke::printer::PrinterSettings::Connection;
    KioskConfig shipped = default_kiosk_config();
    std::string error;
    REQUIRE(load_kiosk_config(skranke::test::asset_dir() / "kiosk.toml", shipped, error));
    CHECK(shipped.printer.connection == Connection::none);
    CHECK(shipped.office.name == "NAV");
    CHECK(shipped.office.status_page.empty());

    KioskConfig config;
    REQUIRE(load_text("[printer]\nconnection = \"network\"\naddress = \"printer-3.kontor.local:9100\"\n", config, error));
    CHECK(config.printer.connection == Connection::network);
    CHECK(config.printer.address == "printer-3.kontor.local:9100");
    REQUIRE(load_text("[printer]\nconnection = \"device\"\ndevice = \"/dev/usb/lp1\"\n", config, error));
    CHECK(config.printer.connection == Connection::device);
    CHECK(config.printer.device == "/dev/usb/lp1");
    REQUIRE(load_text("[printer]\nconnection = \"cups\"\nqueue = \"kiosk_1\"\n", config, error));
    CHECK(config.printer.connection == Connection::cups);
    check_refused("printer", {
        {"connection = \"usb\"", "printer.connection"},
        {"connection = \"network\"\naddress = \"10.0.0.5\"", "printer.address"},
        {"connection = \"network\"\naddress = \"10.0.0.5:0\"", "printer.address"},
        {"connection = \"network\"\naddress = \"10.0.0.5:70000\"", "printer.address"},
        {"connection = \"network\"\naddress = \":9100\"", "printer.address"},
        {"connection = \"device\"\ndevice = \"lp0\"", "printer.device"},
        {"connection = \"cups\"", "printer.queue"},
        {"connection = \"cups\"\nqueue = \"a queue; rm -rf /\"", "printer.queue"}});
}

TEST_CASE("speech: no headset by default; a headset is an ALSA device name, prompts a full path, else the key is named") {
    KioskConfig shipped = default_kiosk_config();
    std::string error;
    REQUIRE(load_kiosk_config(skranke::test::asset_dir() / "kiosk.toml", shipped, error));
    CHECK(shipped.headset_device.empty());
    CHECK(shipped.prompts_folder == "/etc/skranke/prompts");

    KioskConfig config;
    for (const std::string device : {"plughw:1,0", "hw:CARD=Headset,DEV=0", "default", "plughw:CARD=PCH,DEV=0"}) {
        CAPTURE(device);
        REQUIRE(load_text("[speech]\nheadset_device = \"" + device + "\"\n", config, error));
        CHECK(config.headset_device == device);
    }
    REQUIRE(load_text("[speech]\nprompts_folder = \"/srv/prompts\"\n", config, error));
    CHECK(config.prompts_folder == "/srv/prompts");
    REQUIRE(load_text("[speech]\nprompts_folder = \"\"\n", config, error));
    CHECK(config.prompts_folder.empty());
    check_refused("speech", {
        {"headset_device = \"-Dnull\"", "speech.headset_device"},
        {"headset_device = \"plughw:1,0; rm -rf /\"", "speech.headset_device"},
        {"headset_device = \"hw 1\"", "speech.headset_device"},
        {"headset_device = \"" + std::string(101, 'a') + "\"", "speech.headset_device"},
        {"headset_device = 1", "speech.headset_device"},
        {"prompts_folder = \"prompts\"", "speech.prompts_folder"}});
}

TEST_CASE("closed and appointment-only days are dates the calendar has, written YYYY-MM-DD") {
    // Days are compared as text with today's date: any other form would never come.
    for (const std::string key : {"closed_days", "appointment_only_days"}) {
        for (const std::string day : {"2026-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-+1-01",
                                " 202-01-01", "2026-1-011", "2026/01/01", "26-01-01"}) {
            CAPTURE(key);
            CAPTURE(day);
            KioskConfig config;
            std::string error;
            CHECK_FALSE(load_text("[opening_hours]\n" + key + " = [\"" + day + "\"]\n", config, error));
            CHECK(error.find("opening_hours." + key) != std::string::npos);
        }
    }
    KioskConfig config;
    std::string error;
    REQUIRE(load_text("[opening_hours]\nclosed_days = [\"2028-02-29\", \"2026-12-31\"]\n", config, error));
    CHECK(config.office.hours.closed_dates == std::vector<std::string>{"2028-02-29", "2026-12-31"});
}

TEST_CASE("the shipped roles.toml loads, and a roles.toml value of the wrong kind or out of range is refused with its key") {
    skranke::roles::RoleConfig config;
    std::string error;
    REQUIRE(skranke::roles::load_role_config(skranke::test::asset_dir() / "roles.toml", config, error));
    CHECK(config.volume == 80);
    CHECK(config.highlight_seconds == 8);
    CHECK(config.history == 8);

    check_wrong_values_refused({{"device", "role", Kind::text},
                                {"device", "hub_url", Kind::text},
                                {"device", "ca_file", Kind::text},
                                {"office", "time_zone", Kind::text},
                                {"console", "counters", Kind::texts},
                                {"console", "idle_sign_out_minutes", Kind::whole},
                                {"console", "export_dir", Kind::text},
                                {"console", "alert_sound", Kind::text},
                                {"display", "office_name", Kind::text},
                                {"display", "announce_languages", Kind::texts},
                                {"display", "history", Kind::whole},
                                {"display", "chime", Kind::text},
                                {"display", "volume", Kind::whole},
                                {"display", "highlight_seconds", Kind::number},
                                {"display", "diagonal_inches", Kind::number}},
                               [&](const std::string& text, std::string& out) { return load_roles_text(text, config, out); });
    // The volume is a percentage and the highlight a time: 0-100 and 0-600 seconds.
    for (const std::string text : {"[display]\nvolume = 101\n", "[display]\nvolume = -1\n",
                             "[display]\nhighlight_seconds = -0.5\n", "[display]\nhighlight_seconds = 601\n",
                             "[display]\ndiagonal_inches = 14.9\n", "[display]\ndiagonal_inches = 111\n"}) {
        CAPTURE(text);
        CHECK_FALSE(load_roles_text(text, config, error));
    }
    CHECK_FALSE(load_roles_text("[office]\ntime_zone = \"Mars/Olympus\"\n", config, error));
    CHECK(error.find("office.time_zone") != std::string::npos);
    REQUIRE(load_roles_text("[office]\ntime_zone = \"Asia/Kathmandu\"\n", config, error));
    CHECK(config.time_zone == "Asia/Kathmandu");
    REQUIRE(load_roles_text("[display]\nvolume = 0\nhighlight_seconds = 2.5\ndiagonal_inches = 55\n", config, error));
    CHECK(config.diagonal_inches == 55);
    CHECK(config.volume == 0);
    CHECK(config.highlight_seconds == 2.5);
}

TEST_CASE("the wait estimate says nothing without enough data") {
    CHECK_FALSE(estimate_wait_minutes(3, {}, 2));
    CHECK_FALSE(estimate_wait_minutes(3, {600000, 600000}, 2));
    CHECK(estimate_wait_minutes(0, {600000, 600000, 600000}, 2) == 0);
    // 4 ahead, 10 minutes each, 2 counters: 20 minutes.
    CHECK(estimate_wait_minutes(4, {600000, 540000, 660000}, 2) == 20);
}
