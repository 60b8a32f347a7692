// "Do you need more time?" over the whole screen, with the seconds left and a big Yes.
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

void draw_idle_screen(ScreenContext& c) {
    c.title(c.t("idle.title"));
    c.paragraph(ui::fill(c.t("idle.countdown"), {{"seconds", std::to_string(c.state.idle_seconds_left)}}));
    const ui::ButtonContent yes_content{c.t("idle.yes"), {}, "check", false};
    const auto yes = c.row_for(yes_content, big_button_mm + 16);
    if (ui::touch_button(c.ui, "idle.yes", yes, ui::Look::primary, yes_content))
        c.emit(IntentKind::more_time);
    const ui::ButtonContent no_content{c.t("idle.no"), {}, "cross", false};
    const auto no = c.row_for(no_content, button_mm);
    if (ui::touch_button(c.ui, "idle.no", no, ui::Look::normal, no_content))
        c.emit(IntentKind::start_over);
}

}  // namespace skranke::visitor
