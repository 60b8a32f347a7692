#include "shell/touch.hpp"

#include <algorithm>
#include <cmath>

#include "shell/pictograms.hpp"
#include "shell/text.hpp"

namespace skranke::ui {

Rect intersect(const Rect& a, const Rect& b) {
    Rect r{std::max(a.x0, b.x0), std::max(a.y0, b.y0), std::min(a.x1, b.x1), std::min(a.y1, b.y1)};
    if (r.empty()) return Rect{};
    return r;
}

float gap_between(const Rect& a, const Rect& b) {
    const float dx = std::max({0.0f, b.x0 - a.x1, a.x0 - b.x1});
    const float dy = std::max({0.0f, b.y0 - a.y1, a.y0 - b.y1});
    return std::sqrt(dx * dx + dy * dy);
}

Rect Ui::shown(const Rect& rect) const {
    return clip.empty() ? rect : intersect(rect, clip);
}

const TouchTarget* TouchRecorder::find(std::string_view id) const {
    for (const auto& t : targets_)
        if (t.id == id) return &t;
    return nullptr;
}

namespace {

const ButtonColours& colours_of(const Theme& theme, Look look) {
    switch (look) {
        case Look::normal:
            return theme.normal;
        case Look::primary:
            return theme.primary;
        case Look::selected:
            return theme.selected;
        case Look::emergency:
            return theme.emergency;
    }
    return theme.normal;
}

}  // namespace

bool touch_button(Ui& ui, std::string_view id, const Rect& rect, Look look, const ButtonContent& content) {
    const Rect visible = ui.clip.empty() ? rect : intersect(rect, ui.clip);
    if (visible.empty() || rect.width() < 1 || rect.height() < 1) return false;
    if (ui.recorder) ui.recorder->add({std::string(id), content.label, rect, visible, true, false, look == Look::selected});

    ImGui::SetCursorScreenPos(rect.min());
    ImGui::PushID(id.data(), id.data() + id.size());
    const bool released_on = ImGui::InvisibleButton("##touch", ImVec2(rect.width(), rect.height()));
    const bool held = ImGui::IsItemActive() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
    ImGui::PopID();
    const bool pressed = held && !ui.suppress_clicks && !content.disabled;
    if (pressed && ui.recorder) ui.recorder->mark_last_pressed();

    const Theme& theme = *ui.theme;
    const Surface& s = pressed ? colours_of(theme, look).pressed : colours_of(theme, look).rest;
    // Press feedback: the pressed colour and a small sink, never hover (a finger has none).
    const float sink = pressed ? ui.mm(0.6f) : 0.0f;
    const Rect r{rect.x0 + sink, rect.y0 + sink, rect.x1 - sink, rect.y1 - sink};
    const float rounding = ui.mm(2.0f);
    ui.draw->AddRectFilled(r.min(), r.max(), s.fill.packed(), rounding);
    ui.draw->AddRect(r.min(), r.max(), s.border.packed(), rounding, 0, ui.mm(theme.border_mm));
    if (content.disabled) {  // a dashed look without relying on colour alone
        ui.draw->AddLine(ImVec2(r.x0 + rounding, r.y1 - ui.mm(3)), ImVec2(r.x1 - rounding, r.y1 - ui.mm(3)),
                         s.text.packed(), ui.mm(0.5f));
    }

    const float pad = ui.mm(3.0f);
    Rect text_area{r.x0 + pad, r.y0 + pad, r.x1 - pad, r.y1 - pad};
    Align align = Align::centre;
    if (content.icon_when_tight && !content.pictogram.empty()) {
        const float side = std::min(r.height() - 2 * pad, ui.mm(26.0f));
        const float label_w = text_width(ui.body(), content.label.data(), content.label.data() + content.label.size());
        if (label_w + side + 3 * pad > r.width()) {
            const Rect box{r.centre().x - side / 2, r.centre().y - side / 2, r.centre().x + side / 2,
                           r.centre().y + side / 2};
            draw_pictogram(ui.draw, content.pictogram, box, s.text.packed(), ui.rtl);
            ui.say(SpokenText{content.label, content.label, visible});
            return released_on && !ui.suppress_clicks && !content.disabled;
        }
    }
    if (!content.pictogram.empty()) {
        const bool tall = r.height() > r.width() * 0.9f;
        if (tall) {
            const float side = std::min(r.width() - 2 * pad, (r.height() - 2 * pad) * 0.55f);
            const Rect box{r.centre().x - side / 2, r.y0 + pad, r.centre().x + side / 2, r.y0 + pad + side};
            draw_pictogram(ui.draw, content.pictogram, box, s.text.packed(), ui.rtl);
            text_area.y0 = box.y1 + pad / 2;
        } else {
            const float side = std::min(r.height() - 2 * pad, ui.mm(26.0f));
            // Before the label: on its left, or its right on a right-to-left page.
            const Rect box = ui.flow({r.x0 + pad, r.centre().y - side / 2, r.x0 + pad + side, r.centre().y + side / 2}, r);
            draw_pictogram(ui.draw, content.pictogram, box, s.text.packed(), ui.rtl);
            text_area = ui.flow({r.x0 + pad + side + pad, text_area.y0, text_area.x1, text_area.y1}, r);
            align = Align::start;
        }
    }
    ImFont* font = ui.body();
    const float label_h = text_height(font, content.label, text_area.width());
    const std::string& detail = content.detail_lines > 0 && !content.detail.empty()
                                    ? last_lines(font, content.detail, text_area.width(), content.detail_lines)
                                    : content.detail;
    const float detail_h = content.detail_lines > 0 ? static_cast<float>(content.detail_lines) * font->FontSize
                           : detail.empty()         ? 0.0f
                                                    : text_height(font, detail, text_area.width());
    const float total = label_h + detail_h;
    if (total > text_area.height() + 1.0f && ui.recorder) ui.recorder->mark_last_text_cut();
    float y = content.pictogram.empty() || align == Align::start
                  ? text_area.y0 + std::max(0.0f, (text_area.height() - total) / 2)
                  : text_area.y0 + std::max(0.0f, (text_area.height() - total) / 2);
    ui.draw->PushClipRect(r.min(), r.max(), true);
    y += draw_text(ui, font, content.label, Rect{text_area.x0, y, text_area.x1, text_area.y1}, s.text.packed(), align);
    if (!detail.empty()) {  // a field's typed text is shown to its end, long words broken (last_lines)
        const float h = draw_text(ui, font, detail, Rect{text_area.x0, y, text_area.x1, text_area.y1}, s.text.packed(),
                                  align, false, content.detail_lines > 0 ? LongWords::break_inside : LongWords::shrink);
        ui.say(SpokenText{detail, content.private_detail ? std::string{} : detail,
                          ui.shown(Rect{text_area.x0, y, text_area.x1, y + h})});
    }
    ui.draw->PopClipRect();

    return released_on && !ui.suppress_clicks && !content.disabled;
}

float button_height_for(const Ui& ui, const ButtonContent& content, float width, float min_height) {
    const float pad = ui.mm(3.0f);
    float text_w = width - 2 * pad;
    if (!content.pictogram.empty()) text_w -= std::min(min_height - 2 * pad, ui.mm(26.0f)) + pad;
    float h = text_height(ui.body(), content.label, text_w);
    if (content.detail_lines > 0)
        h += static_cast<float>(content.detail_lines) * ui.body()->FontSize;
    else if (!content.detail.empty())
        h += text_height(ui.body(), content.detail, text_w);
    return std::max(min_height, h + 2 * pad);
}

float scroll_band_height(const Ui& ui, const DragScroll& scroll) {
    const float button = scroll.band_height > 0 ? scroll.band_height : ui.mm(min_target_mm);
    return button + ui.mm(min_gap_mm + 1.0f);
}

namespace {

// A band's button: a target's height, or taller when its label needs it (larger text).
float band_button_height(const Ui& ui, const std::string& label, float width) {
    return button_height_for(ui, {label, {}, {}, false, false}, width, ui.mm(min_target_mm));
}

float band_button_width(const Ui& ui, const Rect& area) {
    return std::min(area.width(), std::max(area.width() * 0.6f, ui.mm(90.0f)));
}

float max_scroll(const DragScroll& scroll, const Rect& area) {
    return std::max(0.0f, scroll.content_height - area.height());
}

bool more_above(const DragScroll& scroll) { return scroll.offset > 1; }
bool more_below(const DragScroll& scroll, const Rect& area) { return scroll.offset < max_scroll(scroll, area) - 1; }

// Where the list shows through: the area less the band at each end with more beyond it. A
// page only a few millimetres too tall (its bottom margin) gets no bands: they would hide
// more than there is to see.
Rect shown_part(const Ui& ui, const DragScroll& scroll, const Rect& area) {
    Rect shown = area;
    if (max_scroll(scroll, area) <= ui.mm(6.0f)) return shown;
    if (more_above(scroll)) shown.y0 += scroll_band_height(ui, scroll);
    if (more_below(scroll, area)) shown.y1 -= scroll_band_height(ui, scroll);
    return shown;
}

// A band across the area with one button in the middle and an arrow at each side of its
// label, pointing the way the list goes on. Tapped: true.
bool scroll_band(Ui& ui, std::string_view id, const Rect& band, const std::string& label, bool down) {
    ui.draw->AddRectFilled(band.min(), band.max(), ui.theme->background.packed());
    const float gap = ui.mm(min_gap_mm);
    const float h = band.height() - gap - ui.mm(1.0f);
    const float y0 = down ? band.y1 - h : band.y0;
    const float w = band_button_width(ui, band);
    const Rect button{band.centre().x - w / 2, y0, band.centre().x + w / 2, y0 + h};
    const bool tapped = touch_button(ui, id, button, Look::normal, {label, {}, {}, false, false});
    const float a = ui.mm(4.0f);
    const float cy = button.centre().y;
    const unsigned int colour = ui.theme->text.packed();
    for (const float cx : {button.x0 + ui.mm(9.0f), button.x1 - ui.mm(9.0f)}) {
        if (down)
            ui.draw->AddTriangleFilled(ImVec2(cx - a, cy - a / 2), ImVec2(cx + a, cy - a / 2), ImVec2(cx, cy + a), colour);
        else
            ui.draw->AddTriangleFilled(ImVec2(cx - a, cy + a / 2), ImVec2(cx, cy - a), ImVec2(cx + a, cy + a / 2), colour);
    }
    return tapped;
}

}  // namespace

void begin_drag_scroll(Ui& ui, DragScroll& scroll, const Rect& area) {
    const ImGuiIO& io = ImGui::GetIO();
    const auto inside = [&](ImVec2 p) { return p.x >= area.x0 && p.x < area.x1 && p.y >= area.y0 && p.y < area.y1; };
    if (io.MouseClicked[0]) {
        scroll.press_inside = inside(io.MouseClickedPos[0]);
        scroll.dragging = false;
    }
    if (io.MouseDown[0] && scroll.press_inside) {
        const float dy = io.MousePos.y - io.MouseClickedPos[0].y;
        if (!scroll.dragging && std::fabs(dy) > ui.mm(4.0f)) scroll.dragging = true;
        if (scroll.dragging) scroll.offset -= io.MouseDelta.y;
    }
    scroll.offset = std::clamp(scroll.offset, 0.0f, max_scroll(scroll, area));
    ui.suppress_clicks = scroll.dragging;
    scroll.shown = shown_part(ui, scroll, area);
    ui.clip = scroll.shown;
    ImGui::PushClipRect(ui.clip.min(), ui.clip.max(), true);
}

bool end_drag_scroll(Ui& ui, DragScroll& scroll, const Rect& area, float content_height, const ScrollLabels& labels) {
    ImGui::PopClipRect();
    ui.clip = Rect{};
    scroll.content_height = content_height;
    const float max_offset = max_scroll(scroll, area);
    scroll.offset = std::clamp(scroll.offset, 0.0f, max_offset);
    if (!ImGui::GetIO().MouseDown[0] && !ImGui::GetIO().MouseReleased[0]) {
        scroll.dragging = false;
        scroll.press_inside = false;
    }
    // The bands are where begin left room for them (the list was clipped there): a change
    // of height shows from the next frame on, and the window draws a few after any input.
    const Rect shown = scroll.shown;
    const float width = band_button_width(ui, area);
    scroll.band_height = std::max(band_button_height(ui, labels.more_below, width),
                                  band_button_height(ui, labels.more_above, width));
    const Rect next = shown_part(ui, scroll, area);
    const bool settled = next.y0 == shown.y0 && next.y1 == shown.y1;
    if (max_offset <= 0 || shown.height() <= 0) {
        ui.suppress_clicks = false;
        return settled;
    }
    // A position bar (not a control) beside the list, and the bands at its ends.
    const unsigned int colour = ui.theme->text.packed();
    const float bar_w = ui.mm(1.5f);
    const float track = shown.height();
    const float thumb = std::max(ui.mm(10.0f), track * area.height() / content_height);
    const float top = shown.y0 + (track - thumb) * (scroll.offset / max_offset);
    ui.draw->AddRectFilled(ImVec2(area.x1 - bar_w, top), ImVec2(area.x1, top + thumb), colour, bar_w / 2);
    const float page = std::max(shown.height() * 0.8f, ui.mm(20.0f));
    const bool above = shown.y0 > area.y0;
    const bool below = shown.y1 < area.y1;
    if (above && scroll_band(ui, "scroll.more_above", Rect{area.x0, area.y0, area.x1, shown.y0}, labels.more_above, false))
        scroll.offset = std::max(0.0f, scroll.offset - page);
    if (below && scroll_band(ui, "scroll.more_below", Rect{area.x0, shown.y1, area.x1, area.y1}, labels.more_below, true))
        scroll.offset = std::min(max_offset, scroll.offset + page);
    ui.suppress_clicks = false;
    return settled;
}

}  // namespace skranke::ui
