// Touch: the one button wrapper every screen uses (it records each target's rectangle for
// the size audit and each label for read-aloud), and drag-to-scroll, which ImGui 1.86 lacks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "shell/fonts.hpp"
#include "shell/rect.hpp"
#include "shell/speech.hpp"
#include "shell/theme.hpp"
#include "shell/units.hpp"

namespace skranke::ui {

Rect intersect(const Rect& a, const Rect& b);
// Gap between two rectangles (0 when they touch or overlap).
float gap_between(const Rect& a, const Rect& b);

struct TouchTarget {
    std::string id;
    std::string label;      // what the button says (tests tap keys by their letter)
    Rect rect;              // the whole target
    Rect visible;           // the part not clipped by a scroll area
    bool text_fits = true;  // the label fits inside the button (checked by the audit test)
    bool pressed = false;   // drawn in its pressed look (a finger is on it)
    bool selected = false;  // drawn as the chosen answer (the screen reader says so)
};

// Every touch target drawn in the current frame.
class TouchRecorder {
public:
    void clear() { targets_.clear(); }
    void add(TouchTarget target) { targets_.push_back(std::move(target)); }
    const std::vector<TouchTarget>& targets() const { return targets_; }
    const TouchTarget* find(std::string_view id) const;
    void mark_last_text_cut() {
        if (!targets_.empty()) targets_.back().text_fits = false;
    }
    void mark_last_pressed() {
        if (!targets_.empty()) targets_.back().pressed = true;
    }

private:
    std::vector<TouchTarget> targets_;
};

// A scrollable region moved by dragging a finger. The offset lives with the screen's state.
struct DragScroll {
    float offset = 0;           // pixels scrolled
    bool press_inside = false;  // the current press started in the area
    bool dragging = false;      // the current press became a drag: no button may fire
    float content_height = 0;   // of the last frame: whether there is more above or below
    Rect shown;                 // where the list shows this frame (begin decides, end draws the rest)
    float band_height = 0;      // of the bands, as their labels need (0: not known yet)
};

// The buttons at the ends of a list with more beyond them, in the visitor's language.
struct ScrollLabels {
    std::string more_below;  // "Show more"
    std::string more_above;  // "Show what is above"
}; 

// What the screens draw with. One per frame.
struct Ui {
    ImDrawList* draw = nullptr;
    PhysicalScale scale;
    const Theme* theme = nullptr;
    const FontSet* fonts = nullptr;
    bool large_text = false;
    TouchRecorder* recorder = nullptr;
    std::vector<SpokenText>* spoken = nullptr;  // visible text in reading order
    Rect clip;                                   // current scroll area clip (empty: none)
    bool suppress_clicks = false;                // a drag is in progress
    bool rtl = false;  // a right-to-left language: lines start on the right, rows run from the right

    // Where a rectangle laid out from the left of within goes: mirrored on a right-to-left
    // page, so the first of a row (Back, Yes, the first need) is on the right.
    Rect flow(const Rect& r, const Rect& within) const {
        if (!rtl) return r;
        return {within.x0 + within.x1 - r.x1, r.y0, within.x0 + within.x1 - r.x0, r.y1};
    }

    ImFont* body() const { return fonts->body[large_text ? 1 : 0]; }
    ImFont* title() const { return fonts->title[large_text ? 1 : 0]; }
    float mm(float millimetres) const { return scale.px(millimetres); }
    void say(const std::string& text) const { say(SpokenText{text, text}); }
    // The part of rect not clipped by the scroll area (empty: not shown).
    Rect shown(const Rect& rect) const;
    // Text with a visitor's answer in it: the room's speaker hears in_room instead.
    void say(SpokenText text) const {
        if (spoken && !text.text.empty()) spoken->push_back(std::move(text));
    }
};

enum class Look { normal, primary, selected, emergency };

struct ButtonContent {
    std::string label;
    std::string detail;            // a second, smaller line (optional)
    std::string pictogram;         // pictogram name (optional)
    bool disabled = false;         // drawn but not pressable (e.g. read-aloud unavailable still speaks why)
    bool icon_when_tight = false;  // small keys: show only the pictogram if the label does not fit
    int detail_lines = 0;          // > 0: the detail always takes this many lines (its end shown), so
                                   // the button's size never follows what a visitor typed
    bool private_detail = false;   // the detail is the visitor's answer: never read aloud in the room
};

// Height a button needs so its label wraps inside it (at least min_height).
float button_height_for(const Ui& ui, const ButtonContent& content, float width, float min_height);

// A touch button at rect. Returns true when tapped (press and release on it, no drag).
bool touch_button(Ui& ui, std::string_view id, const Rect& rect, Look look, const ButtonContent& content);

// Scroll area: call begin, draw items shifted by -scroll.offset, then end with the height
// of the content. Dragging more than a few mm scrolls and cancels the tap. While there is
// more below (or above) than the area shows, a band at that end holds a button that says so
// and scrolls by most of a screen when tapped (a visitor who has never dragged a list still
// gets there); the list shows between the bands. Ids: "scroll.more_below", "scroll.more_above".
void begin_drag_scroll(Ui& ui, DragScroll& scroll, const Rect& area);
// The room a band takes at an end of the list with more beyond it.
float scroll_band_height(const Ui& ui, const DragScroll& scroll);
// Returns false when the next frame shows the list differently by itself (its height changed,
// so a band comes or goes): the caller draws one more frame before it waits for input.
bool end_drag_scroll(Ui& ui, DragScroll& scroll, const Rect& area, float content_height, const ScrollLabels& labels);

}  // namespace skranke::ui
