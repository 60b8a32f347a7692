// Pictograms drawn with ImGui draw-list primitives (no image files to ship or load), in
// one colour so they keep the theme's contrast. Unknown names draw a neutral mark.
#pragma once

#include <string>
#include <string_view>
#include <vector>

struct ImDrawList;

namespace skranke::ui {

struct Rect;

void draw_pictogram(ImDrawList* draw, std::string_view name, const Rect& box, unsigned int colour);
// Names draw_pictogram knows, for tests and the catalogue check.
const std::vector<std::string>& pictogram_names();

}  // namespace skranke::ui
