// Texts of every language in assets/translations/<code>.toml for programs without a screen
// (the hub's status page, the SMS notifier): the [text] keys with chosen prefixes, each
// language following its file's fallback as the kiosk does, then Norwegian bokmål.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "domain/result.hpp"

namespace skranke {

// One parsed file of a translations folder.
struct TranslationFile {
    std::filesystem::path path;
    toml::table table;
};
// Every *.toml file in dir, parsed, in name order; or what is wrong: the folder, or the file
// that does not parse with its error. The kiosk's screens and TextTable read the folder so.
Result<std::vector<TranslationFile>, std::string> read_translation_files(const std::filesystem::path& dir);

class TextTable {
public:
    // The keys that start with one of the prefixes ("status.", "sms."), of every *.toml file
    // in dir; a file that does not parse, or has no [language] code, is an error naming it.
    static Result<TextTable, std::string> load(const std::filesystem::path& dir,
                                               std::initializer_list<std::string_view> prefixes);
    bool has_language(std::string_view code) const { return languages_.count(code) != 0; }
    // The text of key in language, through its fallbacks, then Norwegian bokmål; the key
    // itself when nobody has it.
    const std::string& text(std::string_view language, std::string_view key) const;
    // The text of key for a count n: at each language of the way, its variant for n's plural
    // form there ("status.wait.few", domain/plural.hpp), else the key itself.
    const std::string& counted(std::string_view language, std::string_view key, std::int64_t n) const;
    // True when language itself (not a fallback) has the key.
    bool has_own(std::string_view language, std::string_view key) const;

private:
    const std::string& find(std::string_view language, std::string_view key, std::optional<std::int64_t> n) const;
    struct Language {
        std::string fallback;
        std::map<std::string, std::string, std::less<>> texts;
    };
    std::map<std::string, Language, std::less<>> languages_;
};

// The text with every {name} replaced by its value (values are not looked into again).
std::string fill_slots(std::string_view text, std::initializer_list<std::pair<std::string_view, std::string_view>> slots);

}  // namespace skranke
