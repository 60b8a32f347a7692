// Recorded prompts: for a language espeak-ng has no voice for (Somali), read-aloud plays
// the office's recordings of the screen's texts, in order; without them it says plainly
// that read-aloud is unavailable (read_aloud_test.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "shell/speech.hpp"
#include "support/headless_kiosk.hpp"
#include "support/temp_dir.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;
using skranke::ui::Output;

namespace {

// A tenth of a second of silence: a WAV file aplay plays (16-bit mono, 16 kHz).
void write_silence(const std::filesystem::path& file) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    const auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.put(static_cast<char>((v >> (8 * i)) & 0xff));
    };
    const auto u16 = [&](std::uint16_t v) {
        out.put(static_cast<char>(v & 0xff));
        out.put(static_cast<char>(v >> 8));
    };
    const std::uint32_t rate = 16000, samples = 1600, data = samples * 2;
    out << "RIFF";
    u32(36 + data);
    out << "WAVEfmt ";
    u32(16);
    u16(1);  // PCM
    u16(1);  // mono
    u32(rate);
    u32(rate * 2);
    u16(2);
    u16(16);
    out << "data";
    u32(data);
    for (std::uint32_t i = 0; i < samples; ++i) u16(0);
}

HeadlessOptions with_prompts(const std::filesystem::path& folder) {
    HeadlessOptions options;
    options.config.prompts_folder = folder;
    return options;
}

}  // namespace

TEST_CASE(
    "a language without a voice plays the office's recorded prompts of the screen, in order, skipping texts without "
    "one") {
    skranke::test::TempDir dir;
    const auto folder = dir / "prompts";
    // The appointment question: its title and "No" recorded, "Yes" not; Back recorded.
    for (const std::string key : {"appointment.title", "appointment.no", "nav.back"})
        write_silence(folder / "so" / (key + ".wav"));
    // Files aplay really plays (ALSA's "null" device: no sound card needed).
    const std::string check = "aplay -q -D null " + (folder / "so" / "nav.back.wav").string();
    REQUIRE(std::system(check.c_str()) == 0);
    write_silence(folder / "nb" / "appointment.yes.wav");  // another language's: not played
    HeadlessKiosk kiosk(with_prompts(folder));
    REQUIRE(kiosk.tap("language.so"));
    REQUIRE(kiosk.page() == "appointment_question");
    CHECK(kiosk.state().voice_available);  // the button offers read-aloud
    REQUIRE(kiosk.tap("bar.read_aloud"));
    CHECK(kiosk.state().notice_key.empty());
    CHECK(kiosk.state().speaking);
    const auto& said = kiosk.speaker().said;
    REQUIRE(said.size() == 3);
    const std::string so = (folder / "so").string();
    CHECK(said[0].text == so + "/appointment.title.wav");
    CHECK(said[1].text == so + "/appointment.no.wav");
    CHECK(said[2].text == so + "/nav.back.wav");
    for (const auto& u : said) {
        CHECK(u.voice == "prompt");
        CHECK(u.output == Output::room);
        CHECK(u.volume == 80);
    }
    REQUIRE(kiosk.tap("bar.read_aloud"));  // the same button stops them
    CHECK_FALSE(kiosk.state().speaking);
}

TEST_CASE(
    "prompts are played on the headset too when the kiosk has one, and a screen with none recorded is unavailable") {
    skranke::test::TempDir dir;
    const auto folder = dir / "prompts";
    write_silence(folder / "so" / "need.title.wav");
    HeadlessOptions options = with_prompts(folder);
    options.config.headset_device = "plughw:1,0";
    HeadlessKiosk kiosk(options);
    REQUIRE(kiosk.tap("language.so"));
    // Nothing recorded for this screen: said plainly, on screen, as with no prompts at all.
    REQUIRE(kiosk.tap("bar.read_aloud"));
    CHECK(kiosk.speaker().said.empty());
    CHECK(kiosk.state().notice_key == "speech.unavailable");
    REQUIRE(kiosk.tap("appointment.no"));
    REQUIRE(kiosk.page() == "need");
    REQUIRE(kiosk.tap("bar.read_aloud"));
    const auto& said = kiosk.speaker().said;
    REQUIRE(said.size() == 2);
    CHECK(said[0].output == Output::room);
    CHECK(said[1].output == Output::headset);
    for (const auto& u : said) CHECK(u.text == (folder / "so" / "need.title.wav").string());
}

TEST_CASE("a prompt folder made with espeak-ng's own recording is found by the text's key") {
    skranke::test::TempDir dir;
    const auto folder = dir / "prompts";
    std::filesystem::create_directories(folder / "so");
    skranke::ui::EspeakSpeaker espeak;
    // A stand-in recording (an office records a Somali speaker); espeak-ng writes a real WAV.
    REQUIRE(espeak.write_wav("en", "Back", (folder / "so" / "nav.back.wav").string()));
    CHECK(std::filesystem::file_size(folder / "so" / "nav.back.wav") > 1000);
    HeadlessKiosk kiosk(with_prompts(folder));
    REQUIRE(kiosk.tap("language.so"));
    REQUIRE(kiosk.tap("bar.read_aloud"));
    REQUIRE(kiosk.speaker().said.size() == 1);
    CHECK(kiosk.speaker().said.front().text == (folder / "so" / "nav.back.wav").string());
}

TEST_CASE("a typed answer is never looked up as a prompt, even when it is a text with a recording") {
    skranke::test::TempDir dir;
    const auto folder = dir / "prompts";
    write_silence(folder / "so" / "answer.yes.wav");  // "Haa"
    HeadlessKiosk kiosk(with_prompts(folder));
    REQUIRE(kiosk.tap("language.so"));
    REQUIRE(kiosk.tap("appointment.no"));
    REQUIRE(kiosk.tap("need.emergency_food"));
    REQUIRE(kiosk.page() == "questions");
    REQUIRE(kiosk.tap("bar.read_aloud"));  // the two "Haa" buttons, the office's words
    CHECK(kiosk.speaker().said.size() == 2);
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.page() == "details");
    REQUIRE(kiosk.type("Haa"));  // the visitor types the same word
    REQUIRE(kiosk.tap("field.name"));
    // Alone in its field, the very word on the Yes button.
    CHECK(std::find(kiosk.spoken().begin(), kiosk.spoken().end(), "Haa") != kiosk.spoken().end());
    REQUIRE(kiosk.tap("bar.read_aloud"));
    CHECK(kiosk.speaker().said.size() == 2);
    CHECK(kiosk.state().notice_key == "speech.unavailable");
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.page() == "confirm");
    CHECK(kiosk.said("Haa"));
    REQUIRE(kiosk.tap("bar.read_aloud"));
    CHECK(kiosk.speaker().said.size() == 2);  // nothing more: the answers are not the room's
    CHECK(kiosk.state().notice_key == "speech.unavailable");
}

TEST_CASE("a language without a voice and no prompt folder still says read-aloud is unavailable") {
    HeadlessKiosk kiosk(with_prompts("/nonexistent/skranke/prompts"));
    REQUIRE(kiosk.tap("language.so"));
    CHECK_FALSE(kiosk.state().voice_available);
    REQUIRE(kiosk.tap("bar.read_aloud"));
    CHECK(kiosk.speaker().said.empty());
    CHECK(kiosk.state().notice_key == "speech.unavailable");
}
