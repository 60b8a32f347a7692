// The waiting room's announcements: for each call a chime, then "Nummer B 17, skranke 2" in
// Norwegian, then optionally the same in other configured languages. Calls that arrive
// together wait their turn: a step starts only when the speaker has finished the previous
// one, so nothing is ever cut off or spoken over.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "domain/day_log.hpp"
#include "shell/speech.hpp"
#include "shell/translations.hpp"

namespace skranke::display {

struct AnnouncementSettings {
    std::vector<std::string> languages = {"nb"};  // first Norwegian, then e.g. "en"
    std::string chime_file;                       // WAV; empty: no chime
    int volume_percent = 80;
};

// "Nummer B 17, skranke 2" in the language, from the staff translations ("announce.call").
std::string announcement_text(const ui::Translations& staff_texts, const std::string& language,
                              const CallRecord& call);

class Announcer {
public:
    Announcer(ui::Speaker& speaker, const ui::Translations& staff_texts, AnnouncementSettings settings);

    // Queues the chime and the announcement in every configured language that has a voice.
    void announce(const CallRecord& call);
    // Starts the next step when the speaker is quiet; true when it started one.
    bool tick();
    // Steps not yet started (the one playing is not counted).
    std::size_t pending() const { return steps_.size(); }
    bool busy() { return !steps_.empty() || speaker_.speaking(); }

private:
    struct Step {
        bool chime = false;
        std::string voice;
        std::string text;
    };
    ui::Speaker& speaker_;
    const ui::Translations& texts_;
    AnnouncementSettings settings_;
    std::deque<Step> steps_;
};

}  // namespace skranke::display
