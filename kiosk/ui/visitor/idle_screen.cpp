// "Do you need more time?" over the whole screen, with the seconds left and a big Yes.
#include <imgui.h>

#include "visitor/screen_context.hpp"

namespace skranke::visitor {

void draw_idle_screen(ScreenContext& c) {
    c.title(c.t("idle.title"));
    c.paragraph(ui::fill(c.tr.counted(c.state.language, ui::text_key("idle.countdown"), c.state.idle_seconds_left),
                         {{"seconds", std::to_string(c.state.idle_seconds_left)}}));
    // The seconds left, very large: visible from a distance and without reading.
    ImFont* number = c.ui.fonts->number;
    c.y += ui::draw_text(c.ui, number, std::to_string(c.state.idle_seconds_left),
                         ui::Rect{c.body.x0, c.y, c.body.x1, c.y + number->FontSize}, c.ui.theme->text.packed(),
                         ui::Align::centre, false);
    c.y += c.mm(gap_mm);
    const ui::ButtonContent yes_content{c.t("idle.yes"), {}, "check", false};
    const auto yes = c.row_for(yes_content, big_button_mm + 16);
    if (ui::touch_button(c.ui, "idle.yes", yes, ui::Look::primary, yes_content)) c.emit(IntentKind::more_time);
    const ui::ButtonContent no_content{c.t("idle.no"), {}, "cross", false};
    const auto no = c.row_for(no_content, button_mm);
    if (ui::touch_button(c.ui, "idle.no", no, ui::Look::normal, no_content)) c.emit(IntentKind::start_over);
}

}  // namespace skranke::visitor
