// The store failed (disk full, damaged file): a plain instruction, never a crash.
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

void draw_reception_screen(ScreenContext& c) {
    c.title(c.t("reception.title"));
    c.paragraph(c.t("error.go_to_reception"));
    c.paragraph(c.t("reception.sorry"));
    const auto r = c.row(big_button_mm);
    if (ui::touch_button(c.ui, "reception.done", r, ui::Look::primary, {c.t("ticket.done"), {}, "check", false}))
        c.emit(IntentKind::finish);
}

}  // namespace skranke::visitor
