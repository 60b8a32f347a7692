// The waiting room is full (as many wait inside as office.room_capacity): said plainly, with
// the ways on. An appointment is still taken in, and so is a need that cannot wait (the need
// screen then offers only those); anyone else may ask us to call or come back later, or, when
// the office sends SMS, wait outside for one (not counted inside).
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

void draw_room_full_screen(ScreenContext& c) {
    c.title(c.t("room_full.title"));
    c.paragraph(ui::fill(c.t("room_full.body"), {{"capacity", std::to_string(c.state.room_capacity)}}));
    const ui::ButtonContent appointment{c.t("room_full.appointment_button"), {}, {}, false};
    if (ui::touch_button(c.ui, "room_full.appointment", c.row_for(appointment, big_button_mm), ui::Look::normal,
                         appointment))
        c.emit(IntentKind::answer_appointment, {}, true);
    const ui::ButtonContent urgent{c.t("room_full.urgent_button"), {}, {}, false};
    if (ui::touch_button(c.ui, "room_full.urgent", c.row_for(urgent, big_button_mm), ui::Look::emergency, urgent))
        c.emit(IntentKind::answer_appointment, {}, false);
    // When the office sends SMS: wait outside for it, taking no room inside.
    if (c.state.sms_near_front > 0) {
        const ui::ButtonContent outside{c.t("room_full.outside_button"), {}, "phone", false};
        if (ui::touch_button(c.ui, "room_full.outside", c.row_for(outside, big_button_mm), ui::Look::primary, outside))
            c.emit(IntentKind::wait_outside);
    }
    const ui::ButtonContent callback{c.t("room_full.callback_button"), {}, "phone", false};
    if (ui::touch_button(c.ui, "room_full.callback", c.row_for(callback, big_button_mm), ui::Look::primary, callback))
        c.emit(IntentKind::request_callback);
    const ui::ButtonContent later{c.t("room_full.later_button"), {}, {}, false};
    if (ui::touch_button(c.ui, "room_full.later", c.row_for(later, big_button_mm), ui::Look::normal, later))
        c.emit(IntentKind::finish);
}

}  // namespace skranke::visitor
