// "Do you need more time?" over the whole screen, with the seconds left and a big Yes.
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

void draw_idle_screen(ScreenContext& c) {
    c.title(c.t("idle.title"));
    c.paragraph(ui::fill(c.t("idle.countdown"), {{"seconds", std::to_string(c.state.idle_seconds_left)}}));
    const auto yes = c.row(big_button_mm + 16);
    if (ui::touch_button(c.ui, "idle.yes", yes, ui::Look::primary, {c.t("idle.yes"), {}, "check", false}))
        c.emit(IntentKind::more_time);
    const auto no = c.row(button_mm);
    if (ui::touch_button(c.ui, "idle.no", no, ui::Look::normal, {c.t("idle.no"), {}, "cross", false}))
        c.emit(IntentKind::start_over);
}

}  // namespace skranke::visitor
