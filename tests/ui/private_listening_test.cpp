// Private listening: what a visitor typed or chose is never read aloud over the room's
// speaker; with a headset configured it is read there, and only there.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string_view>
#include <utility>

#include "shell/speech.hpp"
#include "support/headless_kiosk.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;
using skranke::ui::Output;

namespace {

// The answers of the walk-in below, as the screens show them in English: typed, and chosen
// (the choices are offered on their own screens, where they are not answers yet).
const std::vector<std::string> typed = {"Kari Nordmann", "91234567", "Rent arrears in March"};
const std::vector<std::string> personal = {
    "Kari Nordmann", "91234567", "Rent arrears in March", "I have no money for food today", "Arabic", "Wheelchair"};

std::string said_on(const skranke::ui::RecordingSpeaker& speaker, Output output) {
    std::string all;
    for (const auto& u : speaker.said)
        if (u.output == output) all += u.text + "\n";
    return all;
}

// Nothing of the answers in what the room may hear of the frame on screen now.
void check_room_frame(const HeadlessKiosk& kiosk, const std::vector<std::string>& answers) {
    for (const std::string& line : kiosk.spoken_in_room())
        for (const std::string& answer : answers) {
            CAPTURE(kiosk.page());
            CAPTURE(line);
            CHECK(line.find(answer) == std::string::npos);
        }
}

void tap_all(HeadlessKiosk& kiosk, std::initializer_list<std::string_view> ids) {
    for (const std::string_view id : ids) {
        CAPTURE(std::string(id));
        REQUIRE(kiosk.tap(id));
    }
}

// Types each text into its field (the first into the field already open).
void type_all(HeadlessKiosk& kiosk, std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
    for (const auto& [field, text] : fields) {
        if (!field.empty()) REQUIRE(kiosk.tap(field));
        REQUIRE(kiosk.type(text));
    }
}

// A walk-in in English who answers every question, types a description, name and phone,
// and taps read-aloud on the details, confirm and ticket screens.
void walk_in_reading_aloud(HeadlessKiosk& kiosk) {
    tap_all(kiosk, {"language.en", "appointment.no", "need.emergency_food", "children.yes", "interpreter.yes",
                    "interpreter.ar", "access.wheelchair"});
    CHECK(kiosk.said("chosen"));  // on screen, under Wheelchair
    check_room_frame(kiosk, {"chosen"});
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.page() == "details");
    type_all(kiosk, {{"", "Rent arrears in March"}, {"field.name", "Kari Nordmann"}, {"field.phone", "91234567"}});
    CHECK(kiosk.said("Kari Nordmann"));  // on screen, as typed
    check_room_frame(kiosk, typed);
    tap_all(kiosk, {"bar.read_aloud", "nav.next"});
    REQUIRE(kiosk.page() == "confirm");
    CHECK(kiosk.said("Name: Kari Nordmann"));
    check_room_frame(kiosk, personal);
    REQUIRE(kiosk.tap("bar.read_aloud"));
    CHECK(kiosk.state().speaking);
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    REQUIRE(kiosk.page() == "ticket");
    CHECK(kiosk.said("I have no money for food today"));
    check_room_frame(kiosk, personal);
    REQUIRE(kiosk.tap("bar.read_aloud"));
}

}  // namespace

TEST_CASE("without a headset the room's speaker reads the screens with labels in place of the visitor's answers") {
    HeadlessKiosk kiosk;
    walk_in_reading_aloud(kiosk);
    const auto& speaker = kiosk.speaker();
    REQUIRE(speaker.said.size() == 3);  // details, confirm, ticket: once each, in the room
    for (const auto& u : speaker.said) CHECK(u.output == Output::room);
    const std::string room = said_on(speaker, Output::room);
    for (const std::string& answer : personal) {
        CAPTURE(answer);
        CHECK(room.find(answer) == std::string::npos);
    }
    // The screen is still read: its title, each line's label, the way on, the ticket number.
    const std::string confirm = speaker.said[1].text;
    for (const std::string key :
         {"confirm.title", "confirm.need", "confirm.children", "confirm.interpreter", "confirm.accessibility",
          "field.description", "field.name", "field.phone", "confirm.get_ticket"}) {
        CAPTURE(key);
        CHECK(confirm.find(skranke::test::shipped_translations().text("en", key)) != std::string::npos);
    }
    CHECK(speaker.said[0].text.find("Name:") != std::string::npos);  // the field's label
    CHECK(speaker.said[2].text.find(kiosk.state().ticket->spoken_number) != std::string::npos);
}

TEST_CASE("with a headset the visitor's answers are read on the headset only, the room hears the screen without them") {
    HeadlessOptions options;
    options.config.headset_device = "plughw:1,0";
    HeadlessKiosk kiosk(options);
    walk_in_reading_aloud(kiosk);
    const auto& speaker = kiosk.speaker();
    REQUIRE(speaker.said.size() == 6);  // each screen twice: in the room and on the headset
    for (std::size_t i = 0; i < speaker.said.size(); i += 2) {
        CHECK(speaker.said[i].output == Output::room);
        CHECK(speaker.said[i + 1].output == Output::headset);
        CHECK(speaker.said[i + 1].voice == speaker.said[i].voice);
        CHECK(speaker.said[i + 1].volume == speaker.said[i].volume);
    }
    const std::string room = said_on(speaker, Output::room);
    for (const std::string& answer : personal) {
        CAPTURE(answer);
        CHECK(room.find(answer) == std::string::npos);
    }
    // The summary on the headset: every answer, with its label.
    const std::string confirm = speaker.said[3].text;
    for (const std::string& answer : personal) {
        CAPTURE(answer);
        CHECK(confirm.find(answer) != std::string::npos);
    }
    CHECK(confirm.find("Name: Kari Nordmann") != std::string::npos);
    CHECK(confirm.find("About: I have no money for food today") != std::string::npos);
    CHECK(speaker.said[1].text.find("Rent arrears in March") != std::string::npos);
    CHECK(speaker.said[5].text.find("I have no money for food today") != std::string::npos);
    // The room heard the same screens, less the answers.
    CHECK(speaker.said[2].text.find("Name") != std::string::npos);
    CHECK(speaker.said[2].text.find("Get ticket") != std::string::npos);
    // The read-aloud button stops both.
    const int stops = speaker.stops;
    REQUIRE(kiosk.tap("bar.read_aloud"));
    CHECK(kiosk.speaker().stops > stops);
    CHECK_FALSE(kiosk.state().speaking);
}

TEST_CASE("a check-in's and a callback request's answers are kept from the room too") {
    HeadlessKiosk check_in;
    tap_all(check_in, {"language.en", "appointment.yes", "appointment_time.unknown"});
    REQUIRE(check_in.page() == "appointment_details");
    type_all(check_in, {{"", "Kari Nordmann"}, {"field.reference", "Rent arrears in March"}});
    check_room_frame(check_in, typed);
    REQUIRE(check_in.tap("nav.next"));
    REQUIRE(check_in.page() == "confirm");
    CHECK(check_in.said("Kari Nordmann"));
    check_room_frame(check_in, typed);
    REQUIRE(check_in.tap("bar.read_aloud"));
    REQUIRE(check_in.speaker().said.size() == 1);
    CHECK(check_in.speaker().said.front().text.find("Kari") == std::string::npos);
    CHECK(check_in.speaker().said.front().text.find("Reference") != std::string::npos);

    // Saturday: closed, and a callback request with a phone number.
    HeadlessOptions options;
    options.config = skranke::visitor::default_kiosk_config();  // Mon-Fri 08:00-15:30
    options.config.dpi = skranke::test::test_dpi;
    options.config.prompts_folder.clear();
    options.wall_ms = skranke::test::test_time_ms(5);
    HeadlessKiosk callback(options);
    tap_all(callback, {"language.en", "closed.callback", "need.social_rent"});
    REQUIRE(callback.page() == "callback_phone");
    REQUIRE(callback.type("91234567"));
    check_room_frame(callback, typed);
    REQUIRE(callback.tap("nav.next"));
    REQUIRE(callback.page() == "callback_confirm");
    const std::string rent = skranke::test::shipped_translations().text("en", "need.social_rent");
    CHECK(callback.said(rent));
    check_room_frame(callback, {"91234567", rent});
    REQUIRE(callback.tap("callback.send"));
    REQUIRE(callback.page() == "callback_done");
    CHECK(callback.said("91234567"));
    check_room_frame(callback, typed);
}

namespace {

// A script in dir that stands in for a program.
std::string write_script(const skranke::test::TempDir& dir, const std::string& name, const std::string& body) {
    const auto path = dir / name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path.string();
}

// The file's text once it contains want (or whatever it holds after 10 s).
std::string text_when(const std::filesystem::path& file, const std::string& want) {
    std::string text;
    skranke::test::wait_until(
        [&] {
            std::ifstream in(file);
            text.assign(std::istreambuf_iterator<char>(in), {});
            return text.find(want) != std::string::npos;
        },
        std::chrono::seconds(10));
    return text;
}

}  // namespace

// The real EspeakSpeaker, with stand-ins for espeak-ng and aplay that record what they get.
TEST_CASE("the headset's speech goes from espeak-ng --stdout to aplay -D the device, and stop ends both") {
    skranke::test::TempDir dir;
    const std::string d = dir.path().string();
    // espeak-ng: records its arguments and text, writes its "sound" to stdout and ends.
    const auto espeak =
        write_script(dir, "espeak", "echo \"$@\" > " + d + "/espeak.args\ncat > " + d + "/espeak.text\nprintf SOUND\n");
    // aplay: records its arguments and what it got to play, and END once its input ended;
    // then plays on (blocks).
    const auto aplay = write_script(
        dir, "aplay",
        "echo \"$@\" >> " + d + "/aplay.args\n{ cat; echo ' END'; } > " + d + "/aplay.heard\nexec tail -f /dev/null\n");
    skranke::ui::EspeakSpeaker speaker(espeak, aplay, "plughw:1,0");
    speaker.say_on(Output::headset, "nb", "Navn: Kari", 80);
    CHECK(speaker.speaking());
    // aplay saw the end of the sound: espeak-ng's pipe is held by nobody else.
    CHECK(text_when(dir / "aplay.heard", "END") == "SOUND END\n");
    CHECK(text_when(dir / "espeak.args", "\n") == "-v nb -a 160 --stdout\n");
    CHECK(text_when(dir / "espeak.text", "Kari") == "Navn: Kari");
    CHECK(text_when(dir / "aplay.args", "\n") == "-q -D plughw:1,0\n");
    CHECK(speaker.speaking());  // aplay still playing
    speaker.stop();
    CHECK_FALSE(speaker.speaking());
    // Recorded prompts: one aplay for the files, in order, on the headset.
    speaker.play_on(Output::headset, {"/p/so/a.wav", "/p/so/b.wav"}, 80);
    CHECK(text_when(dir / "aplay.args", "b.wav") == "-q -D plughw:1,0\n-q -D plughw:1,0 /p/so/a.wav /p/so/b.wav\n");
    CHECK(speaker.speaking());
    speaker.stop();
    CHECK_FALSE(speaker.speaking());

    // Without a headset, what is meant for it is started nowhere.
    skranke::ui::EspeakSpeaker no_headset(espeak, aplay);
    no_headset.say_on(Output::headset, "nb", "Navn: Kari", 80);
    no_headset.play_on(Output::headset, {"/p/so/a.wav"}, 80);
    CHECK_FALSE(no_headset.speaking());
}

TEST_CASE("the headset's speech with the real espeak-ng and aplay plays to its end and finishes by itself") {
    // ALSA's "null" device stands in for the headset: the real aplay decodes and plays what
    // the real espeak-ng sends; a wrapper notes how aplay ended.
    skranke::test::TempDir dir;
    const auto aplay = write_script(dir, "aplay", "aplay \"$@\"\necho $? > " + (dir / "status").string() + "\n");
    skranke::ui::EspeakSpeaker speaker("espeak-ng", aplay, "null");
    speaker.say_on(Output::headset, "nb", "Navn: Kari", 80);
    CHECK(speaker.speaking());
    CHECK(skranke::test::wait_until([&] { return !speaker.speaking(); }, std::chrono::seconds(30)));
    CHECK(text_when(dir / "status", "\n") == "0\n");
}
