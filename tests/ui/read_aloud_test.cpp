// Read-aloud speaks the screen in the chosen language, stops when asked, and says plainly
// when a language has no voice.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "support/headless_kiosk.hpp"
#include "support/temp_dir.hpp"

using skranke::test::HeadlessKiosk;

TEST_CASE("read-aloud says the title, the instructions and the buttons, and can be stopped") {
    HeadlessKiosk kiosk;
    REQUIRE(kiosk.tap("language.nb"));
    REQUIRE(kiosk.tap("appointment.no"));
    REQUIRE(kiosk.tap("bar.read_aloud"));
    REQUIRE(kiosk.speaker().said.size() == 1);
    const auto& said = kiosk.speaker().said.front();
    CHECK(said.voice == "nb");
    CHECK(said.volume == 80);
    CHECK(said.text.find("Hva trenger du hjelp med?") != std::string::npos);
    CHECK(said.text.find("Jeg har ikke penger til mat i dag") != std::string::npos);
    CHECK(said.text.find("Tilbake") != std::string::npos);
    CHECK(kiosk.state().speaking);
    REQUIRE(kiosk.tap("bar.read_aloud"));  // the same button stops it
    CHECK_FALSE(kiosk.state().speaking);
    CHECK(kiosk.speaker().stops >= 1);
    REQUIRE(kiosk.tap("bar.read_aloud"));  // and it can be repeated
    REQUIRE(kiosk.tap("need.other"));      // going on interrupts it
    CHECK_FALSE(kiosk.state().speaking);
}

TEST_CASE("a language without a voice says read-aloud is unavailable instead of using a wrong voice") {
    HeadlessKiosk kiosk;
    REQUIRE(kiosk.tap("language.so"));
    CHECK_FALSE(kiosk.state().voice_available);
    REQUIRE(kiosk.tap("bar.read_aloud"));
    CHECK(kiosk.speaker().said.empty());
    CHECK(kiosk.state().notice_key == "speech.unavailable");
    bool shown = false;
    for (const auto& text : kiosk.spoken()) shown = shown || text == "Kor u akhrinta lagama heli karo luqaddan.";
    CHECK(shown);
}

TEST_CASE("every voice named in a translation file exists in espeak-ng") {
    skranke::test::TempDir dir;
    for (const auto& lang : skranke::test::shipped_translations().languages()) {
        if (lang.voice.empty()) continue;
        CAPTURE(lang.code);
        const auto wav = dir / (lang.code + ".wav");
        const std::string command = "espeak-ng -v " + lang.voice + " -w " + wav.string() + " 'A 17' 2>/dev/null";
        CHECK(std::system(command.c_str()) == 0);
        CHECK(std::filesystem::file_size(wav) > 1000);
    }
}
