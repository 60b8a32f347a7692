// The store failed (disk full, damaged file): a plain instruction, never a crash.
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

void draw_reception_screen(ScreenContext& c) {
    c.title(c.t("reception.title"));
    c.paragraph(c.t("error.go_to_reception"));
    c.paragraph(c.t("reception.sorry"));
    const ui::ButtonContent r_content{c.t("ticket.done"), {}, "check", false};
    const auto r = c.row_for(r_content, big_button_mm);
    if (ui::touch_button(c.ui, "reception.done", r, ui::Look::primary, r_content)) c.emit(IntentKind::finish);
}

}  // namespace skranke::visitor
