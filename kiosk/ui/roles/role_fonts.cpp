#include "roles/role_fonts.hpp"

#include <imgui.h>

namespace skranke::ui {

FontSet RoleFonts::as_font_set() const {
    FontSet set;
    set.body[0] = set.body[1] = text;
    set.title[0] = set.title[1] = heading;
    set.number = huge;
    return set;
}

bool build_role_fonts(ImFontAtlas& atlas, const std::vector<std::string>& texts, const RoleFontSizes& sizes,
                      const std::vector<std::filesystem::path>& dirs, RoleFonts& fonts, std::string& error) {
    // ImGui keeps pointers to the ranges until the atlas is built.
    static GlyphRanges ranges;
    static GlyphRanges number_ranges;
    ranges = glyph_ranges_for(texts);
    number_ranges = GlyphRanges{ranges.number, {}, {}};
    TextFontFiles files;
    if (!find_text_fonts(dirs, ranges, files, error)) return false;

    // Large sizes: oversampling only grows the atlas.
    const auto add = [&](bool bold, float px, const GlyphRanges& glyphs) {
        return add_text_font(atlas, files, bold, px, glyphs, px > 40 ? 1 : 2);
    };
    atlas.Clear();
    // The pointer is the system's (or hidden on a kiosk): the atlas holds no cursor shapes.
    atlas.Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight | ImFontAtlasFlags_NoMouseCursors;
    fonts.text = add(false, sizes.text_px, ranges);
    fonts.heading = add(true, sizes.heading_px, ranges);
    fonts.big = add(true, sizes.big_px, ranges);
    fonts.huge = add(true, sizes.huge_px, number_ranges);
    if (!fonts.text || !fonts.heading || !fonts.big || !fonts.huge || !atlas.Build()) {
        error = "the font atlas could not be built from " + files.regular.path.string();
        return false;
    }
    atlas.ClearInputData();  // rasterised: the font files' bytes (files) are not needed again
    return true;
}

}  // namespace skranke::ui
