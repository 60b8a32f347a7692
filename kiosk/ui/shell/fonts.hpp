// Fonts from Debian packages, one atlas for every size the screens use (ImGui 1.86 has no
// dynamic sizes). Sizes are given as cap heights in mm and converted with the DPI once.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "shell/units.hpp"

struct ImFont;
struct ImFontAtlas;

namespace skranke::ui {

struct FontFile {
    std::string file;     // "DejaVuSans.ttf"
    std::string package;  // the Debian package that ships it
};

// Where the fonts are looked for, in order (the kiosk config may add a folder first).
std::vector<std::filesystem::path> default_font_dirs();

// The path of a font, or nothing when no folder has it.
std::optional<std::filesystem::path> find_font(const FontFile& font, const std::vector<std::filesystem::path>& dirs);

// The start-up error for a missing font: names the file and the package to install.
std::string missing_font_message(const FontFile& font, const std::vector<std::filesystem::path>& dirs);

const FontFile& regular_font();
const FontFile& bold_font();
// A script DejaVu lacks or draws poorly, from a font of its own merged into each text font
// for that script's code points only: Arabic (Arabic, Dari) and Ethiopic (Tigrinya).
struct ScriptFont {
    std::string name;  // "Arabic"
    FontFile regular, bold;
    float size_per_em;  // ImGui's size per em: the font's (ascent + descent) / units per em
    float em_scale;     // drawn this much larger than DejaVu's em, so both read at one size
    std::vector<std::pair<unsigned int, unsigned int>> ranges;  // the code points it draws
};
const std::vector<ScriptFont>& script_fonts();
// The index in script_fonts() of the font that draws a code point; -1: DejaVu.
int script_font_of(unsigned int code_point);

// Cap heights (mm). Body is above the 7.3 mm minimum with room for rounding.
inline constexpr float body_cap_mm = 7.6f;
inline constexpr float body_large_cap_mm = 10.0f;
inline constexpr float title_cap_mm = 9.5f;
inline constexpr float title_large_cap_mm = 12.5f;
inline constexpr float number_cap_mm = 36.0f;

struct FontSet {
    ImFont* body[2] = {nullptr, nullptr};  // [0] normal, [1] larger text mode
    ImFont* title[2] = {nullptr, nullptr};
    ImFont* number = nullptr;  // the ticket number: letters and digits only
};

// Glyphs the fonts must hold: ASCII, "…", U+FFFD and every character in texts (translations,
// keyboard layouts), so each language gets exactly the ranges it uses; for Arabic letters,
// every joined form they can take (shell/bidi.hpp), typed ones included.
std::vector<unsigned int> glyphs_for(const std::vector<std::string>& texts);
// Whether texts need a glyph that have (sorted, as glyphs_for makes it) lacks: the fonts
// must be built again for them (the office's wording from the hub).
bool glyphs_lack(const std::vector<unsigned int>& have, const std::vector<std::string>& texts);

// ImGui glyph ranges (zero-terminated pairs) for texts, and for the number font's capitals,
// digits, space and hyphen. ImGui reads them only while building the atlas.
struct GlyphRanges {
    std::vector<unsigned short> text;                  // from DejaVu
    std::vector<std::vector<unsigned short>> scripts;  // per script_fonts(), merged in (empty: none)
    std::vector<unsigned short> number;
};
GlyphRanges glyph_ranges_for(const std::vector<std::string>& texts,
                             const std::string& number_characters = " -0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

// The font files the text fonts are made of, read once: a script's only when ranges need it.
// The atlas borrows their bytes: keep this until the atlas is built.
struct TextFontFiles {
    struct File {
        std::filesystem::path path;
        std::vector<char> bytes;
    };
    File regular, bold;
    std::vector<std::optional<File>> script_regular, script_bold;  // per script_fonts()
};
// Finds and reads them; on failure error names the missing file and its Debian package.
bool find_text_fonts(const std::vector<std::filesystem::path>& dirs, const GlyphRanges& ranges, TextFontFiles& files,
                     std::string& error);
// Whether every font file texts need is there (none is read): a kiosk that builds its atlas
// for one language at a time checks at start-up for all of them. Else error names the missing
// file and its Debian package.
bool text_fonts_present(const std::vector<std::filesystem::path>& dirs, const std::vector<std::string>& texts,
                        std::string& error);
// Adds one text font of size_px (ImGui's size: DejaVu's ascent + descent) to atlas, each
// script's letters merged in at the same em times its em_scale. ranges must outlive
// atlas.Build().
ImFont* add_text_font(ImFontAtlas& atlas, const TextFontFiles& files, bool bold, float size_px,
                      const GlyphRanges& ranges, int oversample_h = 1);

// Cap heights (mm) of a FontSet's five fonts: the screen's by default; a printed ticket has
// its own (printer/ticket_raster.hpp).
struct FontSizes {
    float body_mm = body_cap_mm;
    float body_large_mm = body_large_cap_mm;
    float title_mm = title_cap_mm;
    float title_large_mm = title_large_cap_mm;
    float number_mm = number_cap_mm;
};

// Builds the atlas. On failure returns false with error for the person starting the kiosk.
// number_characters: what the huge ticket-number font must draw (each glyph there is
// big, so the kiosk passes only the digits and its own letter). typed: what visitors can
// type (keyboard_characters()), drawn in fields and summaries in the body fonts only.
// titles: when given, all the title fonts draw (Translations::screen_texts(code, true); ASCII
// is always there, for phone numbers), so they do not hold every form of every script's
// letters at the largest sizes; otherwise they hold what the body fonts hold.
bool build_fonts(ImFontAtlas& atlas, const PhysicalScale& scale, const std::vector<std::string>& texts,
                 const std::vector<std::filesystem::path>& dirs, FontSet& fonts, std::string& error,
                 const std::string& number_characters = " -0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                 const FontSizes& sizes = {}, const std::vector<std::string>& typed = {},
                 const std::optional<std::vector<std::string>>& titles = std::nullopt);

// Cap height of a built font in pixels (the height of 'H' as rasterised).
float cap_height_px(const ImFont* font);

}  // namespace skranke::ui
