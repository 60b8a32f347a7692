#include "console/console_view.hpp"

#include <imgui.h>

#include "console/console_screens.hpp"
#include "shell/theme.hpp"

namespace skranke::console {

std::string minutes_text(std::int64_t ms) {
    const std::int64_t minutes = ms / 60000;
    if (minutes < 60) return std::to_string(minutes) + " min";
    char text[32];
    std::snprintf(text, sizeof text, "%lld h %02lld min", static_cast<long long>(minutes / 60),
                  static_cast<long long>(minutes % 60));
    return text;
}

namespace {

constexpr unsigned int banner_offline = IM_COL32(0xFF, 0xE0, 0x8A, 0xFF);  // amber: attention, not alarm
constexpr unsigned int banner_silent = IM_COL32(0xFF, 0xF1, 0xC9, 0xFF);   // paler: a note, not a stop
constexpr unsigned int banner_urgent = IM_COL32(0x8A, 0x0F, 0x0F, 0xFF);
constexpr unsigned int text_dark = IM_COL32(0x11, 0x11, 0x11, 0xFF);
constexpr unsigned int text_light = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);

void style_widgets(const ui::RoleFonts& fonts) {
    ImGuiStyle& style = ImGui::GetStyle();
    ImGui::StyleColorsLight(&style);
    style.FramePadding = ImVec2(8, 6);
    style.CellPadding = ImVec2(8, 6);
    style.ItemSpacing = ImVec2(10, 8);
    style.Colors[ImGuiCol_WindowBg] = ImColor(0xF5, 0xF3, 0xEE);
    style.Colors[ImGuiCol_ChildBg] = ImColor(0xF5, 0xF3, 0xEE);
    style.Colors[ImGuiCol_PlotHistogram] = ImColor(0x0A, 0x3D, 0x78);
    style.Colors[ImGuiCol_PlotLines] = ImColor(0x0A, 0x3D, 0x78);
    style.Colors[ImGuiCol_TableHeaderBg] = ImColor(0xE3, 0xE8, 0xEF);
    ImGui::GetIO().FontDefault = fonts.text;
}

// Top bar: title, who and where, the pages, sign out. Returns its bottom.
float draw_top_bar(ConsoleContext& c, const ui::Rect& screen) {
    const float h = c.fonts.heading->FontSize * 2.2f;
    const ui::Theme& theme = *c.ui.theme;
    c.ui.draw->AddRectFilled(ImVec2(0, 0), ImVec2(screen.x1, h), theme.bar.packed());
    const float pad = 16;
    c.ui.draw->AddText(c.fonts.heading, c.fonts.heading->FontSize, ImVec2(pad, (h - c.fonts.heading->FontSize) / 2),
                       theme.bar_text.packed(), c.st("console.title").c_str());
    if (!c.state.signed_in) return h;
    const std::string who = ui::fill(c.st("console.signed_in_as"), {{"name", c.state.staff_name}, {"counter", c.state.counter}});
    const float title_w = c.fonts.heading->CalcTextSizeA(c.fonts.heading->FontSize, 1e9f, 0, c.st("console.title").c_str()).x;
    c.ui.draw->AddText(c.fonts.text, c.fonts.text->FontSize, ImVec2(pad * 2 + title_w, (h - c.fonts.text->FontSize) / 2),
                       theme.bar_text.packed(), who.c_str());
    // Pages and sign-out on the right.
    const float bw = 190, gap = 10, bh = h - 16;
    float x = screen.x1 - pad - bw;
    if (c.button("sign_out", {x, 8, x + bw, 8 + bh}, c.st("console.sign_out"))) c.emit(IntentKind::sign_out);
    const struct {
        Page page;
        const char* id;
        std::string label;
    } pages[] = {
        {Page::figures, "page.figures", c.st("console.page_figures")},
        {Page::callbacks, "page.callbacks",
         ui::fill(c.st("console.page_callbacks"), {{"count", std::to_string(c.state.callbacks.size())}})},
        {Page::queue, "page.queue", ui::fill(c.st("console.page_queue"), {{"count", std::to_string(c.state.waiting_total)}})},
    };
    for (const auto& p : pages) {
        x -= bw + gap;
        if (c.button(p.id, {x, 8, x + bw, 8 + bh}, p.label, c.state.page == p.page ? ui::Look::selected : ui::Look::normal)) {
            Intent i;
            i.kind = IntentKind::show_page;
            i.page = p.page;
            c.emit(i);
        }
    }
    return h;
}

// What still works and what does not while the hub is away. Returns its bottom.
float draw_offline_banner(ConsoleContext& c, float top, float width) {
    if (c.state.online) return top;
    const std::string text = ui::fill(c.st("console.offline_banner"), {{"count", std::to_string(c.state.outbox_depth)}});
    const float pad = 12;
    const float h = ui::text_height(c.fonts.text, text, width - 2 * pad) + 2 * pad;
    c.ui.draw->AddRectFilled(ImVec2(0, top), ImVec2(width, top + h), banner_offline);
    ui::draw_text(c.ui, c.fonts.text, text, {pad, top + pad, width - pad, top + h}, text_dark);
    return top + h;
}

// Kiosks of the office that need someone: the hub has not heard from one (staff tell IT),
// or its printer is out of paper, open or off (staff fix it); and visitors an SMS did not
// reach (staff tell them in person). One small line each.
float draw_silent_kiosks(ConsoleContext& c, float top, float width) {
    if (!c.state.signed_in) return top;
    std::vector<std::string> lines = c.state.sms_alerts;
    lines.insert(lines.end(), c.state.printer_alerts.begin(), c.state.printer_alerts.end());
    if (!c.state.silent_kiosks.empty()) lines.insert(lines.begin(), c.state.silent_kiosks);
    const float pad = 6;
    for (const std::string& line : lines) {
        const float h = ui::text_height(c.fonts.text, line, width - 32) + 2 * pad;
        c.ui.draw->AddRectFilled(ImVec2(0, top), ImVec2(width, top + h), banner_silent);
        ui::draw_text(c.ui, c.fonts.text, line, {16, top + pad, width - 16, top + h}, text_dark);
        top += h;
    }
    return top;
}

float draw_urgent_banner(ConsoleContext& c, float top, float width) {
    if (!c.state.urgent_alert || !c.state.signed_in) return top;
    const float h = c.fonts.heading->FontSize * 2;
    c.ui.draw->AddRectFilled(ImVec2(0, top), ImVec2(width, top + h), banner_urgent);
    std::string numbers;
    for (const auto& [id, number] : c.state.urgent_arrivals) numbers += (numbers.empty() ? "" : ", ") + number;
    c.ui.draw->AddText(c.fonts.heading, c.fonts.heading->FontSize, ImVec2(16, top + h / 4), text_light,
                       ui::fill(c.st("console.urgent_arrived"), {{"numbers", numbers}}).c_str());
    if (c.button("acknowledge_alert", {width - 220, top + 6, width - 16, top + h - 6}, c.st("console.seen")))
        c.emit(IntentKind::acknowledge_alert);
    return top + h;
}

void handle_shortcuts(ConsoleContext& c) {
    if (!c.state.signed_in || c.state.page != Page::queue) return;
    if (ImGui::IsKeyPressed(key_f2, false)) c.emit(IntentKind::call_next);
    if (ImGui::IsKeyPressed(key_f3, false)) c.emit(IntentKind::recall);
    if (ImGui::IsKeyPressed(key_f4, false)) c.emit(IntentKind::served);
    if (ImGui::IsKeyPressed(key_f6, false)) c.emit(IntentKind::no_show);
}

}  // namespace

std::vector<Intent> ConsoleView::draw(const ConsoleState& state, const ui::Translations& texts,
                                      const ui::Translations& visitor_texts, const std::string& language, const ui::RoleFonts& fonts,
                                      const ui::PhysicalScale& scale, ui::TouchRecorder& recorder) {
    std::vector<Intent> intents;
    recorder.clear();
    style_widgets(fonts);
    const ui::FontSet font_set = fonts.as_font_set();
    ui::Ui ui;
    ui.scale = scale;
    ui.theme = &ui::default_theme();
    ui.fonts = &font_set;
    ui.recorder = &recorder;

    const ImVec2 size = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::Begin("console", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    ui.draw = ImGui::GetWindowDrawList();
    const ui::Rect screen{0, 0, size.x, size.y};
    ConsoleContext c{ui, fonts, state, texts, visitor_texts, language, intents, screen};
    float top = draw_top_bar(c, screen);
    top = draw_offline_banner(c, top, size.x);
    top = draw_silent_kiosks(c, top, size.x);
    top = draw_urgent_banner(c, top, size.x);
    // The last action's outcome, e.g. "B 017 was already called by counter 3".
    if (state.signed_in && !state.notice.text.empty()) {
        const unsigned int colour = state.notice.error ? ui.theme->error_text.packed() : ui.theme->text.packed();
        top += 8 + ui::draw_text(ui, fonts.heading, state.notice.text, {16, top + 8, size.x - 16, size.y}, colour);
    }
    c.area = ui::Rect{16, top + 10, size.x - 16, size.y - 12};
    if (!state.signed_in) {
        draw_sign_in_screen(c, staff_id_, pin_, counter_);
    } else {
        handle_shortcuts(c);
        switch (state.page) {
            case Page::queue: draw_queue_screen(c); break;
            case Page::callbacks: draw_callbacks_screen(c); break;
            case Page::figures: draw_figures_screen(c); break;
        }
    }
    ImGui::End();
    ImGui::PopStyleVar(2);
    for (const Intent& i : intents)
        if (i.kind == IntentKind::sign_in) pin_.clear();  // never kept past the attempt
    if (state.signed_in) staff_id_.clear();
    return intents;
}

void apply_console_frame(ConsoleApp& app, const std::vector<Intent>& intents, double now_s) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.MouseDown[0] || io.MouseReleased[0] || io.InputQueueCharacters.Size > 0) app.touched(now_s);
    for (const Intent& intent : intents) app.apply(intent, now_s);
}

}  // namespace skranke::console
