#include "shell/translations.hpp"

#include <algorithm>

#include <toml++/toml.h>

#include "domain/plural.hpp"
#include "domain/text_table.hpp"

namespace skranke::ui {

bool Translations::load_dir(const std::filesystem::path& dir, std::string& error) {
    languages_.clear();
    texts_.clear();
    auto files = read_translation_files(dir);
    if (!files) {
        error = files.error();
        return false;
    }
    for (const auto& [file, table] : *files) {
        Language lang;
        lang.code = table["language"]["code"].value_or(std::string{});
        lang.native_name = table["language"]["native_name"].value_or(std::string{});
        lang.fallback = table["language"]["fallback"].value_or(std::string{});
        lang.voice = table["language"]["voice"].value_or(std::string{});
        lang.keyboard = table["language"]["keyboard"].value_or(std::string{"latin"});
        lang.order = table["language"]["order"].value_or(100);
        if (lang.code.empty() || lang.native_name.empty()) {
            error = file.string() + ": [language] needs code and native_name";
            return false;
        }
        const std::string direction = table["language"]["direction"].value_or(std::string{"ltr"});
        if (direction != "ltr" && direction != "rtl") {
            error = file.string() + ": [language] direction must be \"ltr\" or \"rtl\", not \"" + direction + "\"";
            return false;
        }
        lang.rtl = direction == "rtl";
        auto& texts = texts_[lang.code];
        if (const auto* text = table["text"].as_table()) {
            for (const auto& [key, value] : *text) {
                auto v = value.value<std::string>();
                if (!v) {
                    error = file.string() + ": text." + std::string(key.str()) + " is not a string";
                    return false;
                }
                texts[std::string(key.str())] = *v;
            }
        }
        languages_.push_back(std::move(lang));
    }
    if (languages_.empty()) {
        error = "no translation files (*.toml) in " + dir.string();
        return false;
    }
    std::stable_sort(languages_.begin(), languages_.end(),
                     [](const Language& a, const Language& b) { return a.order < b.order; });
    return true;
}

const Language* Translations::language(std::string_view code) const {
    for (const auto& l : languages_)
        if (l.code == code) return &l;
    return nullptr;
}

const std::string& Translations::text(std::string_view code, std::string_view key) const {
    return counted_or_plain(code, key, std::nullopt);
}

const std::string& Translations::counted(std::string_view code, std::string_view key, std::int64_t n) const {
    return counted_or_plain(code, key, n);
}

const std::string& Translations::counted_or_plain(std::string_view code, std::string_view key,
                                                  std::optional<std::int64_t> n) const {
    std::string_view current = code;
    for (int depth = 0; depth < 8 && !current.empty(); ++depth) {  // bounded: fallbacks may loop
        const std::string variant = n ? counted_key(key, current, *n) : std::string();
        for (const std::string_view wanted : {std::string_view(variant), key}) {
            if (wanted.empty()) continue;
            for (const auto* source : {&office_texts_, &texts_})
                if (auto lang = source->find(current); lang != source->end())
                    if (auto found = lang->second.find(wanted); found != lang->second.end()) return found->second;
        }
        const Language* l = language(current);
        current = l ? std::string_view(l->fallback) : std::string_view{};
    }
    static thread_local std::string missing;
    missing = std::string(key);
    return missing;
}

std::vector<std::string> Translations::keys_of(std::string_view code) const {
    std::vector<std::string> keys;
    if (auto lang = texts_.find(code); lang != texts_.end())
        for (const auto& [key, value] : lang->second) keys.push_back(key);
    return keys;
}

void Translations::set_office_texts(std::map<std::string, std::map<std::string, std::string>> texts) {
    office_texts_.clear();
    for (auto& [code, entries] : texts) office_texts_[code].insert(entries.begin(), entries.end());
}

void Translations::add_texts_of(std::string_view code, bool titles, std::vector<std::string>& out) const {
    for (const auto* source : {&texts_, &office_texts_})
        if (auto lang = source->find(code); lang != source->end())
            for (const auto& [key, value] : lang->second)
                if (!titles || key.find("title") != std::string::npos) out.push_back(value);
}

std::vector<std::string> Translations::all_texts() const {
    std::vector<std::string> all;
    for (const auto& l : languages_) all.push_back(l.native_name);
    for (const auto& [code, texts] : texts_) add_texts_of(code, false, all);
    for (const auto& [code, texts] : office_texts_)
        if (!texts_.count(code)) add_texts_of(code, false, all);
    return all;
}

std::vector<std::string> Translations::screen_texts(std::string_view code, bool titles) const {
    std::vector<std::string> out;
    std::string_view current = code;
    for (int depth = 0; depth < 8 && !current.empty(); ++depth) {  // bounded: fallbacks may loop
        add_texts_of(current, titles, out);
        const Language* l = language(current);
        current = l ? std::string_view(l->fallback) : std::string_view{};
    }
    if (!titles)
        for (const auto& l : languages_) {
            out.push_back(l.native_name);
            out.push_back(text(l.code, "language.menu_title"));
        }
    return out;
}

std::string fill(std::string_view pattern, const std::vector<std::pair<std::string, std::string>>& values) {
    std::string out(pattern);
    for (const auto& [name, value] : values) {
        const std::string placeholder = "{" + name + "}";
        for (std::size_t at = out.find(placeholder); at != std::string::npos;
             at = out.find(placeholder, at + value.size()))
            out.replace(at, placeholder.size(), value);
    }
    return out;
}

}  // namespace skranke::ui
