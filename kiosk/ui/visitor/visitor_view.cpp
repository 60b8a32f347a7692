#include "visitor/visitor_view.hpp"

#include <imgui.h>

#include "visitor/chrome.hpp"
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

namespace {

constexpr float margin_mm = 6.0f;

void draw_screen(ScreenContext& c) {
    switch (c.state.screen) {
        case Screen::start:
            draw_start_screen(c);
            break;
        case Screen::appointment_question:
            draw_appointment_question_screen(c);
            break;
        case Screen::appointment_time:
            draw_appointment_time_screen(c);
            break;
        case Screen::appointment_details:
            draw_appointment_details_screen(c);
            break;
        case Screen::need:
        case Screen::callback_need:
            draw_need_screen(c);
            break;
        case Screen::questions:
            draw_questions_screen(c);
            break;
        case Screen::details:
            draw_details_screen(c);
            break;
        case Screen::confirm:
            draw_confirm_screen(c);
            break;
        case Screen::ticket:
            draw_ticket_screen(c);
            break;
        case Screen::closed:
            draw_closed_screen(c);
            break;
        case Screen::notice:
            draw_notice_screen(c);
            break;
        case Screen::room_full:
            draw_room_full_screen(c);
            break;
        case Screen::callback_phone:
            draw_callback_phone_screen(c);
            break;
        case Screen::callback_confirm:
            draw_callback_confirm_screen(c);
            break;
        case Screen::callback_done:
            draw_callback_done_screen(c);
            break;
        case Screen::sms:
            draw_sms_screen(c);
            break;
        case Screen::reception:
            draw_reception_screen(c);
            break;
    }
}

}  // namespace

void VisitorView::draw(ui::Ui& ui, const VisitorState& state, const ui::Translations& tr,
                       std::vector<Intent>& intents) {
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ui.theme->background.packed());
    ImGui::Begin("visitor", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBringToFrontOnFocus);
    ui.draw = ImGui::GetWindowDrawList();
    const ui::Rect screen{0, 0, size.x, size.y};
    const bool portrait = size.y >= size.x;

    const int page = state.idle_warning ? 1000 : state.language_menu ? 1001 : static_cast<int>(state.screen);
    if (page != last_page_) {
        scroll_ = ui::DragScroll{};
        last_page_ = page;
    }

    float top = 0, bottom = size.y;
    if (!state.idle_warning) {
        top = draw_tool_bar(ui, state, tr, screen, portrait, intents);
        bottom -= nav_bar_height(ui, state, tr, size.x, portrait);
    }
    const float margin = ui.mm(margin_mm);
    const ui::Rect area{margin, top + ui.mm(2), size.x - margin, bottom - ui.mm(2)};
    ui::begin_drag_scroll(ui, scroll_, area);
    ScreenContext c{ui, state,   tr, intents, ui::Rect{area.x0, area.y0 + ui.mm(2), area.x1 - ui.mm(4), area.y1},
                    0,  portrait};
    c.y = c.body.y0 - scroll_.offset;
    const float start = c.y;
    if (const auto [step, total] = step_of(state); step > 0 && !state.idle_warning && !state.language_menu)
        c.paragraph(ui::fill(c.t("nav.step"), {{"step", std::to_string(step)}, {"total", std::to_string(total)}}));
    if (!state.notice_key.empty()) c.paragraph(c.t(state.notice_key), true);
    if (state.idle_warning)
        draw_idle_screen(c);
    else if (state.language_menu)
        draw_language_menu(c);
    else
        draw_screen(c);
    settled_ = ui::end_drag_scroll(ui, scroll_, area, c.y - start + ui.mm(4),
                                   {c.t("scroll.more_below"), c.t("scroll.more_above")});
    // After the body, so read-aloud says the screen first and the way on last.
    if (!state.idle_warning) draw_nav_bar(ui, state, tr, screen, portrait, intents);

    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(2);
}

}  // namespace skranke::visitor
