// Read-aloud of a screen. The room's speaker hears the screen without the visitor's answers
// (SpokenText::in_room); a headset, when the kiosk has one, hears all of it at the same time.
// For a language espeak-ng has no voice for, the office's recorded prompts are played instead.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "shell/speech.hpp"
#include "shell/translations.hpp"

namespace skranke::visitor {

struct ReadAloud {
    std::string language;
    std::string voice;  // espeak-ng's; empty: none for this language
    bool headset = false;
    std::filesystem::path prompts_folder;  // <folder>/<language>/<text key>.wav; empty: none
    int volume_percent = 80;
};

// The office recorded prompts for this language (its folder holds a .wav).
bool has_prompts(const std::filesystem::path& folder, std::string_view language);
// The recorded prompts for the screen's texts, in reading order, texts without a file left
// out. Found by the text key of what the room may hear: never by a visitor's answer.
std::vector<std::string> prompt_files(const std::vector<ui::SpokenText>& spoken, const ui::Translations& tr,
                                      const ReadAloud& how);
// Starts reading the screen; false when it cannot be read (no voice, and no prompt for it).
bool read_screen(ui::Speaker& speaker, const std::vector<ui::SpokenText>& spoken, const ui::Translations& tr,
                 const ReadAloud& how);

}  // namespace skranke::visitor
