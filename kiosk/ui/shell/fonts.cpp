#include "shell/fonts.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <imgui.h>

namespace skranke::ui {

namespace {

// DejaVu Sans: cap height 1493 of ascent+descent 2384 font units; ImGui sizes a font by
// ascent+descent, so size = cap / this ratio.
constexpr float dejavu_cap_ratio = 1493.0f / 2384.0f;

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

ImFont* add_font(ImFontAtlas& atlas, const std::filesystem::path& path, float cap_px, const ImWchar* ranges) {
    ImFontConfig config;
    config.OversampleH = 1;  // large sizes: oversampling only quadruples the atlas
    config.OversampleV = 1;
    config.PixelSnapH = true;
    return atlas.AddFontFromFileTTF(path.c_str(), cap_px / dejavu_cap_ratio, &config, ranges);
}

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
    for (const auto& t : texts) add_code_points(t, points);
    return {points.begin(), points.end()};
}

GlyphRanges glyph_ranges_for(const std::vector<std::string>& texts, const std::string& number_characters) {
    static_assert(sizeof(ImWchar) == sizeof(unsigned short), "ImGui 1.86 uses 16-bit glyphs");
    ImVector<ImWchar> text, number;
    ImFontGlyphRangesBuilder builder;
    for (unsigned int cp : glyphs_for(texts)) builder.AddChar(static_cast<ImWchar>(cp));
    builder.BuildRanges(&text);
    ImFontGlyphRangesBuilder number_builder;
    number_builder.AddText(number_characters.c_str());
    number_builder.BuildRanges(&number);
    return {{text.begin(), text.end()}, {number.begin(), number.end()}};
}

bool build_fonts(ImFontAtlas& atlas, const PhysicalScale& scale, const std::vector<std::string>& texts,
                 const std::vector<std::filesystem::path>& dirs, FontSet& fonts, std::string& error,
                 const std::string& number_characters, const FontSizes& sizes) {
    const auto regular = find_font(regular_font(), dirs);
    if (!regular) {
        error = missing_font_message(regular_font(), dirs);
        return false;
    }
    const auto bold = find_font(bold_font(), dirs);
    if (!bold) {
        error = missing_font_message(bold_font(), dirs);
        return false;
    }
    // ImGui reads the ranges until the atlas is built, below: a local serves (and lets the
    // printer's thread build its own atlas while the screen builds one).
    const GlyphRanges ranges = glyph_ranges_for(texts, number_characters);
    const ImWchar* text_ranges = ranges.text.data();
    const ImWchar* number_ranges = ranges.number.data();

    atlas.Clear();
    atlas.Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
    fonts.body[0] = add_font(atlas, *regular, cap_px_for(scale, sizes.body_mm), text_ranges);
    fonts.body[1] = add_font(atlas, *regular, cap_px_for(scale, sizes.body_large_mm), text_ranges);
    fonts.title[0] = add_font(atlas, *bold, cap_px_for(scale, sizes.title_mm), text_ranges);
    fonts.title[1] = add_font(atlas, *bold, cap_px_for(scale, sizes.title_large_mm), text_ranges);
    fonts.number = add_font(atlas, *bold, cap_px_for(scale, sizes.number_mm), number_ranges);
    if (!fonts.body[0] || !fonts.body[1] || !fonts.title[0] || !fonts.title[1] || !fonts.number || !atlas.Build()) {
        error = "the font atlas could not be built from " + regular->string();
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
