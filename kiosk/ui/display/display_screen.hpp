// The waiting-room display's one screen: office name and clock on top, the newest call very
// large with its counter (highlighted for a few seconds), the earlier calls below, and a
// small offline mark. It reads only DisplayState, which holds numbers and counters only.
#pragma once

#include <string>

#include "display/display_state.hpp"
#include "roles/role_fonts.hpp"
#include "shell/translations.hpp"

namespace skranke::display {

// Font sizes for a screen of this height (a wall TV is read from across the room).
ui::RoleFontSizes display_font_sizes(float screen_height);

// Call between ImGui::NewFrame() and ImGui::Render().
void draw_display(const DisplayState& state, const ui::Translations& texts, const std::string& language,
                  const ui::RoleFonts& fonts);

}  // namespace skranke::display
