#include "visitor/visitor_frame.hpp"

#include <imgui.h>

namespace skranke::visitor {

std::string page_name(const VisitorState& state) {
    // A ticket the printer could not print is its own page: the screen asks the visitor to
    // write the number down.
    const bool unprinted = state.screen == Screen::ticket && state.ticket &&
                           state.ticket->paper == TicketView::Paper::failed;
    return std::string(screen_name(state.screen)) + (unprinted ? "-unprinted" : "") +
           (state.idle_warning ? "-idle" : "") + (state.language_menu ? "-languages" : "");
}

void filter_visitor_input(VisitorApp& app, const ui::PhysicalScale& scale, double now_s) {
    ImGuiIO& io = ImGui::GetIO();
    std::vector<int> keys;
    for (const int key : keypad::all)
        if (io.KeysDown[key]) keys.push_back(key);
    const Finger f =
        app.reader_input({io.MousePos.x, io.MousePos.y, io.MouseDown[0]}, keys, now_s, scale.px(reader_drag_mm));
    io.MousePos = ImVec2(f.x, f.y);
    io.MouseDown[0] = f.down;
}

VisitorFrame draw_visitor_frame(VisitorApp& app, VisitorView& view, const ui::Translations& translations,
                                const ui::FontSet& fonts, const ui::PhysicalScale& scale, ui::TouchRecorder& recorder,
                                double now_s) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.MouseDown[0] || io.MouseReleased[0]) app.touched(now_s);  // any touch restarts the idle timer
    VisitorFrame frame;
    recorder.clear();
    const VisitorState& state = app.state();
    ui::Ui ui;
    ui.scale = scale;
    ui.theme = state.high_contrast ? &ui::high_contrast_theme() : &ui::default_theme();
    ui.fonts = &fonts;
    ui.large_text = state.large_text;
    const ui::Language* language = translations.language(state.language);
    ui.rtl = language && language->rtl;
    ui.recorder = &recorder;
    ui.spoken = &frame.spoken;
    view.draw(ui, state, translations, frame.intents);
    // The screen reader's focus, framed, for a helper beside the visitor (where it was last frame).
    if (const ReaderElement* focused = app.screen_reader().focused(); focused && app.screen_reader().on()) {
        const float pad = ui.mm(1.0f);
        ImGui::GetForegroundDrawList()->AddRect(ImVec2(focused->where.x0 - pad, focused->where.y0 - pad),
                                                ImVec2(focused->where.x1 + pad, focused->where.y1 + pad),
                                                ui.theme->text.packed(), ui.mm(2.0f), 0, ui.mm(1.2f));
    }
    frame.page = page_name(state);
    frame.targets = recorder.targets();
    frame.again = !view.settled();
    return frame;
}

void apply_visitor_frame(VisitorApp& app, const VisitorFrame& frame, double now_s) {
    for (const Intent& intent : frame.intents) app.apply(intent, frame.spoken, now_s);
    app.drawn(frame.spoken, frame.targets);
}

}  // namespace skranke::visitor
