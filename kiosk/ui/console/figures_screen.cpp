// Today's figures from the local replica (they work offline too): counts, waiting and
// service times, tickets per hour and per need drawn with ImGui's plots, and the CSV export
// (from the hub, which has every counter's events).
#include <imgui.h>

#include <algorithm>
#include <vector>

#include "console/console_screens.hpp"

namespace skranke::console {
namespace {

std::string duration_text(const std::optional<std::int64_t>& ms) {
    if (!ms) return "–";
    return minutes_text(*ms) == "0 min" ? std::to_string(*ms / 1000) + " s" : minutes_text(*ms);
}

}  // namespace

void draw_figures_screen(ConsoleContext& c) {
    const DayFigures& f = c.state.figures;
    const unsigned int ink = c.ui.theme->text.packed();
    const float x = c.area.x0, w = c.area.width();
    float y = c.area.y0;
    y += c.text(c.fonts.heading, ui::fill(c.st("console.figures_title"), {{"day", c.state.day}}), x, y, w - 320, ink);
    if (c.button("export_csv", {c.area.x1 - 300, c.area.y0, c.area.x1, c.area.y0 + 52}, c.st("console.export_csv")))
        c.emit(IntentKind::export_csv);
    y = std::max(y, c.area.y0 + 52) + 16;

    // The counts as large tiles.
    const struct {
        const char* key;
        std::string value;
    } tiles[] = {
        {"console.fig_issued", std::to_string(f.issued)},
        {"console.fig_waiting", std::to_string(f.waiting_now)},
        {"console.fig_served", std::to_string(f.served)},
        {"console.fig_no_shows", std::to_string(f.no_shows)},
        {"console.fig_wait_median", duration_text(f.wait.median_ms)},
        {"console.fig_wait_p90", duration_text(f.wait.p90_ms)},
        {"console.fig_service_median", duration_text(f.service.median_ms)},
        {"console.fig_service_p90", duration_text(f.service.p90_ms)},
    };
    const float gap = 12, tile_w = (w - gap * 7) / 8, tile_h = c.fonts.big->FontSize + c.fonts.text->FontSize * 2.6f;
    float tx = x;
    for (const auto& tile : tiles) {
        c.ui.draw->AddRectFilled(ImVec2(tx, y), ImVec2(tx + tile_w, y + tile_h), IM_COL32(0xFF, 0xFF, 0xFF, 0xFF), 6);
        ImFont* value_font = c.fonts.big->CalcTextSizeA(c.fonts.big->FontSize, 1e9f, 0, tile.value.c_str()).x > tile_w - 20
                                 ? c.fonts.heading  // "1 h 24 min" in a narrow tile
                                 : c.fonts.big;
        c.ui.draw->AddText(value_font, value_font->FontSize, ImVec2(tx + 10, y + 6), ink, tile.value.c_str());
        ui::draw_text(c.ui, c.fonts.text, c.st(tile.key), {tx + 10, y + 10 + c.fonts.big->FontSize, tx + tile_w - 6, y + tile_h}, ink);
        tx += tile_w + gap;
    }
    y += tile_h + 12;
    y += c.text(c.fonts.text,
                ui::fill(c.st("console.fig_callbacks"),
                         {{"count", std::to_string(f.callbacks)}, {"done", std::to_string(f.callbacks_done)},
                          {"not_reached", std::to_string(f.callbacks_not_reached)},
                          {"waiting", std::to_string(f.callbacks_waiting)}}),
                x, y, w, ink) +
         16;

    // Tickets per hour over the opening day (07-18, wider if tickets came outside it).
    int first = 7, last = 18;
    for (const auto& [hour, count] : f.issued_by_hour) {
        first = std::min(first, hour);
        last = std::max(last, hour);
    }
    std::vector<float> per_hour;
    for (int h = first; h <= last; ++h) {
        const auto it = f.issued_by_hour.find(h);
        per_hour.push_back(it == f.issued_by_hour.end() ? 0.0f : static_cast<float>(it->second));
    }
    const float chart_h = std::max(160.0f, (c.area.y1 - y) / 2 - 60);
    const float half = (w - 30) / 2;
    float peak = 1;
    for (float v : per_hour) peak = std::max(peak, v);
    c.text(c.fonts.text, ui::fill(c.st("console.chart_per_hour"), {{"from", std::to_string(first)}, {"to", std::to_string(last)}}),
           x, y, half, ink);
    ImGui::SetCursorScreenPos(ImVec2(x, y + c.fonts.text->FontSize + 6));
    ImGui::PlotHistogram("##per_hour", per_hour.data(), static_cast<int>(per_hour.size()), 0, nullptr, 0, peak * 1.15f,
                         ImVec2(half, chart_h));
    // Hour labels under the bars (ImGui's plots have no axis).
    const float chart_top = y + c.fonts.text->FontSize + 6;
    const float bar_w = (half - 2 * ImGui::GetStyle().FramePadding.x) / static_cast<float>(per_hour.size());
    for (std::size_t i = 0; i < per_hour.size(); ++i) {
        const std::string label = std::to_string(first + static_cast<int>(i));
        const float lx = x + ImGui::GetStyle().FramePadding.x + bar_w * (static_cast<float>(i) + 0.5f) -
                         c.fonts.text->CalcTextSizeA(c.fonts.text->FontSize, 1e9f, 0, label.c_str()).x / 2;
        c.ui.draw->AddText(c.fonts.text, c.fonts.text->FontSize, ImVec2(lx, chart_top + chart_h + 2), ink, label.c_str());
    }

    // Tickets per need.
    std::vector<float> per_need;
    std::string legend;
    int index = 1;
    for (const auto& [need, count] : f.issued_by_need) {
        per_need.push_back(static_cast<float>(count));
        legend += std::to_string(index++) + " " + c.need("need." + need) + " (" + std::to_string(count) + ")   ";
    }
    float need_peak = 1;
    for (float v : per_need) need_peak = std::max(need_peak, v);
    c.text(c.fonts.text, c.st("console.chart_per_need"), x + half + 30, y, half, ink);
    ImGui::SetCursorScreenPos(ImVec2(x + half + 30, y + c.fonts.text->FontSize + 6));
    ImGui::PlotHistogram("##per_need", per_need.data(), static_cast<int>(per_need.size()), 0, nullptr, 0,
                         need_peak * 1.15f, ImVec2(half, chart_h));
    const float need_w = (half - 2 * ImGui::GetStyle().FramePadding.x) / static_cast<float>(std::max<std::size_t>(1, per_need.size()));
    for (std::size_t i = 0; i < per_need.size(); ++i) {
        const std::string label = std::to_string(i + 1);
        const float lx = x + half + 30 + ImGui::GetStyle().FramePadding.x + need_w * (static_cast<float>(i) + 0.5f) -
                         c.fonts.text->CalcTextSizeA(c.fonts.text->FontSize, 1e9f, 0, label.c_str()).x / 2;
        c.ui.draw->AddText(c.fonts.text, c.fonts.text->FontSize, ImVec2(lx, chart_top + chart_h + 2), ink, label.c_str());
    }
    y += c.fonts.text->FontSize + 6 + chart_h + c.fonts.text->FontSize + 10;
    y += c.text(c.fonts.text, legend, x + half + 30, y, half, ink) + 16;

    // Waiting time per need: median and 90th percentile.
    std::vector<float> medians;
    std::string wait_legend;
    for (const auto& [need, spread] : f.wait_by_need) {
        medians.push_back(spread.median_ms ? static_cast<float>(*spread.median_ms) / 60000.0f : 0.0f);
        wait_legend += c.need("need." + need) + ": " + duration_text(spread.median_ms) + " / " + duration_text(spread.p90_ms) + "   ";
    }
    if (!medians.empty() && y + 120 < c.area.y1) {
        c.text(c.fonts.text, c.st("console.chart_wait_by_need"), x, y, w, ink);
        y += c.fonts.text->FontSize + 6;
        ImGui::SetCursorScreenPos(ImVec2(x, y));
        ImGui::PlotLines("##wait_by_need", medians.data(), static_cast<int>(medians.size()), 0, nullptr, 0, FLT_MAX,
                         ImVec2(half, std::min(chart_h, c.area.y1 - y - 10)));
        c.text(c.fonts.text, wait_legend, x + half + 30, y, half, ink);
    }
}

}  // namespace skranke::console
