#include "shell/fonts.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>

#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharToUtf8

#include "shell/bidi.hpp"

namespace skranke::ui {

namespace {

// DejaVu Sans: cap height 1493 of ascent+descent 2384 font units; ImGui sizes a font by
// ascent+descent, so size = cap / this ratio.
constexpr float dejavu_cap_ratio = 1493.0f / 2384.0f;
// ImGui's size for a font is its ascent + descent in pixels: per em, DejaVu Sans 2384/2048
// (hhea of the font in Debian 12's package).
constexpr float dejavu_size_per_em = 2384.0f / 2048.0f;

// Decodes UTF-8 leniently: a bad byte becomes U+FFFD instead of stopping.
void add_code_points(const std::string& text, std::set<unsigned int>& out) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        unsigned int cp = 0xFFFD;
        std::size_t len = 1;
        if (c < 0x80) {
            cp = c;
        } else if ((c >> 5) == 0x6 && i + 1 < text.size()) {
            cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
            len = 2;
        } else if ((c >> 4) == 0xE && i + 2 < text.size()) {
            cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                 (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
            len = 3;
        } else if ((c >> 3) == 0x1E) {
            len = 4;  // outside the Basic Multilingual Plane: ImGui 1.86 uses 16-bit glyphs
            cp = 0xFFFD;
        }
        if (cp >= 0x20 && cp <= 0xFFFF) out.insert(cp);
        i += len;
    }
}

// The cap height in pixels for cap_mm. A text size at or above the body minimum reaches
// the minimum in whole inked pixels: the capitals' top row is only partly inked (the
// baseline is on a pixel edge), so a cap of 17.9 px at 60 dpi showed 17 px, 7.2 mm.
float cap_px_for(const PhysicalScale& scale, float cap_mm) {
    const float px = scale.px(cap_mm);
    if (cap_mm < min_body_cap_mm) return px;  // the paper ticket's small print, not the screen's
    return std::max(px, std::ceil(scale.px(min_body_cap_mm)));
}

ImFont* add_font(ImFontAtlas& atlas, const TextFontFiles& files, bool bold, float cap_px, const GlyphRanges& ranges) {
    return add_text_font(atlas, files, bold, cap_px / dejavu_cap_ratio, ranges);
}

bool has_ranges(const std::vector<unsigned short>& ranges) { return ranges.size() > 1; }

}  // namespace

std::vector<std::filesystem::path> default_font_dirs() {
    return {"/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/noto"};
}

const FontFile& regular_font() {
    static const FontFile f{"DejaVuSans.ttf", "fonts-dejavu-core"};
    return f;
}

const FontFile& bold_font() {
    static const FontFile f{"DejaVuSans-Bold.ttf", "fonts-dejavu-core"};
    return f;
}

const std::vector<ScriptFont>& script_fonts() {
    // Sizes per em from each font's hhea (Debian 12's fonts-noto-core). Arabic at DejaVu's em
    // looks a size smaller than the Latin beside it; Ethiopic's syllables at DejaVu's em are
    // as tall as its capitals.
    static const std::vector<ScriptFont> fonts = {
        {"Arabic",
         {"NotoSansArabic-Regular.ttf", "fonts-noto-core"},
         {"NotoSansArabic-Bold.ttf", "fonts-noto-core"},
         2112.0f / 1000.0f,
         1.15f,
         {{0x0600, 0x06FF}, {0x0750, 0x077F}, {0x08A0, 0x08FF}, {0xFB50, 0xFDFF}, {0xFE70, 0xFEFE}}},
        {"Ethiopic",
         {"NotoSansEthiopic-Regular.ttf", "fonts-noto-core"},
         {"NotoSansEthiopic-Bold.ttf", "fonts-noto-core"},
         1362.0f / 1000.0f,
         1.0f,
         {{0x1200, 0x139F}, {0x2D80, 0x2DDF}}},
    };
    return fonts;
}

int script_font_of(unsigned int cp) {
    const auto& fonts = script_fonts();
    for (std::size_t i = 0; i < fonts.size(); ++i)
        for (const auto& [first, last] : fonts[i].ranges)
            if (cp >= first && cp <= last) return static_cast<int>(i);
    return -1;
}

namespace {

// read: the files' bytes too; else only where they are.
bool find_text_fonts(const std::vector<std::filesystem::path>& dirs, const GlyphRanges& ranges, TextFontFiles& files,
                     bool read, std::string& error) {
    const auto need = [&](const FontFile& font, TextFontFiles::File& into) {
        const auto found = find_font(font, dirs);
        if (!found) {
            error = missing_font_message(font, dirs);
            return false;
        }
        into.path = *found;
        if (!read) return true;
        std::ifstream in(*found, std::ios::binary);
        if (in) into.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (into.bytes.empty()) {
            error = "the font " + found->string() + " cannot be read";
            return false;
        }
        return true;
    };
    if (!need(regular_font(), files.regular) || !need(bold_font(), files.bold)) return false;
    const auto& scripts = script_fonts();
    files.script_regular.assign(scripts.size(), std::nullopt);
    files.script_bold.assign(scripts.size(), std::nullopt);
    for (std::size_t i = 0; i < scripts.size() && i < ranges.scripts.size(); ++i) {
        if (!has_ranges(ranges.scripts[i])) continue;
        files.script_regular[i].emplace();
        files.script_bold[i].emplace();
        if (!need(scripts[i].regular, *files.script_regular[i]) || !need(scripts[i].bold, *files.script_bold[i]))
            return false;
    }
    return true;
}

}  // namespace

bool find_text_fonts(const std::vector<std::filesystem::path>& dirs, const GlyphRanges& ranges, TextFontFiles& files,
                     std::string& error) {
    return find_text_fonts(dirs, ranges, files, true, error);
}

bool text_fonts_present(const std::vector<std::filesystem::path>& dirs, const std::vector<std::string>& texts,
                        std::string& error) {
    TextFontFiles files;
    return find_text_fonts(dirs, glyph_ranges_for(texts), files, false, error);
}

ImFont* add_text_font(ImFontAtlas& atlas, const TextFontFiles& files, bool bold, float size_px,
                      const GlyphRanges& ranges, int oversample_h) {
    ImFontConfig config;
    config.OversampleH = oversample_h;  // large sizes: oversampling only quadruples the atlas
    config.OversampleV = 1;
    config.PixelSnapH = true;
    // Each file's bytes are read once, for every size: the atlas only borrows them.
    config.FontDataOwnedByAtlas = false;
    const auto add = [&](const TextFontFiles::File& file, float px, const std::vector<unsigned short>& glyphs) {
        return atlas.AddFontFromMemoryTTF(const_cast<char*>(file.bytes.data()), static_cast<int>(file.bytes.size()), px,
                                          &config, glyphs.data());
    };
    ImFont* font = add(bold ? files.bold : files.regular, size_px, ranges.text);
    const auto& scripts = script_fonts();
    const auto& loaded = bold ? files.script_bold : files.script_regular;
    for (std::size_t i = 0; font && i < scripts.size() && i < ranges.scripts.size() && i < loaded.size(); ++i) {
        if (!loaded[i] || !has_ranges(ranges.scripts[i])) continue;
        config.MergeMode = true;  // into font: the script's letters at the same em, a little larger
        const float em = size_px / dejavu_size_per_em;
        if (!add(*loaded[i], em * scripts[i].em_scale * scripts[i].size_per_em, ranges.scripts[i])) return nullptr;
    }
    return font;
}

std::optional<std::filesystem::path> find_font(const FontFile& font, const std::vector<std::filesystem::path>& dirs) {
    for (const auto& dir : dirs) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(dir / font.file, ec)) return dir / font.file;
    }
    return std::nullopt;
}

std::string missing_font_message(const FontFile& font, const std::vector<std::filesystem::path>& dirs) {
    std::string where;
    for (const auto& d : dirs) where += (where.empty() ? "" : ", ") + d.string();
    return "the font " + font.file + " was not found (looked in " + where + "). Install the Debian package " +
           font.package + ":  sudo apt-get install " + font.package;
}

bool glyphs_lack(const std::vector<unsigned int>& have, const std::vector<std::string>& texts) {
    const auto needed = glyphs_for(texts);
    return !std::includes(have.begin(), have.end(), needed.begin(), needed.end());
}

std::vector<unsigned int> glyphs_for(const std::vector<std::string>& texts) {
    std::set<unsigned int> points;
    for (unsigned int c = 0x20; c < 0x7F; ++c) points.insert(c);
    points.insert(0xFFFD);  // shown for anything the atlas lacks
    points.insert(0x2026);  // "…" where a field shows only the end of its text (last_lines)
    std::string rtl_letters;
    for (const auto& t : texts) {
        add_code_points(t, points);
        if (has_rtl(t)) rtl_letters += t;
    }
    if (!rtl_letters.empty()) {  // each letter's joined forms, once for every text
        std::set<unsigned int> letters;
        add_code_points(rtl_letters, letters);
        std::string each;
        for (unsigned int cp : letters) {
            if (cp < 0x0590 || cp > 0x08FF) continue;  // letters, not their forms
            char utf8[5];
            const std::string letter = ImTextCharToUtf8(utf8, cp);
            each += letter;
            // A letter that is always drawn in one of its joined forms (shell/bidi.hpp) is never
            // drawn as itself: the atlas need not hold it (four sizes of every Arabic letter).
            if (shape_logical(letter) != letter) points.erase(cp);
        }
        for (const auto& form : joined_forms(each)) add_code_points(form, points);
        for (unsigned int cp = 0xFEF5; cp <= 0xFEFC; ++cp) points.insert(cp);  // lam with alef, joined
    }
    return {points.begin(), points.end()};
}

GlyphRanges glyph_ranges_for(const std::vector<std::string>& texts, const std::string& number_characters) {
    static_assert(sizeof(ImWchar) == sizeof(unsigned short), "ImGui 1.86 uses 16-bit glyphs");
    ImVector<ImWchar> text, number;
    ImFontGlyphRangesBuilder builder;
    std::vector<ImFontGlyphRangesBuilder> script_builders(script_fonts().size());
    std::vector<bool> used(script_fonts().size(), false);
    for (unsigned int cp : glyphs_for(texts)) {
        const int script = script_font_of(cp);
        if (script < 0) {
            builder.AddChar(static_cast<ImWchar>(cp));
        } else {
            script_builders[static_cast<std::size_t>(script)].AddChar(static_cast<ImWchar>(cp));
            used[static_cast<std::size_t>(script)] = true;
        }
    }
    builder.BuildRanges(&text);
    GlyphRanges out;
    out.text.assign(text.begin(), text.end());
    for (std::size_t i = 0; i < script_builders.size(); ++i) {
        ImVector<ImWchar> ranges;
        if (used[i]) script_builders[i].BuildRanges(&ranges);
        out.scripts.emplace_back(ranges.begin(), ranges.end());
    }
    ImFontGlyphRangesBuilder number_builder;
    number_builder.AddText(number_characters.c_str());
    number_builder.BuildRanges(&number);
    out.number.assign(number.begin(), number.end());
    return out;
}

bool build_fonts(ImFontAtlas& atlas, const PhysicalScale& scale, const std::vector<std::string>& texts,
                 const std::vector<std::filesystem::path>& dirs, FontSet& fonts, std::string& error,
                 const std::string& number_characters, const FontSizes& sizes, const std::vector<std::string>& typed,
                 const std::optional<std::vector<std::string>>& titles) {
    // ImGui reads the ranges until the atlas is built, below: locals serve (and let the
    // printer's thread build its own atlas while the screen builds one). What visitors type
    // is drawn in the body fonts only; the titles, when given, hold only theirs.
    std::vector<std::string> body_texts = texts;
    body_texts.insert(body_texts.end(), typed.begin(), typed.end());
    const GlyphRanges ranges = glyph_ranges_for(body_texts, number_characters);
    const GlyphRanges title_ranges = titles ? glyph_ranges_for(*titles, number_characters) : ranges;
    TextFontFiles files;
    if (!find_text_fonts(dirs, ranges, files, error)) return false;
    // The ticket number: capitals and digits only, never Arabic.
    const GlyphRanges number_ranges{ranges.number, {}, {}};  // DejaVu's digits and capitals

    atlas.Clear();
    // The pointer is the system's (or hidden on a kiosk): the atlas holds no cursor shapes.
    atlas.Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight | ImFontAtlasFlags_NoMouseCursors;
    fonts.body[0] = add_font(atlas, files, false, cap_px_for(scale, sizes.body_mm), ranges);
    fonts.body[1] = add_font(atlas, files, false, cap_px_for(scale, sizes.body_large_mm), ranges);
    fonts.title[0] = add_font(atlas, files, true, cap_px_for(scale, sizes.title_mm), title_ranges);
    fonts.title[1] = add_font(atlas, files, true, cap_px_for(scale, sizes.title_large_mm), title_ranges);
    fonts.number = add_font(atlas, files, true, cap_px_for(scale, sizes.number_mm), number_ranges);
    if (!fonts.body[0] || !fonts.body[1] || !fonts.title[0] || !fonts.title[1] || !fonts.number || !atlas.Build()) {
        error = "the font atlas could not be built from " + files.regular.path.string();
        return false;
    }
    atlas.ClearInputData();  // the glyphs are rasterised: the TTF files need not stay in memory
    return true;
}

float cap_height_px(const ImFont* font) {
    const ImFontGlyph* h = font->FindGlyphNoFallback('H');
    return h ? h->Y1 - h->Y0 : 0.0f;
}

}  // namespace skranke::ui
