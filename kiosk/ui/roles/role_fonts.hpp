// Fonts for the staff-facing roles, sized in pixels for the screen they run on: a desk PC's
// console reads at arm's length, a wall TV's numbers across a room. Same Debian fonts and
// glyph selection as the visitor kiosk (shell/fonts.hpp).
#pragma once

#include <string>
#include <vector>

#include "shell/fonts.hpp"

namespace skranke::ui {

struct RoleFontSizes {
    float text_px = 20;
    float heading_px = 28;
    float big_px = 44;
    float huge_px = 72;   // letters, digits and a space only
};

struct RoleFonts {
    ImFont* text = nullptr;
    ImFont* heading = nullptr;
    ImFont* big = nullptr;
    ImFont* huge = nullptr;
    FontSet as_font_set() const;  // for the shared touch button and text helpers
};

bool build_role_fonts(ImFontAtlas& atlas, const std::vector<std::string>& texts, const RoleFontSizes& sizes,
                      const std::vector<std::filesystem::path>& dirs, RoleFonts& fonts, std::string& error);

}  // namespace skranke::ui
