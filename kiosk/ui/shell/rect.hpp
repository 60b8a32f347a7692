// A rectangle on the screen, in pixels: where a target, a text or an area is.
#pragma once

#include <imgui.h>

namespace skranke::ui {

struct Rect {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    float width() const { return x1 - x0; }
    float height() const { return y1 - y0; }
    ImVec2 min() const { return {x0, y0}; }
    ImVec2 max() const { return {x1, y1}; }
    ImVec2 centre() const { return {(x0 + x1) / 2, (y0 + y1) / 2}; }
    bool empty() const { return x1 <= x0 || y1 <= y0; }
    bool contains(float x, float y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

}  // namespace skranke::ui
