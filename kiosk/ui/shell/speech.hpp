// Read-aloud. The kiosk speaks with espeak-ng as a child process, so a new request or a
// tap on "stop" interrupts the current one at once. Tests use RecordingSpeaker.
#pragma once

#include <string>
#include <vector>

namespace skranke::ui {

class Speaker {
public:
    virtual ~Speaker() = default;
    // Stops anything being said, then says text with voice at volume (0-100 %).
    virtual void say(const std::string& voice, const std::string& text, int volume_percent) = 0;
    virtual void stop() = 0;
    virtual bool speaking() = 0;
    // Plays a WAV file (the waiting-room chime); speaking() is true while it plays.
    virtual void play_sound(const std::string& wav_file, int volume_percent) = 0;
};

class EspeakSpeaker : public Speaker {
public:
    explicit EspeakSpeaker(std::string program = "espeak-ng", std::string sound_program = "aplay")
        : program_(std::move(program)), sound_program_(std::move(sound_program)) {}
    ~EspeakSpeaker() override;
    void say(const std::string& voice, const std::string& text, int volume_percent) override;
    void stop() override;
    bool speaking() override;
    void play_sound(const std::string& wav_file, int volume_percent) override;
    // Writes what say() would speak to a WAV file instead (blocking); false when espeak-ng failed.
    bool write_wav(const std::string& voice, const std::string& text, const std::string& wav_file);

private:
    // Starts program with args, text on its stdin; its pid, or -1.
    int spawn(std::vector<std::string> args, const std::string& text);
    std::string program_;
    std::string sound_program_;
    int child_ = -1;  // pid of the espeak-ng we started, -1 when none
};

// Remembers what would have been said.
class RecordingSpeaker : public Speaker {
public:
    struct Utterance {
        std::string voice;
        std::string text;
        int volume = 0;
    };
    void say(const std::string& voice, const std::string& text, int volume_percent) override {
        said.push_back({voice, text, volume_percent});
        active = true;
    }
    void stop() override {
        active = false;
        ++stops;
    }
    bool speaking() override { return active; }
    void play_sound(const std::string& wav_file, int volume_percent) override {
        said.push_back({"sound", wav_file, volume_percent});
        active = true;
    }
    std::vector<Utterance> said;  // sounds appear with voice "sound" and the file as text
    int stops = 0;
    bool active = false;
};

}  // namespace skranke::ui
