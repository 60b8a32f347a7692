#include "visitor/read_aloud.hpp"

#include <algorithm>
#include <map>
#include <system_error>

namespace skranke::visitor {

namespace {

// A key or language code as a file name: nothing that could leave the folder.
bool safe_name(std::string_view name) {
    return !name.empty() && name.front() != '.' && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
    });
}

// Each text the language shows (its own or its fallbacks', the office's wording first) to
// its keys: one text may have several ("Yes" for more than one question).
std::multimap<std::string, std::string> keys_by_text(const ui::Translations& tr, const std::string& language) {
    std::multimap<std::string, std::string> keys;
    std::string_view code = language;
    for (int depth = 0; depth < 8 && !code.empty(); ++depth) {  // bounded: fallbacks may loop
        for (const std::string& key : tr.keys_of(code)) keys.emplace(tr.text(language, key), key);
        const ui::Language* lang = tr.language(code);
        code = lang ? std::string_view(lang->fallback) : std::string_view{};
    }
    return keys;
}

std::string without_end_colon(std::string text) {
    while (!text.empty() && (text.back() == ':' || text.back() == ' ')) text.pop_back();
    return text;
}

}  // namespace

bool has_prompts(const std::filesystem::path& folder, std::string_view language) {
    if (folder.empty() || !safe_name(language)) return false;
    std::error_code error;
    for (std::filesystem::directory_iterator it(folder / language, error), end; !error && it != end;
         it.increment(error))
        if (it->path().extension() == ".wav" && it->is_regular_file(error)) return true;
    return false;
}

std::vector<std::string> prompt_files(const std::vector<ui::SpokenText>& spoken, const ui::Translations& tr,
                                      const ReadAloud& how) {
    std::vector<std::string> files;
    if (!has_prompts(how.prompts_folder, how.language)) return files;
    const auto keys = keys_by_text(tr, how.language);
    const auto file_for = [&](const std::string& text) -> std::string {
        const auto [first, last] = keys.equal_range(text);
        for (auto key = first; key != last; ++key) {
            if (!safe_name(key->second)) continue;
            const auto file = how.prompts_folder / how.language / (key->second + ".wav");
            std::error_code error;
            if (std::filesystem::is_regular_file(file, error)) return file.string();
        }
        return {};
    };
    for (const ui::SpokenText& s : spoken) {
        if (s.in_room.empty()) continue;
        std::string file = file_for(s.in_room);
        if (file.empty()) file = file_for(without_end_colon(s.in_room));  // a field's label: "Name:"
        if (!file.empty()) files.push_back(file);
    }
    return files;
}

bool read_screen(ui::Speaker& speaker, const std::vector<ui::SpokenText>& spoken, const ui::Translations& tr,
                 const ReadAloud& how) {
    speaker.stop();
    if (how.voice.empty()) {
        const auto files = prompt_files(spoken, tr, how);
        if (files.empty()) return false;
        speaker.play_on(ui::Output::room, files, how.volume_percent);
        if (how.headset) speaker.play_on(ui::Output::headset, files, how.volume_percent);
        return true;
    }
    std::string room, all;
    for (const ui::SpokenText& s : spoken) {
        if (!s.in_room.empty()) room += s.in_room + ".\n";
        all += s.text + ".\n";
    }
    speaker.say_on(ui::Output::room, how.voice, room, how.volume_percent);
    if (how.headset) speaker.say_on(ui::Output::headset, how.voice, all, how.volume_percent);
    return true;
}

}  // namespace skranke::visitor
