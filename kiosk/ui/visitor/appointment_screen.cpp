// Appointment or walk-in; for a check-in, the appointment's time (big buttons with the
// whole and half hours around now, or "I don't know") and an optional name or reference.
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

void draw_appointment_time_screen(ScreenContext& c) {
    c.title(c.t("appointment_time.title"));
    c.paragraph(c.t("appointment_time.hint"));
    const auto& slots = c.state.appointment_slots;
    std::vector<ui::ButtonContent> contents;
    for (const AppointmentSlot& slot : slots) contents.push_back({clock_text(slot.minute), {}, "clock", false});
    const auto cells = c.grid_for(contents, c.portrait ? 2 : 3, big_button_mm);
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const bool chosen = c.state.form.appointment_ms == slots[i].utc_ms;
        if (ui::touch_button(c.ui, "appointment_time." + clock_text(slots[i].minute), cells[i],
                             chosen ? ui::Look::selected : ui::Look::normal, contents[i]))
            c.emit(IntentKind::choose_appointment_time, std::to_string(slots[i].utc_ms), true);
    }
    const ui::ButtonContent unknown{c.t("appointment_time.unknown"), {}, "question", false};
    if (ui::touch_button(c.ui, "appointment_time.unknown", c.row_for(unknown, big_button_mm), ui::Look::normal,
                         unknown))
        c.emit(IntentKind::choose_appointment_time, {}, false);
}

void draw_appointment_details_screen(ScreenContext& c) {
    c.title(c.t("appointment_details.title"));
    draw_hint_or_error(c, c.t("details.optional"));
    draw_text_field(c, TextField::name, ui::text_key("field.name"), c.state.form.name);
    draw_text_field(c, TextField::reference, ui::text_key("field.reference"), c.state.form.reference);
}

}  // namespace skranke::visitor
