// Callback requests left at the kiosk (closed hours, or people who must not come in):
// phone, need, language, urgent ones first and marked; staff mark each one done after
// calling, or not reached.
#include <imgui.h>

#include "console/console_screens.hpp"

namespace skranke::console {

void draw_callbacks_screen(ConsoleContext& c) {
    const unsigned int ink = c.ui.theme->text.packed();
    float y = c.area.y0;
    y += c.text(c.fonts.heading, c.st("console.callbacks_title"), c.area.x0, y, c.area.width(), ink) + 12;
    if (c.state.callbacks.empty()) {
        c.text(c.fonts.text, c.st("console.callbacks_none"), c.area.x0, y, c.area.width(), ink);
        return;
    }
    const float row_h = 52;
    const float col[] = {0, 140, 400, 900, 1100, 1280};
    ImGui::PushFont(c.fonts.heading);
    const char* heads[] = {"console.col_ticket", "console.col_phone", "console.col_need", "console.col_language",
                           "console.col_waiting"};
    for (int i = 0; i < 5; ++i)
        c.ui.draw->AddText(c.fonts.text, c.fonts.text->FontSize, ImVec2(c.area.x0 + col[i], y), ink, c.st(heads[i]).c_str());
    ImGui::PopFont();
    y += c.fonts.text->FontSize + 10;
    for (const CallbackRow& row : c.state.callbacks) {
        if (y + row_h > c.area.y1) break;
        const float ty = y + (row_h - c.fonts.heading->FontSize) / 2;
        if (row.urgent) c.ui.draw->AddRectFilled(ImVec2(c.area.x0, y), ImVec2(c.area.x1, y + row_h), urgent_row);
        c.ui.draw->AddLine(ImVec2(c.area.x0, y), ImVec2(c.area.x1, y), IM_COL32(0xBB, 0xBB, 0xBB, 0xFF));
        c.ui.draw->AddText(c.fonts.heading, c.fonts.heading->FontSize, ImVec2(c.area.x0 + col[0], ty),
                           row.urgent ? urgent_ink : ink, row.number.c_str());
        float need_x = c.area.x0 + col[2];
        if (row.urgent) {  // the mark before the need, where the queue has its urgent column
            const std::string& mark = c.st("console.urgent");
            c.ui.draw->AddText(c.fonts.heading, c.fonts.heading->FontSize, ImVec2(need_x, ty), urgent_ink, mark.c_str());
            need_x += c.fonts.heading->CalcTextSizeA(c.fonts.heading->FontSize, 1e9f, 0, mark.c_str()).x + 12;
        }
        c.ui.draw->AddText(c.fonts.heading, c.fonts.heading->FontSize, ImVec2(c.area.x0 + col[1], ty), ink, row.phone.c_str());
        c.ui.draw->AddText(c.fonts.text, c.fonts.text->FontSize, ImVec2(need_x, ty), ink, c.need(row.need_key).c_str());
        const ui::Language* language = c.visitor_texts.language(row.language);  // its name, not "uk"
        c.ui.draw->AddText(c.fonts.text, c.fonts.text->FontSize, ImVec2(c.area.x0 + col[3], ty), ink,
                           language ? language->native_name.c_str() : row.language.c_str());
        c.ui.draw->AddText(c.fonts.text, c.fonts.text->FontSize, ImVec2(c.area.x0 + col[4], ty), ink,
                           minutes_text(row.waiting_ms).c_str());
        const float bx = std::min(c.area.x0 + col[5], c.area.x1 - 450);
        if (c.button("callback_done." + row.ticket_id, {bx, y + 4, bx + 220, y + row_h - 4}, c.st("console.callback_done")))
            c.emit(IntentKind::callback_done, row.ticket_id);
        if (c.button("callback_not_reached." + row.ticket_id, {bx + 230, y + 4, bx + 450, y + row_h - 4},
                     c.st("console.callback_not_reached")))
            c.emit(IntentKind::callback_not_reached, row.ticket_id);
        y += row_h;
    }
}

}  // namespace skranke::console
