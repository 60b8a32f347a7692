#include "display/display_screen.hpp"

#include <algorithm>

#include <imgui.h>

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

ImVec2 size_of(ImFont* font, const std::string& text) {
    return font->CalcTextSizeA(font->FontSize, 1e9f, 0, text.c_str());
}

void centred(ImDrawList* draw, ImFont* font, const std::string& text, float cx, float y, unsigned int colour) {
    draw->AddText(font, font->FontSize, ImVec2(cx - size_of(font, text).x / 2, y), colour, text.c_str());
}

}  // namespace

ui::RoleFontSizes display_font_sizes(float screen_height) {
    ui::RoleFontSizes sizes;
    sizes.text_px = std::max(18.0f, screen_height * 0.032f);
    sizes.heading_px = std::max(24.0f, screen_height * 0.05f);
    sizes.big_px = std::max(32.0f, screen_height * 0.085f);
    sizes.huge_px = std::max(64.0f, screen_height * 0.30f);
    return sizes;
}

void draw_display(const DisplayState& state, const ui::Translations& texts, const std::string& language,
                  const ui::RoleFonts& fonts) {
    const auto st = [&](const char* key) { return texts.text(language, key); };
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
    const float pad = size.y * 0.025f;

    // Top bar: office name, clock, and the offline mark beside the clock.
    const float bar_h = fonts.heading->FontSize + pad * 1.4f;
    draw->AddRectFilled(ImVec2(0, 0), ImVec2(size.x, bar_h), bar);
    const float bar_y = (bar_h - fonts.heading->FontSize) / 2;
    draw->AddText(fonts.heading, fonts.heading->FontSize, ImVec2(pad, bar_y), ink, state.office_name.c_str());
    const float clock_w = size_of(fonts.heading, state.clock).x;
    draw->AddText(fonts.heading, fonts.heading->FontSize, ImVec2(size.x - pad - clock_w, bar_y), ink, state.clock.c_str());
    if (state.offline) {
        const std::string mark = st("display.offline");
        const float w = size_of(fonts.text, mark).x;
        const float r = fonts.text->FontSize * 0.22f;
        const float x = size.x - pad * 2 - clock_w - w;
        const float y = (bar_h - fonts.text->FontSize) / 2;
        draw->AddCircleFilled(ImVec2(x - r * 2.2f, bar_h / 2), r, muted);
        draw->AddText(fonts.text, fonts.text->FontSize, ImVec2(x, y), muted, mark.c_str());
    }

    // The room is full: said in the bar's middle, large, in the bright colour.
    if (state.room_full) {
        const std::string full = st("display.room_full");
        centred(draw, fonts.heading, full, size.x / 2, bar_y, highlight_fill);
    }

    // The newest call.
    const float main_top = bar_h + pad;
    const float main_h = fonts.huge->FontSize + fonts.big->FontSize * 2.2f + pad;
    const bool lit = state.highlight && state.newest;
    draw->AddRectFilled(ImVec2(pad, main_top), ImVec2(size.x - pad, main_top + main_h), lit ? highlight_fill : panel,
                        pad * 0.6f);
    const unsigned int main_ink = lit ? highlight_ink : ink;
    if (state.newest) {
        const float cx = size.x / 2;
        centred(draw, fonts.big, st("display.number"), cx, main_top + pad * 0.4f, main_ink);
        centred(draw, fonts.huge, state.newest->number, cx, main_top + pad * 0.4f + fonts.big->FontSize * 0.9f, main_ink);
        const std::string where = ui::fill(st("display.to_counter"), {{"counter", state.newest->counter}});
        centred(draw, fonts.big, where, cx, main_top + main_h - fonts.big->FontSize - pad * 0.5f, main_ink);
    } else {
        centred(draw, fonts.big, st("display.waiting_for_first"), size.x / 2,
                main_top + (main_h - fonts.big->FontSize) / 2, main_ink);
    }

    // Earlier calls: number and counter cards, newest first, in rows of four.
    float y = main_top + main_h + pad;
    if (!state.earlier.empty()) {
        draw->AddText(fonts.text, fonts.text->FontSize, ImVec2(pad, y), muted, st("display.earlier").c_str());
        y += fonts.text->FontSize + pad * 0.4f;
    }
    const int columns = 4;
    const float gap = pad * 0.8f;
    const float card_w = (size.x - 2 * pad - gap * (columns - 1)) / columns;
    const float card_h = fonts.heading->FontSize * 1.2f + fonts.text->FontSize * 1.4f;
    for (std::size_t i = 0; i < state.earlier.size(); ++i) {
        const float x = pad + static_cast<float>(i % columns) * (card_w + gap);
        const float top = y + static_cast<float>(i / columns) * (card_h + gap);
        if (top + card_h > size.y) break;
        draw->AddRectFilled(ImVec2(x, top), ImVec2(x + card_w, top + card_h), card, pad * 0.3f);
        const ShownCall& call = state.earlier[i];
        draw->AddText(fonts.big, fonts.heading->FontSize * 1.1f, ImVec2(x + pad * 0.5f, top + pad * 0.2f), ink,
                      call.number.c_str());
        const std::string where = ui::fill(st("display.to_counter"), {{"counter", call.counter}});
        draw->AddText(fonts.text, fonts.text->FontSize, ImVec2(x + pad * 0.5f, top + card_h - fonts.text->FontSize * 1.3f),
                      muted, where.c_str());
    }
    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(2);
}

}  // namespace skranke::display
