#include "domain/text_table.hpp"

#include <algorithm>
#include <vector>

#include <toml++/toml.h>

#include "domain/plural.hpp"

namespace skranke {

Result<std::vector<TranslationFile>, std::string> read_translation_files(const std::filesystem::path& dir) {
    std::error_code ec;
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.path().extension() == ".toml") paths.push_back(entry.path());
    if (ec) return "cannot read the translations folder " + dir.string() + ": " + ec.message();
    std::sort(paths.begin(), paths.end());
    std::vector<TranslationFile> files;
    for (const auto& path : paths) {
        try {
            files.push_back({path, toml::parse_file(path.string())});
        } catch (const toml::parse_error& e) {
            return path.string() + ": " + std::string(e.description());
        }
    }
    return files;
}

Result<TextTable, std::string> TextTable::load(const std::filesystem::path& dir,
                                               std::initializer_list<std::string_view> prefixes) {
    auto files = read_translation_files(dir);
    if (!files) return files.error();
    TextTable loaded;
    for (const auto& [file, table] : *files) {
        const std::string code = table["language"]["code"].value_or(std::string{});
        if (code.empty()) return file.string() + ": [language] needs a code";
        Language& language = loaded.languages_[code];
        language.fallback = table["language"]["fallback"].value_or(std::string{});
        const auto wanted = [&](std::string_view key) {
            return std::any_of(prefixes.begin(), prefixes.end(),
                               [&](std::string_view prefix) { return key.substr(0, prefix.size()) == prefix; });
        };
        if (const auto* texts = table["text"].as_table())
            for (const auto& [key, value] : *texts)
                if (wanted(key.str()))
                    if (auto text = value.value<std::string>()) language.texts[std::string(key.str())] = *text;
    }
    if (loaded.languages_.empty()) return "no translation files (*.toml) in " + dir.string();
    return loaded;
}

const std::string& TextTable::text(std::string_view language, std::string_view key) const {
    return find(language, key, std::nullopt);
}

const std::string& TextTable::counted(std::string_view language, std::string_view key, std::int64_t n) const {
    return find(language, key, n);
}

const std::string& TextTable::find(std::string_view language, std::string_view key, std::optional<std::int64_t> n) const {
    std::string_view current = language;
    for (int depth = 0; depth < 8 && !current.empty(); ++depth) {  // bounded: fallbacks may loop
        const auto found = languages_.find(current);
        if (found == languages_.end()) break;
        const auto& texts = found->second.texts;
        if (n)
            if (const auto text = texts.find(counted_key(key, current, *n)); text != texts.end()) return text->second;
        if (const auto text = texts.find(key); text != texts.end()) return text->second;
        current = found->second.fallback;
    }
    if (language != "nb") return find("nb", key, n);  // the last resort, as on the kiosk
    thread_local std::string missing;
    missing = std::string(key);
    return missing;
}

bool TextTable::has_own(std::string_view language, std::string_view key) const {
    const auto found = languages_.find(language);
    return found != languages_.end() && found->second.texts.count(key) != 0;
}

std::string fill_slots(std::string_view text, std::initializer_list<std::pair<std::string_view, std::string_view>> slots) {
    std::string out;
    out.reserve(text.size() + 32);
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t open = text.find('{', at);
        if (open == std::string_view::npos) break;
        const std::size_t close = text.find('}', open);
        if (close == std::string_view::npos) break;
        const std::string_view name = text.substr(open + 1, close - open - 1);
        const auto slot = std::find_if(slots.begin(), slots.end(), [&](const auto& s) { return s.first == name; });
        out.append(text.substr(at, open - at));
        if (slot != slots.end()) out.append(slot->second);
        else out.append(text.substr(open, close - open + 1));
        at = close + 1;
    }
    out.append(text.substr(std::min(at, text.size())));
    return out;
}

}  // namespace skranke
