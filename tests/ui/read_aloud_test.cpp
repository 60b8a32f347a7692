// Read-aloud speaks the screen in the chosen language, stops when asked, and says plainly
// when a language has no voice.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "shell/speech.hpp"
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

TEST_CASE("the speech process gets the text on stdin and is stopped at once when interrupted") {
    skranke::test::TempDir dir;
    const auto script = dir / "fake-espeak";
    const auto heard = dir / "heard.txt";
    {
        std::ofstream out(script);
        // Records its arguments and the text, then blocks like a long sentence would.
        out << "#!/bin/sh\necho \"$@\" > " << heard.string() << ".args\ncat > " << heard.string()
            << "\nexec tail -f /dev/null\n";
    }
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    skranke::ui::EspeakSpeaker speaker(script.string());
    speaker.say("nb", "Nummeret ditt er A 17", 80);
    CHECK(speaker.speaking());
    // Wait (bounded) until the fake has read everything.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::string text;
    for (int i = 0; i < 1000 && std::chrono::steady_clock::now() < deadline; ++i) {
        std::ifstream in(heard);
        std::getline(in, text);
        if (text == "Nummeret ditt er A 17") break;
        std::this_thread::sleep_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(10));
    }
    CHECK(text == "Nummeret ditt er A 17");
    std::ifstream args(heard.string() + ".args");
    std::string arg_line;
    std::getline(args, arg_line);
    CHECK(arg_line == "-v nb -a 160");
    speaker.stop();
    CHECK_FALSE(speaker.speaking());
}
