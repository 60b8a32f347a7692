// Every visible string, by key, one TOML file per language in assets/translations/.
// A file names its language in its own script, a fallback language for keys it lacks,
// the espeak-ng voice (empty when there is none) and the keyboard layout.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skranke::ui {

struct Language {
    std::string code;         // "nb"
    std::string native_name;  // "Norsk bokmål"
    std::string fallback;     // "nb" for nynorsk; empty for the last resort
    std::string voice;        // espeak-ng voice; empty: read-aloud is unavailable
    std::string keyboard;     // on-screen keyboard layout name: "norwegian", "ukrainian", ...
    int order = 0;            // position on the start screen
    bool rtl = false;         // written right to left ([language] direction = "rtl"): mirrored pages
};

class Translations {
public:
    // Loads every *.toml in dir. On failure, error says which file and why.
    bool load_dir(const std::filesystem::path& dir, std::string& error);

    const std::vector<Language>& languages() const { return languages_; }
    const Language* language(std::string_view code) const;
    bool has_language(std::string_view code) const { return language(code) != nullptr; }

    // The text for key in language, following fallbacks; the key itself when nobody has it
    // (visible in testing, never a crash). At each language of the way the office's own
    // wording of the key comes before the file's.
    const std::string& text(std::string_view code, std::string_view key) const;
    // The text of key for a count n: at each language of the way, its variant for n's plural
    // form in that language ("ticket.wait.few", domain/plural.hpp), else the key itself.
    const std::string& counted(std::string_view code, std::string_view key, std::int64_t n) const;
    // The office's wording (language -> key -> text, domain/office_settings.hpp), replacing
    // any given before. Texts of languages no file has are kept but never shown.
    void set_office_texts(std::map<std::string, std::map<std::string, std::string>> texts);
    // Keys one language file defines itself (no fallback), for the key test.
    std::vector<std::string> keys_of(std::string_view code) const;
    // Every string of every language (the office's too), so fonts can add the glyphs they use.
    std::vector<std::string> all_texts() const;
    // What the screens can draw in one language: its texts and the office's, those of the
    // languages it falls back to, and every language's name and "Choose language" (the
    // language menu). titles: only those the screens draw as titles, the texts of keys with
    // "title" in them (the title fonts hold only their characters).
    std::vector<std::string> screen_texts(std::string_view code, bool titles = false) const;

private:
    // One language's texts, its file's and the office's (titles: only those of title keys).
    void add_texts_of(std::string_view code, bool titles, std::vector<std::string>& out) const;
    const std::string& counted_or_plain(std::string_view code, std::string_view key, std::optional<std::int64_t> n) const;
    std::vector<Language> languages_;
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> texts_;
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> office_texts_;
};

// Marks a string literal as a translation key where it is not passed to t() directly
// (tables, stored message keys), so the translation-key test finds every key in the code.
constexpr const char* text_key(const char* key) {
    return key;
}

// "{phone}" style placeholders: replace every {name} with its value.
std::string fill(std::string_view pattern, const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace skranke::ui
