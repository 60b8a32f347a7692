// Read-aloud. The kiosk speaks with espeak-ng as a child process, so a new request or a
// tap on "stop" interrupts the current one at once. Two outputs: the room's speaker (the
// default sound card) and, for private listening, a headset (an ALSA device, through
// espeak-ng --stdout | aplay -D). Tests use RecordingSpeaker.
#pragma once

#include <string>
#include <vector>

#include "shell/rect.hpp"

namespace skranke::ui {

// A piece of the screen for read-aloud: all of it for a headset, and what the room's
// speaker may hear, without the visitor's answers (their label, or nothing).
// where: the part of the screen it is drawn on, for the screen reader's exploring by touch
// (empty: not drawn as such, or scrolled out of view).
// title: drawn in a title font (whose atlas holds only the titles' characters).
struct SpokenText {
    std::string text;
    std::string in_room;
    Rect where{};
    bool title = false;
};

// Where sound goes: the room's speaker, or the visitor's headset.
enum class Output { room, headset };

class Speaker {
public:
    virtual ~Speaker() = default;
    // Says text with voice at volume (0-100 %) in the room, stopping what the room heard.
    void say(const std::string& voice, const std::string& text, int volume_percent) {
        say_on(Output::room, voice, text, volume_percent);
    }
    // Says text on one output, stopping only what that output was saying: the room and the
    // headset can read the same screen at once, each its own version of it.
    virtual void say_on(Output output, const std::string& voice, const std::string& text, int volume_percent) = 0;
    // Plays WAV files one after another on one output (recorded prompts), as say_on.
    virtual void play_on(Output output, const std::vector<std::string>& wav_files, int volume_percent) = 0;
    virtual void stop() = 0;  // both outputs
    virtual bool speaking() = 0;
    // Plays a WAV file in the room (the waiting-room chime); speaking() is true while it plays.
    virtual void play_sound(const std::string& wav_file, int volume_percent) = 0;
};

class EspeakSpeaker : public Speaker {
public:
    // headset_device: the headset's ALSA device ("plughw:1,0"); empty: none, and nothing
    // meant for the headset is ever played.
    explicit EspeakSpeaker(std::string program = "espeak-ng", std::string sound_program = "aplay",
                           std::string headset_device = {})
        : program_(std::move(program)), sound_program_(std::move(sound_program)),
          headset_device_(std::move(headset_device)) {}
    ~EspeakSpeaker() override;
    EspeakSpeaker(const EspeakSpeaker&) = delete;
    EspeakSpeaker& operator=(const EspeakSpeaker&) = delete;
    void say_on(Output output, const std::string& voice, const std::string& text, int volume_percent) override;
    void play_on(Output output, const std::vector<std::string>& wav_files, int volume_percent) override;
    void stop() override;
    bool speaking() override;
    void play_sound(const std::string& wav_file, int volume_percent) override;
    // Writes what say() would speak to a WAV file instead (blocking); false when espeak-ng failed.
    bool write_wav(const std::string& voice, const std::string& text, const std::string& wav_file);

private:
    // Starts program with args; its stdin is text (stdin_fd < 0) or stdin_fd, its stdout
    // stdout_fd (-1: /dev/null). The caller keeps and closes the fds it passed. Its pid, or -1.
    int spawn(std::vector<std::string> args, const std::string& text, int stdin_fd = -1, int stdout_fd = -1);
    void stop(Output output);
    std::vector<int>& children(Output output) { return output == Output::room ? room_ : headset_; }
    std::string program_;
    std::string sound_program_;
    std::string headset_device_;
    std::vector<int> room_;     // pids of what the room hears now
    std::vector<int> headset_;  // pids of what the headset hears now (espeak-ng and aplay)
};

// Remembers what would have been said, and where.
class RecordingSpeaker : public Speaker {
public:
    struct Utterance {
        std::string voice;
        std::string text;
        int volume = 0;
        Output output = Output::room;
    };
    void say_on(Output output, const std::string& voice, const std::string& text, int volume_percent) override {
        said.push_back({voice, text, volume_percent, output});
        active = true;
    }
    void play_on(Output output, const std::vector<std::string>& wav_files, int volume_percent) override {
        for (const auto& file : wav_files) said.push_back({"prompt", file, volume_percent, output});
        active = true;
    }
    void stop() override {
        active = false;
        ++stops;
    }
    bool speaking() override { return active; }
    void play_sound(const std::string& wav_file, int volume_percent) override {
        said.push_back({"sound", wav_file, volume_percent, Output::room});
        active = true;
    }
    // Sounds appear with voice "sound", recorded prompts with "prompt", the file as text.
    std::vector<Utterance> said;
    int stops = 0;
    bool active = false;
};

}  // namespace skranke::ui
