// Pictograms drawn with ImGui draw-list primitives (no image files to ship or load), in
// one colour so they keep the theme's contrast. Unknown names draw a neutral mark.
#pragma once

#include <string>
#include <string_view>
#include <vector>

struct ImDrawList;

namespace skranke::ui {

struct Rect;

// rtl: drawn for a right-to-left page, where the arrows that point along the reading
// direction (Back, Next) point the other way.
void draw_pictogram(ImDrawList* draw, std::string_view name, const Rect& box, unsigned int colour, bool rtl = false);
// Names draw_pictogram knows, for tests and the catalogue check.
const std::vector<std::string>& pictogram_names();

}  // namespace skranke::ui
