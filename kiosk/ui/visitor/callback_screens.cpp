// The callback request (phone + need + language) when the office is closed. The need is
// chosen on the need screen; these are the phone, the summary and the receipt.
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

void draw_callback_phone_screen(ScreenContext& c) {
    c.title(c.t("callback.phone_title"));
    draw_hint_or_error(c, {});  // above the field, where the other input screens have theirs
    draw_text_field(c, TextField::phone, ui::text_key("field.phone"), c.state.form.phone);
}

void draw_callback_confirm_screen(ScreenContext& c) {
    c.title(c.t("callback.confirm_title"));
    std::string need;
    for (const auto& n : c.state.needs)
        if (n.id == c.state.form.need_id) need = c.t(n.text_key);
    c.answer(ui::text_key("confirm.need"), need);
    c.answer(ui::text_key("field.phone"), c.state.form.phone);
    const ui::Language* lang = c.tr.language(c.state.language);
    c.paragraph(c.t("callback.language") + ": " + (lang ? lang->native_name : c.state.language));
    draw_error(c);
    const ui::ButtonContent r_content{c.t("callback.send"), {}, "phone", false};
    const auto r = c.row_for(r_content, big_button_mm);
    if (ui::touch_button(c.ui, "callback.send", r, ui::Look::primary, r_content)) c.emit(IntentKind::send_callback);
}

void draw_callback_done_screen(ScreenContext& c) {
    c.title(c.t("callback.done_title"));
    // The room hears "We will call you on" the word "Phone", not the number.
    c.private_paragraph(ui::fill(c.t("callback.done_text"), {{"phone", c.state.form.phone}}),
                        ui::fill(c.t("callback.done_text"), {{"phone", c.t("field.phone")}}));
    const ui::ButtonContent r_content{c.t("ticket.done"), {}, "check", false};
    const auto r = c.row_for(r_content, big_button_mm);
    if (ui::touch_button(c.ui, "callback.done", r, ui::Look::primary, r_content)) c.emit(IntentKind::finish);
}

}  // namespace skranke::visitor
