// Text drawing: wrapped and aligned, always through the Ui so read-aloud hears it too.
#pragma once

#include <string>

#include "shell/touch.hpp"

namespace skranke::ui {

enum class Align { left, centre };

// Draws text wrapped to the rect's width from its top; returns the height used.
float draw_text(Ui& ui, ImFont* font, const std::string& text, const Rect& rect, unsigned int colour,
                Align align = Align::left, bool speak = true);
// Height text would take when wrapped to width.
float text_height(ImFont* font, const std::string& text, float width);
// The end of text that fits in at most `lines` lines of width, with "…" in front when the
// beginning had to go (a field shows what was typed last, in a box that never grows).
std::string last_lines(ImFont* font, const std::string& text, float width, int lines);

}  // namespace skranke::ui
