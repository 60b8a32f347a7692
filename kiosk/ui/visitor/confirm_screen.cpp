// The last step: what the kiosk will send, and a large "Get ticket".
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

namespace {

const NeedChoice* need_of(const VisitorState& s) {
    for (const auto& n : s.needs)
        if (n.id == s.form.need_id) return &n;
    return nullptr;
}

// The SMS choice, when the office offers it: the visitor sees what they agreed to.
void sms_line(ScreenContext& c) {
    const VisitorForm& f = c.state.form;
    if (c.state.sms_near_front <= 0) return;
    const std::string_view answer = f.sms != true     ? ui::text_key("answer.no")
                                    : f.waits_outside ? ui::text_key("confirm.sms_outside")
                                                      : ui::text_key("confirm.sms_yes");
    c.answer(ui::text_key("confirm.sms"), c.t(answer));
}

}  // namespace

void draw_confirm_screen(ScreenContext& c) {
    const VisitorForm& f = c.state.form;
    c.title(c.t("confirm.title"));
    const NeedChoice* need = need_of(c.state);
    c.answer(ui::text_key("confirm.need"), need ? c.t(need->text_key) : std::string{});
    if (f.appointment) {
        std::string time = c.t("appointment_time.unknown");
        for (const AppointmentSlot& slot : c.state.appointment_slots)
            if (f.appointment_ms == slot.utc_ms) time = clock_text(slot.minute);
        c.answer(ui::text_key("confirm.appointment_time"), time);
        c.answer(ui::text_key("field.name"), f.name);
        c.answer(ui::text_key("field.reference"), f.reference);
        if (f.sms == true) c.answer(ui::text_key("field.phone"), f.phone);
        sms_line(c);
    } else {
        c.answer(ui::text_key("confirm.children"),
                 c.t(f.children == true ? ui::text_key("answer.yes") : ui::text_key("answer.no")));
        std::string interpreter = c.t(f.interpreter == true ? ui::text_key("answer.yes") : ui::text_key("answer.no"));
        if (f.interpreter == true && !f.interpreter_language.empty())
            interpreter += " (" + c.t("language." + f.interpreter_language) + ")";
        c.answer(ui::text_key("confirm.interpreter"), interpreter);
        std::string access;
        for (const auto& [on, key] :
             {std::pair{f.wheelchair, ui::text_key("access.wheelchair")},
              std::pair{f.hearing, ui::text_key("access.hearing")}, std::pair{f.sight, ui::text_key("access.sight")}})
            if (on) access += (access.empty() ? "" : ", ") + c.t(key);
        c.answer(ui::text_key("confirm.accessibility"), access);
        c.answer(ui::text_key("field.description"), f.description);
        c.answer(ui::text_key("field.name"), f.name);
        c.answer(ui::text_key("field.phone"), f.phone);
        sms_line(c);
    }
    draw_error(c);
    const ui::ButtonContent r_content{c.t("confirm.get_ticket"), {}, "check", false};
    const auto r = c.row_for(r_content, big_button_mm);
    if (ui::touch_button(c.ui, "confirm.get_ticket", r, ui::Look::primary, r_content)) c.emit(IntentKind::get_ticket);
}

}  // namespace skranke::visitor
