// Tool bar and navigation bar, shared by every visitor screen.
#pragma once

#include <vector>

#include "shell/touch.hpp"
#include "shell/translations.hpp"
#include "visitor/screen_context.hpp"
#include "visitor/visitor_view.hpp"

namespace skranke::visitor {

inline constexpr float chrome_pad_mm = 4.0f;
inline constexpr float bar_button_mm = 22.0f;
inline constexpr float chrome_gap_mm = 4.0f;

// Both return / use heights in pixels. The tool bar is drawn at the top of screen.
float draw_tool_bar(ui::Ui& ui, const VisitorState& s, const ui::Translations& tr, const ui::Rect& screen,
                    bool portrait, std::vector<Intent>& intents);
float nav_bar_height(const ui::Ui& ui, const VisitorState& s, const ui::Translations& tr, float width, bool portrait);
void draw_nav_bar(ui::Ui& ui, const VisitorState& s, const ui::Translations& tr, const ui::Rect& screen, bool portrait,
                  std::vector<Intent>& intents);

}  // namespace skranke::visitor
