// The visitor's font atlas holds one language at a time. Eleven languages in four scripts, each
// at five sizes, would make every kiosk's atlas (and its memory) as large as all of them
// together; a visitor reads one. So the atlas holds what the screens can draw now: the
// language's texts, its keyboard, every language's name for the language menu, and the
// letters of text typed before a change of language. The window's loop builds it again,
// between two frames, when that changes.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "shell/fonts.hpp"
#include "shell/translations.hpp"
#include "shell/units.hpp"
#include "visitor/visitor_state.hpp"

struct ImFontAtlas;

namespace skranke::visitor {

struct VisitorGlyphs {
    std::string language;
    // Keyboards whose letters are in the atlas: the language's own first, then those of
    // letters the visitor typed on another language's keyboard.
    std::vector<std::string> layouts;
    bool operator==(const VisitorGlyphs&) const = default;
    std::string key() const;  // "ar arabic latin": one string per atlas
};

// What the atlas must hold for a screen in language with nothing typed.
VisitorGlyphs language_glyphs(const ui::Translations& translations, std::string_view language);
// What the atlas must hold for the screen of state (called before every frame).
VisitorGlyphs visitor_glyphs(const ui::Translations& translations, const VisitorState& state);

// Builds the atlas for glyphs (ui::build_fonts: the texts in every font, the keyboards' letters
// in the body fonts, the titles' in the title fonts). number_characters: those of the ticket
// number (the digits and the kiosk's letter).
bool build_visitor_fonts(ImFontAtlas& atlas, const ui::PhysicalScale& scale, const ui::Translations& translations,
                         const VisitorGlyphs& glyphs, const std::vector<std::filesystem::path>& dirs,
                         const std::string& number_characters, ui::FontSet& fonts, std::string& error);

}  // namespace skranke::visitor
