// Text drawing: wrapped and aligned, always through the Ui so read-aloud hears it too.
#pragma once

#include <string>
#include <vector>

#include "shell/touch.hpp"

namespace skranke::ui {

// start: the side a line begins on, the left, or the right on a right-to-left page (Ui::rtl).
enum class Align { start, centre };

// One line of wrapped text: a range of the text, and the scale it is drawn at (below 1: a
// single word wider than the line, drawn smaller so that it stays whole).
struct TextLine {
    const char* begin;
    const char* end;
    float scale = 1.0f;
};
// How a word wider than the line is laid out: scaled down to stay whole (what the office
// wrote), or broken where the line ends (what a visitor types, shown to its end).
enum class LongWords { shrink, break_inside };
// The text's lines at width: broken at spaces and after a hyphen inside a compound word,
// never inside a word nor at a full stop or slash without a space ("nav.no" stays whole);
// a newline ends a line. The lines point into text, which must outlive them.
std::vector<TextLine> wrap_text(ImFont* font, const std::string& text, float width,
                                LongWords long_words = LongWords::shrink);

// Width of a piece of text as drawn: Arabic letters measured joined (shell/bidi.hpp).
float text_width(ImFont* font, const char* begin, const char* end);
// Draws one line (no newline) at pos, in visual order: the line of a right-to-left page
// (rtl) runs from the right; Arabic letters are joined.
void draw_line(ImDrawList* draw, ImFont* font, float size, ImVec2 pos, unsigned int colour, const char* begin,
               const char* end, bool rtl);

// Draws text wrapped to the rect's width from its top; returns the height used.
float draw_text(Ui& ui, ImFont* font, const std::string& text, const Rect& rect, unsigned int colour,
                Align align = Align::start, bool speak = true, LongWords long_words = LongWords::shrink);
// Height text would take when wrapped to width.
float text_height(ImFont* font, const std::string& text, float width, LongWords long_words = LongWords::shrink);
// The end of text that fits in at most `lines` lines of width, with "…" in front when the
// beginning had to go (a field shows what was typed last, in a box that never grows). Typed
// text is laid out with LongWords::break_inside: draw it so too.
std::string last_lines(ImFont* font, const std::string& text, float width, int lines);

}  // namespace skranke::ui
