// Announcements: espeak-ng really writes speech for a call, and calls arriving together are
// spoken one after another, in order, never cut off or overlapped.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include "display/announcer.hpp"
#include "support/headless_roles.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

CallRecord sample_call(const std::string& number, const std::string& counter) {
    CallRecord call;
    call.number = number;
    call.spoken = number.substr(0, 1) + " " + std::to_string(std::stoi(number.substr(2)));
    call.counter = counter;
    return call;
}

// 16-bit PCM samples of a canonical WAV file (espeak-ng writes one).
std::vector<std::int16_t> wav_samples(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(bytes.size() > 44);
    REQUIRE(bytes.compare(0, 4, "RIFF") == 0);
    REQUIRE(bytes.compare(8, 4, "WAVE") == 0);
    // Walk the chunks to "data" (bounded by the file size).
    std::size_t at = 12;
    while (at + 8 <= bytes.size()) {
        std::uint32_t size = 0;
        std::memcpy(&size, bytes.data() + at + 4, 4);
        if (bytes.compare(at, 4, "data") == 0) {
            const std::size_t n = std::min<std::size_t>(size, bytes.size() - at - 8) / 2;
            std::vector<std::int16_t> samples(n);
            std::memcpy(samples.data(), bytes.data() + at + 8, n * 2);
            return samples;
        }
        at += 8 + size;
    }
    FAIL("no data chunk");
    return {};
}

}  // namespace

TEST_CASE("espeak-ng writes the Norwegian announcement of a call to a WAV that is not silent") {
    TempDir dir;
    const auto file = dir / "call.wav";
    const std::string text = display::announcement_text(staff_translations(), "nb", sample_call("B 017", "2"));
    CHECK(text == "Nummer B 17, skranke 2");
    ui::EspeakSpeaker speaker;
    REQUIRE(speaker.write_wav("nb", text, file.string()));
    const auto samples = wav_samples(file);
    REQUIRE(samples.size() > 22050 / 2);  // more than half a second at espeak-ng's 22.05 kHz
    double energy = 0;
    int peak = 0;
    for (std::int16_t s : samples) {
        energy += static_cast<double>(s) * s;
        peak = std::max(peak, std::abs(static_cast<int>(s)));
    }
    CHECK(std::sqrt(energy / static_cast<double>(samples.size())) > 300);
    CHECK(peak > 3000);
}

TEST_CASE("calls arriving together are announced in order, each with its chime, none cut off") {
    ui::RecordingSpeaker speaker;
    display::AnnouncementSettings settings;
    settings.languages = {"nb", "en", "so"};  // Somali has no voice: skipped, never misread
    settings.chime_file = "chime.wav";
    display::Announcer announcer(speaker, staff_translations(), settings);
    announcer.announce(sample_call("A 001", "1"));
    announcer.announce(sample_call("B 017", "2"));
    announcer.announce(sample_call("A 002", "3"));
    CHECK(announcer.pending() == 9);
    // Each step starts only once the one before has finished.
    for (int step = 0; step < 9; ++step) {
        CHECK(announcer.tick());
        CHECK_FALSE(announcer.tick());  // still playing: nothing new starts
        speaker.active = false;         // the speaker finished
    }
    CHECK_FALSE(announcer.tick());
    CHECK(speaker.stops == 0);  // nothing was ever interrupted
    std::vector<std::string> said;
    for (const auto& u : speaker.said) said.push_back(u.voice + ": " + u.text);
    const std::vector<std::string> expected = {
        "sound: chime.wav", "nb: Nummer A 1, skranke 1", "en-gb: Number A 1, counter 1",
        "sound: chime.wav", "nb: Nummer B 17, skranke 2", "en-gb: Number B 17, counter 2",
        "sound: chime.wav", "nb: Nummer A 2, skranke 3", "en-gb: Number A 2, counter 3",
    };
    CHECK(said == expected);
}
