// The waiting-room display's one screen: office name and clock on top, the newest call very
// large with its counter (highlighted for a few seconds), the earlier calls beside it, and a
// small offline mark. It reads only DisplayState, which holds numbers and counters only.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "display/display_state.hpp"
#include "roles/role_fonts.hpp"
#include "shell/translations.hpp"
#include "shell/units.hpp"

namespace skranke::display {

// Text is sized in mm on the TV, so it reads the same from across the room on any TV.
// Earlier calls, counters, office name and clock: 25 mm capitals read at 5 m; 26 leaves room
// for rounding. The newest call's counter a little larger, its number as large as fits.
inline constexpr float min_secondary_cap_mm = 25.0f;
inline constexpr float secondary_cap_mm = 26.0f;
inline constexpr float counter_cap_mm = 30.0f;
inline constexpr float max_number_cap_mm = 160.0f;  // a 100" TV need not fill its height with it

// The TV: the window's pixels over its diagonal (display.diagonal_inches), square pixels.
struct DisplayScreen {
    float width_px = 1920;
    float height_px = 1080;
    float diagonal_inches = 40;
    ui::PhysicalScale scale() const;  // its dpi: the diagonal's pixels per inch
};

// A role font's size over the height of its 'H' (ImGui sizes a font by ascent + descent),
// measured on the installed fonts; the larger of the regular and the bold.
float font_px_per_cap_px(const std::vector<std::filesystem::path>& font_dirs);

// Font sizes for this screen: the mm above, made smaller only when the window cannot hold
// the newest call at them (a small try-out window).
ui::RoleFontSizes display_font_sizes(const DisplayScreen& screen, float font_px_per_cap);

// Call between ImGui::NewFrame() and ImGui::Render(). Earlier calls that do not fit are left
// out. Labels are in state.language.
void draw_display(const DisplayState& state, const ui::Translations& texts, const ui::RoleFonts& fonts);

}  // namespace skranke::display
