#include "visitor/visitor_fonts.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "shell/keyboard.hpp"

namespace skranke::visitor {

std::string VisitorGlyphs::key() const {
    std::string key = language;
    for (const auto& layout : layouts) key += " " + layout;
    return key;
}

namespace {

// The characters each keyboard types, by layout name: made once, as the layouts are fixed.
const std::map<std::string, std::set<std::string, std::less<>>, std::less<>>& layout_characters() {
    static const auto table = [] {
        std::map<std::string, std::set<std::string, std::less<>>, std::less<>> out;
        for (const auto& name : ui::keyboard_layout_names())
            for (const auto& text : ui::keyboard_characters(ui::keyboard_layout(name)))
                for (auto& ch : ui::utf8_characters(text)) out[name].insert(std::move(ch));
        return out;
    }();
    return table;
}

}  // namespace

VisitorGlyphs language_glyphs(const ui::Translations& translations, std::string_view language) {
    const ui::Language* found = translations.language(language);
    return VisitorGlyphs{std::string(language), {ui::keyboard_layout(found ? found->keyboard : "latin").name}};
}

VisitorGlyphs visitor_glyphs(const ui::Translations& translations, const VisitorState& state) {
    VisitorGlyphs glyphs = language_glyphs(translations, state.language);
    const VisitorForm& f = state.form;
    const std::string typed = f.description + f.name + f.phone + f.reference;
    if (typed.empty()) return glyphs;  // most frames: nothing to look at
    // Typed on another language's keyboard and still shown (in its field, on the summary):
    // that keyboard's letters come too. Only the on-screen keyboards type.
    const auto& characters = layout_characters();
    const auto& own = characters.at(glyphs.layouts.front());
    for (const auto& ch : ui::utf8_characters(typed)) {
        if (own.count(ch)) continue;
        for (const auto& [name, letters] : characters) {
            if (!letters.count(ch)) continue;
            if (std::find(glyphs.layouts.begin(), glyphs.layouts.end(), name) == glyphs.layouts.end())
                glyphs.layouts.push_back(name);
            break;
        }
    }
    std::sort(glyphs.layouts.begin() + 1, glyphs.layouts.end());  // one key whatever the order typed
    return glyphs;
}

bool build_visitor_fonts(ImFontAtlas& atlas, const ui::PhysicalScale& scale, const ui::Translations& translations,
                         const VisitorGlyphs& glyphs, const std::vector<std::filesystem::path>& dirs,
                         const std::string& number_characters, ui::FontSet& fonts, std::string& error) {
    std::vector<std::string> typed;
    for (const auto& name : glyphs.layouts) {
        auto letters = ui::keyboard_characters(ui::keyboard_layout(name));
        typed.insert(typed.end(), letters.begin(), letters.end());
    }
    return ui::build_fonts(atlas, scale, translations.screen_texts(glyphs.language), dirs, fonts, error,
                           number_characters, {}, typed, translations.screen_texts(glyphs.language, true));
}

}  // namespace skranke::visitor
