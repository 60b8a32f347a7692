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
    const auto regular = find_font(regular_font(), dirs);
    const auto bold = find_font(bold_font(), dirs);
    if (!regular || !bold) {
        error = missing_font_message(regular ? bold_font() : regular_font(), dirs);
        return false;
    }
    // ImGui keeps pointers to the ranges until the atlas is built.
    static GlyphRanges ranges;
    ranges = glyph_ranges_for(texts);

    const auto add = [&](const std::filesystem::path& file, float px, const ImWchar* glyphs) {
        ImFontConfig config;
        config.OversampleH = px > 40 ? 1 : 2;  // large sizes: oversampling only grows the atlas
        config.OversampleV = 1;
        return atlas.AddFontFromFileTTF(file.c_str(), px, &config, glyphs);
    };
    atlas.Clear();
    atlas.Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
    fonts.text = add(*regular, sizes.text_px, ranges.text.data());
    fonts.heading = add(*bold, sizes.heading_px, ranges.text.data());
    fonts.big = add(*bold, sizes.big_px, ranges.text.data());
    fonts.huge = add(*bold, sizes.huge_px, ranges.number.data());
    if (!fonts.text || !fonts.heading || !fonts.big || !fonts.huge || !atlas.Build()) {
        error = "the font atlas could not be built from " + regular->string();
        return false;
    }
    return true;
}

}  // namespace skranke::ui
