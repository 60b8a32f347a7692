// The office-wide settings' one reader (domain/office_settings.hpp), as the hub's office
// file and a kiosk's kiosk.toml use it: the shipped example reads, every wrong value and
// every key that is not the office's is refused naming the file and the key, a file read
// over a kiosk's own settings changes only what it names, and the version names the texts.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "domain/office_settings.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;

namespace {

// The error of a file that must be refused.
std::string refusal(const std::string& text) {
    const auto read = parse_office_file(text, "/etc/skranke/office.toml");
    REQUIRE_FALSE(read.ok());
    return read.error();
}

}  // namespace

TEST_CASE("the shipped example office file reads with the documented defaults") {
    const auto read = parse_office_file(
        test::file_text(std::filesystem::path(SKRANKE_SOURCE_DIR) / "packaging/etc/office.toml"), "office.toml");
    REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error()));
    CHECK(read->phone == "55 55 33 33");
    CHECK(read->hours.week[0].open);
    CHECK(read->hours.week[0].from_minute == 8 * 60);
    CHECK(read->hours.week[4].to_minute == 15 * 60 + 30);
    CHECK_FALSE(read->hours.week[5].open);
    CHECK(read->hours.closed_dates.size() == 5);
    CHECK(read->texts.empty());  // the example's texts are commented out
    CHECK(read->emergency.social_phone.empty());
    CHECK(read->emergency.doctor_phone == "116 117");
    CHECK(read->emergency.ambulance_phone == "113");
}

TEST_CASE("the entry notice is on or off, as true or false") {
    auto read = parse_office_file("[office]\nentry_notice = true\n", "o");
    REQUIRE(read.ok());
    CHECK(read->entry_notice);
    CHECK_FALSE(default_office_settings().entry_notice);
    CHECK(refusal("[office]\nentry_notice = \"yes\"\n").find("office.entry_notice must be true or false") !=
          std::string::npos);
}

TEST_CASE("the waiting room's capacity is a whole number from 0 (no limit) to 10000") {
    CHECK(default_office_settings().room_capacity == 0);
    auto read = parse_office_file("[office]\nroom_capacity = 25\n", "o");
    REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error()));
    CHECK(read->room_capacity == 25);
    CHECK(parse_office_file("[office]\nroom_capacity = 0\n", "o")->room_capacity == 0);
    CHECK(parse_office_file("[office]\nroom_capacity = 10000\n", "o")->room_capacity == 10000);
    for (const char* bad : {"-1", "10001", "\"20\"", "2.5", "true", "99999999999999"}) {
        CAPTURE(bad);
        const std::string error = refusal(std::string("[office]\nroom_capacity = ") + bad + "\n");
        CHECK(error.find("/etc/skranke/office.toml: office.room_capacity must be a whole number from 0 to 10000") !=
              std::string::npos);
    }
    // The list of keys an office file takes names it.
    CHECK(refusal("[office]\nroom_size = 5\n").find("office.room_capacity") != std::string::npos);
}

TEST_CASE("the office's name for the paper ticket, and the status pages' public address for its QR code") {
    auto read = parse_office_file("[office]\nname = \"NAV Grünerløkka\"\nstatus_page = \"https://kø.example.no/status/\"\n", "o");
    REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error()));
    CHECK(read->name == "NAV Grünerløkka");
    CHECK(read->status_page == "https://kø.example.no/status/");
    CHECK(default_office_settings().name == "NAV");
    CHECK(default_office_settings().status_page.empty());
    CHECK(parse_office_file("[office]\nstatus_page = \"\"\n", "o")->status_page.empty());
    CHECK(refusal("[office]\nname = \"\"\n").find("office.name must be 1-60 characters") != std::string::npos);
    for (const std::string& url : std::vector<std::string>{"ftp://x/status/", "https://x/status", "https://x y/status/", "javascript:alert(1)/",
                                  "https://x/<script>/", "skranke.example.no/status/", std::string(300, 'h') + "/"}) {
        CAPTURE(url);
        CHECK(refusal("[office]\nstatus_page = \"" + url + "\"\n").find("office.status_page must be") != std::string::npos);
    }
}

TEST_CASE("the emergency numbers: the social emergency service with its hours, which may pass midnight") {
    auto read = parse_office_file("[emergency]\nsocial_phone = \"55 55 00 00\"\nsocial_hours = \"15:30-08:00\"\n", "o");
    REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error()));
    CHECK(read->emergency.social_phone == "55 55 00 00");
    CHECK_FALSE(read->emergency.social_always);
    CHECK(read->emergency.social_from_minute == 15 * 60 + 30);
    CHECK(read->emergency.social_to_minute == 8 * 60);
    CHECK(read->emergency.doctor_phone == "116 117");  // left out: the default

    OfficeSettings kiosk = default_office_settings();
    kiosk.emergency.social_phone = "22 22 22 22";
    read = parse_office_file("[emergency]\nsocial_phone = \"\"\ndoctor_phone = \"55 55 11 11\"\n", "o", kiosk);
    REQUIRE(read.ok());
    CHECK(read->emergency.social_phone.empty());  // the office says there is none
    CHECK(read->emergency.social_always);
    CHECK(read->emergency.doctor_phone == "55 55 11 11");

    for (const auto& [text, start] : std::vector<std::pair<std::string, std::string>>{
             {"[emergency]\nsocial_hours = \"9 to 5\"\n", "emergency.social_hours must be \"always\" or \"HH:MM-HH:MM\""},
             {"[emergency]\nsocial_hours = \"08:00-08:00\"\n", "emergency.social_hours must be"},
             {"[emergency]\nsocial_hours = \"25:00-08:00\"\n", "emergency.social_hours must be"},
             {"[emergency]\ndoctor_phone = \"\"\n", "emergency.doctor_phone must be 1-40 characters"},
             {"[emergency]\nambulance_phone = \"1\\n3\"\n", "emergency.ambulance_phone must be 1-40 characters"},
             {"[emergency]\nsocial_phone = 113\n", "emergency.social_phone"},
             {"emergency = \"113\"\n", "emergency"}}) {
        CAPTURE(text);
        CHECK(refusal(text).find("/etc/skranke/office.toml: " + start) == 0);
    }
}

TEST_CASE("an office file read over a kiosk's settings changes only the keys it names") {
    OfficeSettings kiosk = default_office_settings();
    kiosk.phone = "11 11 11 11";
    kiosk.hours.closed_dates = {"2026-05-17"};
    kiosk.hours.appointment_only_weekdays[2] = true;
    kiosk.texts["en"]["closed.call"] = "Ring us on {phone}.";

    const auto read = parse_office_file(R"(
[opening_hours]
monday = "10:00-14:00"
closed_days = ["2026-12-24"]
[texts.en]
"closed.title" = "Closed for the staff meeting"
[texts.nb.closed]
title = "Stengt for personalmøte"
)",
                                        "office.toml", kiosk);
    REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error()));
    CHECK(read->phone == "11 11 11 11");                                        // not named: the kiosk's
    CHECK(read->hours.week[0].from_minute == 10 * 60);                          // named
    CHECK(read->hours.week[1].from_minute == 8 * 60);                           // not named
    CHECK(read->hours.closed_dates == std::vector<std::string>{"2026-12-24"});  // a list replaces the list
    CHECK(read->hours.appointment_only_weekdays[2]);                            // not named
    CHECK(read->texts.at("en").at("closed.title") == "Closed for the staff meeting");
    CHECK(read->texts.at("en").at("closed.call") == "Ring us on {phone}.");       // texts: key by key
    CHECK(read->texts.at("nb").at("closed.title") == "Stengt for personalmøte");  // nested tables are dotted keys

    // An empty file is the settings it is read over.
    const auto empty = parse_office_file("", "office.toml", kiosk);
    REQUIRE(empty.ok());
    CHECK(empty->phone == "11 11 11 11");
}

TEST_CASE("a wrong value in an office file is refused naming the file and the key") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[opening_hours]\nmonday = \"9 to 5\"\n", "opening_hours.monday"},
        {"[opening_hours]\nfriday = \"15:00-08:00\"\n", "opening_hours.friday"},
        {"[opening_hours]\nsunday = 8\n", "opening_hours.sunday"},
        {"[opening_hours]\nclosed_days = [\"2026-02-30\"]\n", "opening_hours.closed_days"},
        {"[opening_hours]\nclosed_days = [\"monday\"]\n", "opening_hours.closed_days"},
        {"[opening_hours]\nclosed_days = \"2026-12-24\"\n", "opening_hours.closed_days"},
        {"[opening_hours]\nappointment_only_days = [\"someday\"]\n", "opening_hours.appointment_only_days"},
        {"[office]\nphone = 55553333\n", "office.phone"},
        {"[office]\nphone = \"\"\n", "office.phone"},
        {"[office]\nphone = \"55 55\\u0007 33 33\"\n", "office.phone"},
        {"[office]\nphone = \"" + std::string(41, '5') + "\"\n", "office.phone"},
        {"office = 5\n", "office must be a section"},
        {"opening_hours = \"08:00-15:30\"\n", "opening_hours must be a section"},
        {"texts = \"hello\"\n", "texts must be a section"},
        {"[texts]\nen = \"hello\"\n", "texts.en must be a section"},
        {"[texts.english]\n\"closed.title\" = \"x\"\n", "texts.english"},
        {"[texts.en]\n\"Closed.Title\" = \"x\"\n", "texts.en.\"Closed.Title\""},
        {"[texts.en]\n\"closed..title\" = \"x\"\n", "texts.en.\"closed..title\""},
        {"[texts.en]\n\"closed.title\" = 5\n", "texts.en.\"closed.title\""},
        {"[texts.en]\n\"closed.title\" = \"\"\n", "texts.en.\"closed.title\""},
        {"[texts.en]\n\"closed.title\" = \"two\\nlines\"\n", "texts.en.\"closed.title\""},
        {"[texts.en]\n\"closed.title\" = \"" + std::string(501, 'x') + "\"\n", "texts.en.\"closed.title\""},
    };
    for (const auto& [text, key] : cases) {
        CAPTURE(text);
        const std::string error = refusal(text);
        CHECK(error.rfind("/etc/skranke/office.toml: ", 0) == 0);
        CHECK(error.find(key) != std::string::npos);
    }
    // Syntax: the line is named.
    const std::string syntax = refusal("[opening_hours]\nmonday = \n");
    CHECK(syntax.find("/etc/skranke/office.toml") != std::string::npos);
    CHECK(syntax.find("line 2") != std::string::npos);
    CHECK(refusal(std::string(max_office_file_bytes + 1, '#')).find("larger than") != std::string::npos);
}

TEST_CASE("an office file takes only the office's keys: a misspelt or kiosk-only key is named") {
    for (const auto& [text, key] : std::vector<std::pair<std::string, std::string>>{
             {"[office]\nphon = \"55 55 33 33\"\n", "office.phon"},
             {"[office]\nkiosk_letter = \"B\"\n", "office.kiosk_letter"},
             {"[office]\ntime_zone = \"Europe/Oslo\"\n", "office.time_zone"},
             {"[opening_hours]\nmondag = \"08:00-15:30\"\n", "opening_hours.mondag"},
             {"[emergency]\nfire_phone = \"110\"\n", "emergency.fire_phone"},
             {"[timing]\nidle_seconds = 60\n", "timing"},
             {"[screen]\ndpi = 96\n", "screen"},
             {"phone = \"55 55 33 33\"\n", "phone"}}) {
        CAPTURE(text);
        const std::string error = refusal(text);
        CHECK(error.find("/etc/skranke/office.toml: " + key + " is not an office-wide setting") == 0);
    }
}

TEST_CASE("the configuration version names the texts served") {
    const std::string version = office_config_version("counters = [\"1\"]", "[office]\nphone = \"1\"\n");
    CHECK(version.size() == 64);
    CHECK(version.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(version == office_config_version("counters = [\"1\"]", "[office]\nphone = \"1\"\n"));
    CHECK(version != office_config_version("counters = [\"1\"]", "[office]\nphone = \"2\"\n"));
    // Moving text from one file to the other is another version.
    CHECK(office_config_version("ab", "c") != office_config_version("a", "bc"));
    CHECK(office_config_version("", "") != std::string(64, '0'));
}
