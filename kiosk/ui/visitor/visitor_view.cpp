#include "visitor/visitor_view.hpp"

#include <algorithm>
#include <cmath>

#include <imgui.h>

#include "visitor/chrome.hpp"
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

namespace {

constexpr float margin_mm = 6.0f;
// The least page a docked keyboard leaves above it in portrait: the hint and a field or two.
constexpr float min_page_beside_keyboard_mm = 70.0f;

}  // namespace

// Scrolls the page so that the field is wholly in view from the next frame on; false when
// it is already (or not on the page).
bool VisitorView::bring_into_view(const ui::Ui& ui, const ui::Rect& area, const ui::Rect& field) {
    if (field.height() <= 0) return false;  // not on this page
    // Clear of the bands that show more, which will be at both ends once it has moved.
    const float room = ui.mm(2);
    const float band = ui::scroll_band_height(ui, scroll_);
    const float top = area.y0 + band + room;
    const float bottom = area.y1 - band - room;
    float move = 0;
    if (field.y1 > bottom) move = field.y1 - bottom;
    if (field.y0 - move < top) move = field.y0 - top;
    if (std::fabs(move) < 1) return false;
    scroll_.offset = std::max(0.0f, scroll_.offset + move);
    return true;
}

namespace {

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
    const bool new_page = page != last_page_;
    if (new_page) {
        scroll_ = ui::DragScroll{};
        last_page_ = page;
    }

    float top = 0, bottom = size.y;
    if (!state.idle_warning) {
        top = draw_tool_bar(ui, state, tr, screen, portrait, intents);
        bottom -= nav_bar_height(ui, state, tr, size.x, portrait);
    }
    const float margin = ui.mm(margin_mm);
    ui::Rect area{margin, top + ui.mm(2), size.x - margin, bottom - ui.mm(2)};
    // A screen with typing keeps its keyboard in place, below the page in portrait and beside
    // it in landscape; only the page scrolls, so no key is ever off the screen.
    const TextField typing = state.idle_warning || state.language_menu ? TextField::none : keyboard_field(state);
    ui::Rect keys{};
    bool docked = typing != TextField::none;
    if (docked) {
        const ScreenContext measure{ui, state, tr, intents, area, 0, portrait};
        const float gap = ui.mm(gap_mm);
        const float right = area.x1 - ui.mm(4);  // the page's own right edge, beside its scroll bar
        if (portrait) {
            const float height = keyboard_height(measure, typing, right - area.x0);
            keys = ui::Rect{area.x0, area.y1 - height, right, area.y1};
        } else {
            // The keyboard after the page: on its right, or its left on a right-to-left page.
            const float split = area.x0 + (right - area.x0) * 0.4f;
            keys = ui::Rect{split + gap, area.y0 + ui.mm(2), right, 0};
            keys.y1 = keys.y0 + keyboard_height(measure, typing, keys.width());
            keys = ui.flow(keys, ui::Rect{area.x0, 0, right, 0});
        }
        // A screen too small for that (a dense one splits every row) scrolls the keyboard
        // with the page rather than leave the page no room.
        if (portrait ? keys.y0 - gap - area.y0 < ui.mm(min_page_beside_keyboard_mm) : keys.y1 > area.y1) {
            keys = ui::Rect{};
            docked = false;
        } else if (portrait) {
            area.y1 = keys.y0 - gap;
        } else if (ui.rtl) {
            area.x0 = keys.x1 + gap;
        } else {
            area.x1 = keys.x0 - gap;
        }
    }
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
    if (typing != TextField::none && !docked) draw_keyboard_for(c, typing);  // on the page, below it
    settled_ = ui::end_drag_scroll(ui, scroll_, area, c.y - start + ui.mm(4),
                                   {c.t("scroll.more_below"), c.t("scroll.more_above")});
    if (docked) {
        ScreenContext keyboard{ui, state, tr, intents, keys, keys.y0, portrait};
        draw_keyboard_for(keyboard, typing);
    }
    // A page opens at its top, with its question; a field that opens on it later is shown,
    // and so is the field being typed into at each key (the visitor sees what was typed).
    const bool key_pressed = std::any_of(intents.begin(), intents.end(), [](const Intent& i) { return i.kind == IntentKind::key; });
    if ((typing != shown_editing_ || key_pressed) && !new_page && bring_into_view(ui, area, c.typed_field))
        settled_ = false;
    shown_editing_ = typing;
    // After the body, so read-aloud says the screen first and the way on last.
    if (!state.idle_warning) draw_nav_bar(ui, state, tr, screen, portrait, intents);

    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(2);
}

}  // namespace skranke::visitor
