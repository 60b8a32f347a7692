// Step 2: appointment or walk-in; for a check-in, an optional name or reference.
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

void draw_appointment_question_screen(ScreenContext& c) {
    c.title(c.t("appointment.title"));
    const ui::ButtonContent yes_content{c.t("appointment.yes"), {}, "calendar", false};
    const auto yes = c.row_for(yes_content, big_button_mm);
    if (ui::touch_button(c.ui, "appointment.yes", yes, ui::Look::normal, yes_content))
        c.emit(IntentKind::answer_appointment, {}, true);
    const ui::ButtonContent no_content{c.t("appointment.no"), {}, "person", false};
    const auto no = c.row_for(no_content, big_button_mm);
    if (ui::touch_button(c.ui, "appointment.no", no, ui::Look::normal, no_content))
        c.emit(IntentKind::answer_appointment, {}, false);
}

void draw_appointment_details_screen(ScreenContext& c) {
    c.title(c.t("appointment_details.title"));
    c.paragraph(c.t("details.optional"));
    fields_with_keyboard(c, c.state.editing, [&] {
        draw_text_field(c, TextField::name, ui::text_key("field.name"), c.state.form.name);
        draw_text_field(c, TextField::reference, ui::text_key("field.reference"), c.state.form.reference);
        draw_error(c);
    });
}

}  // namespace skranke::visitor
