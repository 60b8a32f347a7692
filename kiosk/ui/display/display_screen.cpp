#include "display/display_screen.hpp"

#include <algorithm>
#include <cmath>

#include <imgui.h>

#include "shell/bidi.hpp"
#include "shell/fonts.hpp"
#include "shell/text.hpp"

namespace skranke::display {
namespace {

// Dark room-friendly colours; every text colour is 7:1 or more against its background.
constexpr unsigned int background = IM_COL32(0x0B, 0x1F, 0x3A, 0xFF);
constexpr unsigned int bar = IM_COL32(0x06, 0x14, 0x28, 0xFF);
constexpr unsigned int ink = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
constexpr unsigned int muted = IM_COL32(0xC8, 0xD3, 0xE0, 0xFF);
constexpr unsigned int highlight_fill = IM_COL32(0xFF, 0xD8, 0x4D, 0xFF);  // fresh call: yellow panel
constexpr unsigned int highlight_ink = IM_COL32(0x11, 0x11, 0x11, 0xFF);
constexpr unsigned int panel = IM_COL32(0x14, 0x33, 0x5C, 0xFF);
constexpr unsigned int card = IM_COL32(0x10, 0x2A, 0x4C, 0xFF);

// Measured and drawn as the kiosk's text is: Arabic joined, and a label with right-to-left
// letters in right-to-left order (shell/text.hpp).
ImVec2 size_of(ImFont* font, const std::string& text) {
    return {ui::text_width(font, text.data(), text.data() + text.size()), font->FontSize};
}

// The size to draw text at so that it is at most max_w wide: the font's own, or smaller
// only when a long name or translation would not fit.
float fitted(ImFont* font, const std::string& text, float max_w) {
    const float w = size_of(font, text).x;
    return w <= max_w || w <= 0 ? font->FontSize : font->FontSize * std::max(0.0f, max_w) / w;
}

void text_at(ImDrawList* draw, ImFont* font, float size, ImVec2 at, unsigned int colour, const std::string& text) {
    ui::draw_line(draw, font, size, at, colour, text.data(), text.data() + text.size(), ui::has_rtl(text));
}

void centred(ImDrawList* draw, ImFont* font, const std::string& text, float cx, float y, float max_w, unsigned int colour) {
    const float size = fitted(font, text, max_w);
    const float w = size_of(font, text).x * size / font->FontSize;
    text_at(draw, font, size, ImVec2(cx - w / 2, y), colour, text);
}

// Where everything goes, from the fonts' sizes alone: display_font_sizes and draw_display
// use the same sums, so the sizes chosen are the sizes that fit.
struct Layout {
    float pad, bar_h;
    float panel_top, panel_h;   // the newest call's panel; the earlier calls' list beside it
    float list_x, list_w;
    float label_h, row_h, row_gap;
    float number_max_h;         // room for the called number's line (font px)
    float number_max_w;         // room for its width
};

// A ticket number ("B 017") is about 4.4 capitals wide in the bold font.
constexpr float number_width_in_caps = 4.8f;

Layout layout_for(ImVec2 size, float text_px, float heading_px, float big_px) {
    Layout l{};
    l.pad = text_px * 0.3f;
    l.bar_h = heading_px + l.pad * 1.4f;
    l.panel_top = l.bar_h + l.pad;
    l.panel_h = size.y - l.panel_top - l.pad;
    // Wide enough for "B 017   Skranke 12" at the list's size; never more than half the screen.
    l.list_w = std::min(text_px * 9.0f, size.x * 0.5f);
    l.list_x = size.x - l.pad - l.list_w;
    l.label_h = text_px + l.pad * 0.4f;
    l.row_h = heading_px * 1.2f;
    l.row_gap = l.pad * 0.4f;
    l.number_max_h = l.panel_h - big_px * 2.2f;
    l.number_max_w = l.list_x - l.pad * 3;
    return l;
}

}  // namespace

ui::PhysicalScale DisplayScreen::scale() const {
    return ui::PhysicalScale{std::hypot(width_px, height_px) / diagonal_inches};
}

float font_px_per_cap_px(const std::vector<std::filesystem::path>& font_dirs) {
    float ratio = 0;
    for (const ui::FontFile* file : {&ui::regular_font(), &ui::bold_font()}) {
        const auto path = ui::find_font(*file, font_dirs);
        if (!path) continue;
        static const ImWchar only_h[] = {'H', 'H', 0};
        constexpr float probe_px = 200;
        ImFontAtlas atlas;
        ImFont* font = atlas.AddFontFromFileTTF(path->c_str(), probe_px, nullptr, only_h);
        if (font && atlas.Build() && ui::cap_height_px(font) > 0)
            ratio = std::max(ratio, probe_px / ui::cap_height_px(font));
    }
    return ratio > 0 ? ratio : 1.6f;  // no fonts: the start stops at building them, with the package to install
}

ui::RoleFontSizes display_font_sizes(const DisplayScreen& screen, float font_px_per_cap) {
    const float px_per_cap_mm = screen.scale().px(font_px_per_cap);  // font px for 1 mm capitals
    const ImVec2 size(screen.width_px, screen.height_px);
    ui::RoleFontSizes sizes;
    // Smaller than the mm only when the window cannot hold the called number at 1.5 times the
    // secondary text beside the list (a try-out window, or a diagonal set far too large).
    for (float scale = 1.0f; scale > 0.05f; scale *= 0.95f) {
        sizes.text_px = secondary_cap_mm * px_per_cap_mm * scale;
        sizes.heading_px = sizes.text_px;
        sizes.big_px = counter_cap_mm * px_per_cap_mm * scale;
        const Layout l = layout_for(size, sizes.text_px, sizes.heading_px, sizes.big_px);
        sizes.huge_px = std::min({l.number_max_h, l.number_max_w / number_width_in_caps * font_px_per_cap,
                                  max_number_cap_mm * px_per_cap_mm});
        if (sizes.huge_px >= sizes.text_px * 1.5f) break;
    }
    return sizes;
}

void draw_display(const DisplayState& state, const ui::Translations& texts, const ui::RoleFonts& fonts) {
    const auto st = [&](const char* key) { return texts.text(state.language, key); };
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, background);
    ImGui::Begin("display", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoInputs);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const Layout l = layout_for(size, fonts.text->FontSize, fonts.heading->FontSize, fonts.big->FontSize);
    const float pad = l.pad;

    // Top bar: clock right, the offline mark beside it; the office name left, or in its place
    // "the room is full" in the bright colour.
    draw->AddRectFilled(ImVec2(0, 0), ImVec2(size.x, l.bar_h), bar);
    const float bar_y = (l.bar_h - fonts.heading->FontSize) / 2;
    const float clock_w = size_of(fonts.heading, state.clock).x;
    float right_x = size.x - pad - clock_w;
    text_at(draw, fonts.heading, fonts.heading->FontSize, ImVec2(right_x, bar_y), ink, state.clock);
    if (state.offline) {
        const std::string mark = st("display.offline");
        const float w = size_of(fonts.text, mark).x;
        const float r = fonts.text->FontSize * 0.22f;
        right_x -= pad + w;
        text_at(draw, fonts.text, fonts.text->FontSize, ImVec2(right_x, (l.bar_h - fonts.text->FontSize) / 2), muted,
                mark);
        right_x -= r * 3.2f;
        draw->AddCircleFilled(ImVec2(right_x + r, l.bar_h / 2), r, muted);
    }
    const std::string left = state.room_full ? st("display.room_full") : state.office_name;
    const float left_size = fitted(fonts.heading, left, right_x - pad * 2);
    text_at(draw, fonts.heading, left_size, ImVec2(pad, (l.bar_h - left_size) / 2), state.room_full ? highlight_fill : ink,
            left);

    // The newest call, left; the whole width until there are earlier calls.
    const float panel_right = state.earlier.empty() ? size.x - pad : l.list_x - pad;
    const float panel_w = panel_right - pad;
    const bool lit = state.highlight && state.newest;
    draw->AddRectFilled(ImVec2(pad, l.panel_top), ImVec2(panel_right, l.panel_top + l.panel_h),
                        lit ? highlight_fill : panel, pad * 0.6f);
    const unsigned int main_ink = lit ? highlight_ink : ink;
    const float cx = pad + panel_w / 2;
    const float inner_w = panel_w - pad;
    const float big = fonts.big->FontSize;
    if (state.newest) {
        const float huge = std::min(fonts.huge->FontSize, l.number_max_h);
        const float top = l.panel_top + (l.panel_h - huge - big * 2.2f) / 2;
        centred(draw, fonts.big, st("display.number"), cx, top, inner_w, main_ink);
        const float number_size = std::min(huge, fitted(fonts.huge, state.newest->number, inner_w));
        const float number_w = fonts.huge->CalcTextSizeA(number_size, 1e9f, 0, state.newest->number.c_str()).x;
        text_at(draw, fonts.huge, number_size, ImVec2(cx - number_w / 2, top + big * 0.9f + (huge - number_size) / 2),
                main_ink, state.newest->number);
        const std::string where = ui::fill(st("display.to_counter"), {{"counter", state.newest->counter}});
        centred(draw, fonts.big, where, cx, top + big * 1.2f + huge, inner_w, main_ink);
    } else {
        centred(draw, fonts.big, st("display.waiting_for_first"), cx, l.panel_top + (l.panel_h - big) / 2, inner_w,
                main_ink);
    }

    // Earlier calls, newest first, one row each (number, then counter), as many as fit.
    if (!state.earlier.empty()) {
        const std::string label = st("display.earlier");
        text_at(draw, fonts.text, fitted(fonts.text, label, l.list_w), ImVec2(l.list_x, l.panel_top), muted, label);
    }
    const float bottom = size.y - pad;
    for (std::size_t i = 0; i < state.earlier.size(); ++i) {
        const float top = l.panel_top + l.label_h + static_cast<float>(i) * (l.row_h + l.row_gap);
        if (top + l.row_h > bottom) break;
        draw->AddRectFilled(ImVec2(l.list_x, top), ImVec2(l.list_x + l.list_w, top + l.row_h), card, pad * 0.3f);
        const ShownCall& call = state.earlier[i];
        const std::string where = ui::fill(st("display.to_counter"), {{"counter", call.counter}});
        // Both at their own size when they fit side by side; both smaller when a long counter name does not.
        const float room = l.list_w - pad * 2;
        const float wide = size_of(fonts.heading, call.number).x + size_of(fonts.text, where).x;
        const float shrink = wide > room ? room / wide : 1.0f;
        const float number_size = fonts.heading->FontSize * shrink;
        const float where_size = fonts.text->FontSize * shrink;
        text_at(draw, fonts.heading, number_size, ImVec2(l.list_x + pad * 0.5f, top + (l.row_h - number_size) / 2), ink,
                call.number);
        const float where_w = size_of(fonts.text, where).x * shrink;
        text_at(draw, fonts.text, where_size, ImVec2(l.list_x + l.list_w - pad * 0.5f - where_w, top + (l.row_h - where_size) / 2),
                muted, where);
    }
    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(2);
}

}  // namespace skranke::display
