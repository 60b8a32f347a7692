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
    if (ui.recorder) ui.recorder->add({std::string(id), content.label, rect, visible});

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
        const float label_w = ui.body()->CalcTextSizeA(ui.body()->FontSize, 1e9f, 0.0f, content.label.c_str()).x;
        if (label_w + side + 3 * pad > r.width()) {
            const Rect box{r.centre().x - side / 2, r.centre().y - side / 2, r.centre().x + side / 2,
                           r.centre().y + side / 2};
            draw_pictogram(ui.draw, content.pictogram, box, s.text.packed());
            ui.say(content.label);
            return released_on && !ui.suppress_clicks && !content.disabled;
        }
    }
    if (!content.pictogram.empty()) {
        const bool tall = r.height() > r.width() * 0.9f;
        if (tall) {
            const float side = std::min(r.width() - 2 * pad, (r.height() - 2 * pad) * 0.55f);
            const Rect box{r.centre().x - side / 2, r.y0 + pad, r.centre().x + side / 2, r.y0 + pad + side};
            draw_pictogram(ui.draw, content.pictogram, box, s.text.packed());
            text_area.y0 = box.y1 + pad / 2;
        } else {
            const float side = std::min(r.height() - 2 * pad, ui.mm(26.0f));
            const Rect box{r.x0 + pad, r.centre().y - side / 2, r.x0 + pad + side, r.centre().y + side / 2};
            draw_pictogram(ui.draw, content.pictogram, box, s.text.packed());
            text_area.x0 = box.x1 + pad;
            align = Align::left;
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
    float y = content.pictogram.empty() || align == Align::left
                  ? text_area.y0 + std::max(0.0f, (text_area.height() - total) / 2)
                  : text_area.y0 + std::max(0.0f, (text_area.height() - total) / 2);
    ui.draw->PushClipRect(r.min(), r.max(), true);
    y += draw_text(ui, font, content.label, Rect{text_area.x0, y, text_area.x1, text_area.y1}, s.text.packed(), align);
    if (!detail.empty())  // a field's typed text is shown to its end, long words broken (last_lines)
        draw_text(ui, font, detail, Rect{text_area.x0, y, text_area.x1, text_area.y1}, s.text.packed(), align, true,
                  content.detail_lines > 0 ? LongWords::break_inside : LongWords::shrink);
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
    ui.suppress_clicks = scroll.dragging;
    ui.clip = area;
    ImGui::PushClipRect(area.min(), area.max(), true);
}

void end_drag_scroll(Ui& ui, DragScroll& scroll, const Rect& area, float content_height) {
    ImGui::PopClipRect();
    ui.clip = Rect{};
    ui.suppress_clicks = false;
    const float max_offset = std::max(0.0f, content_height - area.height());
    scroll.offset = std::clamp(scroll.offset, 0.0f, max_offset);
    if (!ImGui::GetIO().MouseDown[0] && !ImGui::GetIO().MouseReleased[0]) {
        scroll.dragging = false;
        scroll.press_inside = false;
    }
    if (max_offset <= 0) return;
    // A position bar (not a control) and arrows that say more is above or below.
    const unsigned int colour = ui.theme->text.packed();
    const float bar_w = ui.mm(1.5f);
    const float track = area.height();
    const float thumb = std::max(ui.mm(10.0f), track * area.height() / content_height);
    const float top = area.y0 + (track - thumb) * (scroll.offset / max_offset);
    ui.draw->AddRectFilled(ImVec2(area.x1 - bar_w, top), ImVec2(area.x1, top + thumb), colour, bar_w / 2);
    const float a = ui.mm(4.0f);
    const float cx = area.x1 - bar_w - ui.mm(6.0f);
    if (scroll.offset < max_offset - 1)
        ui.draw->AddTriangleFilled(ImVec2(cx - a, area.y1 - a * 1.5f), ImVec2(cx + a, area.y1 - a * 1.5f),
                                   ImVec2(cx, area.y1 - a * 0.3f), colour);
    if (scroll.offset > 1)
        ui.draw->AddTriangleFilled(ImVec2(cx - a, area.y0 + a * 1.5f), ImVec2(cx + a, area.y0 + a * 1.5f),
                                   ImVec2(cx, area.y0 + a * 0.3f), colour);
}

}  // namespace skranke::ui
