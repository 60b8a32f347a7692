// The office's notice before anything else (office.entry_notice), for example to people
// with symptoms of an infectious illness or in quarantine: do not come in, call us or ask us
// to call you. Ask us to call you goes straight to the callback request; Continue to the
// visit.
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

void draw_notice_screen(ScreenContext& c) {
    c.title(c.t("notice.title"));
    c.paragraph(c.t("notice.body"));
    c.paragraph(ui::fill(c.t("notice.call"), {{"phone", c.state.office_phone}}));
    const ui::ButtonContent callback{c.t("notice.callback_button"), {}, "phone", false};
    if (ui::touch_button(c.ui, "notice.callback", c.row_for(callback, big_button_mm), ui::Look::primary, callback))
        c.emit(IntentKind::request_callback);
    const ui::ButtonContent go_on{c.t("notice.continue_button"), {}, {}, false};
    if (ui::touch_button(c.ui, "notice.continue", c.row_for(go_on, big_button_mm), ui::Look::normal, go_on))
        c.emit(IntentKind::continue_visit);
}

}  // namespace skranke::visitor
