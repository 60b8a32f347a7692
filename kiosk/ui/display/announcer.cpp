#include "display/announcer.hpp"

namespace skranke::display {

std::string announcement_text(const ui::Translations& staff_texts, const std::string& language,
                              const CallRecord& call) {
    return ui::fill(staff_texts.text(language, "announce.call"), {{"number", call.spoken}, {"counter", call.counter}});
}

Announcer::Announcer(ui::Speaker& speaker, const ui::Translations& staff_texts, AnnouncementSettings settings)
    : speaker_(speaker), texts_(staff_texts), settings_(std::move(settings)) {}

void Announcer::announce(const CallRecord& call) {
    if (!settings_.chime_file.empty()) steps_.push_back({true, {}, settings_.chime_file});
    for (const std::string& code : settings_.languages) {
        const ui::Language* language = texts_.language(code);
        if (!language || language->voice.empty()) continue;  // no voice: say nothing rather than mispronounce
        steps_.push_back({false, language->voice, announcement_text(texts_, code, call)});
    }
}

bool Announcer::tick() {
    if (steps_.empty() || speaker_.speaking()) return false;
    const Step step = std::move(steps_.front());
    steps_.pop_front();
    if (step.chime) speaker_.play_sound(step.text, settings_.volume_percent);
    else speaker_.say(step.voice, step.text, settings_.volume_percent);
    return true;
}

}  // namespace skranke::display
