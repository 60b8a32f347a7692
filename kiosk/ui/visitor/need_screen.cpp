// What the visitor needs help with (a walk-in's and a callback's first step). Acute needs
// come first, in their own colour with a heading, so someone in crisis finds them without
// reading the rest. When the waiting room is full a walk-in is offered only those, and
// the callback request for anything else.
#include <algorithm>

#include "visitor/screen_context.hpp"

namespace skranke::visitor {

namespace {

void need_buttons(ScreenContext& c, bool emergency) {
    std::vector<const NeedChoice*> needs;
    for (const auto& n : c.state.needs)
        if (n.emergency == emergency && !n.appointment) needs.push_back(&n);
    const int columns = c.portrait ? (emergency ? 1 : 2) : 3;
    // Every button in the grid as tall as the longest label needs, so no text is cut.
    const float gap = c.mm(gap_mm);
    const float cell_w = (c.width() - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
    float height = c.mm(emergency ? 26.0f : 30.0f);
    for (const NeedChoice* n : needs)
        height =
            std::max(height, ui::button_height_for(c.ui, {c.t(n->text_key), {}, n->pictogram, false}, cell_w, height));
    const auto cells = c.grid(needs.size(), columns, c.ui.scale.mm(height));
    for (std::size_t i = 0; i < needs.size(); ++i) {
        const NeedChoice& n = *needs[i];
        if (ui::touch_button(c.ui, "need." + n.id, cells[i], emergency ? ui::Look::emergency : ui::Look::normal,
                             {c.t(n.text_key), {}, n.pictogram, false}))
            c.emit(IntentKind::choose_need, n.id);
    }
}

}  // namespace

void draw_need_screen(ScreenContext& c) {
    c.title(c.t(c.state.screen == Screen::callback_need ? ui::text_key("callback.need_title")
                                                        : ui::text_key("need.title")));
    // Waiting outside takes no room inside: every need is offered.
    if (c.state.screen == Screen::need && c.state.room_full && !c.state.form.waits_outside) {
        c.paragraph(c.t("room_full.need_note"));
        need_buttons(c, true);
        c.paragraph(c.t("room_full.need_other"));
        const ui::ButtonContent callback{c.t("room_full.callback_button"), {}, "phone", false};
        if (ui::touch_button(c.ui, "need.callback", c.row_for(callback, big_button_mm), ui::Look::primary, callback))
            c.emit(IntentKind::request_callback);
        return;
    }
    c.paragraph(c.t("need.emergency_heading"));
    need_buttons(c, true);
    c.paragraph(c.t("need.other_heading"));
    need_buttons(c, false);
}

}  // namespace skranke::visitor
