// Step 5: optional details typed on the on-screen keyboard. Skip is as big as Next.
#include <algorithm>

#include "shell/translations.hpp"
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

std::string_view field_name(TextField field) {
    switch (field) {
        case TextField::none:
            return "none";
        case TextField::description:
            return "description";
        case TextField::name:
            return "name";
        case TextField::phone:
            return "phone";
        case TextField::reference:
            return "reference";
    }
    return "none";
}

void draw_text_field(ScreenContext& c, TextField field, std::string_view label_key, const std::string& value) {
    const bool active = c.state.editing == field;
    // The field is a touch target: tapping it moves the keyboard there. The label is on
    // the button, the text below it, and the button grows with what was typed.
    const std::string label = c.t(label_key) + ":";
    const std::string shown = value.empty() ? c.t("field.empty") : value + (active ? "|" : "");
    const float pad = c.mm(3.0f), inner = c.width() - 2 * pad;
    const float height = std::max(c.mm(button_mm), ui::text_height(c.ui.body(), label, inner) +
                                                       ui::text_height(c.ui.body(), shown, inner) + 2 * pad);
    const ui::Rect r = c.row_px(height);
    if (ui::touch_button(c.ui, "field." + std::string(field_name(field)), r,
                         active ? ui::Look::selected : ui::Look::normal, {label, shown, {}, false}))
        c.emit(IntentKind::edit_field, std::string(field_name(field)));
}

void draw_error(ScreenContext& c) {
    if (c.state.error_key.empty()) return;
    c.paragraph(ui::fill(c.t(c.state.error_key), {{"limit", std::to_string(c.state.error_limit)}}), true);
}

void draw_keyboard_for(ScreenContext& c, TextField field) {
    if (field == TextField::none) return;
    const ui::KeyboardLabels labels{c.t("keyboard.space"), c.t("keyboard.shift"), c.t("keyboard.backspace")};
    const ui::Rect area{c.body.x0, c.y, c.body.x1, c.y + c.mm(200)};
    float used = 0;
    ui::KeyPress press;
    if (field == TextField::phone) {
        press = ui::draw_phone_pad(c.ui, area, labels, used);
    } else {
        const ui::Language* lang = c.tr.language(c.state.language);
        press = ui::draw_letter_keyboard(c.ui, ui::keyboard_layout(lang ? lang->keyboard : "latin"), c.state.shift,
                                         area, labels, used);
    }
    c.y += used + c.mm(gap_mm);
    if (press.kind != ui::KeyKind::none) c.intents.push_back(Intent{IntentKind::key, press.text, false, press.kind});
}

void fields_with_keyboard(ScreenContext& c, TextField field, const std::function<void()>& draw_fields) {
    if (c.portrait) {
        draw_fields();
        draw_keyboard_for(c, field);
        return;
    }
    const ui::Rect full = c.body;
    const float top = c.y;
    const float split = full.x0 + full.width() * 0.4f;
    c.body = ui::Rect{full.x0, full.y0, split - c.mm(gap_mm), full.y1};
    draw_fields();
    const float fields_end = c.y;
    c.body = ui::Rect{split + c.mm(gap_mm), full.y0, full.x1, full.y1};
    c.y = top;
    draw_keyboard_for(c, field);
    c.y = std::max(c.y, fields_end);
    c.body = full;
}

void draw_details_screen(ScreenContext& c) {
    const VisitorForm& f = c.state.form;
    c.title(c.t("details.title"));
    c.paragraph(c.t("details.optional"));
    fields_with_keyboard(c, c.state.editing, [&] {
        draw_text_field(c, TextField::description, ui::text_key("field.description"), f.description);
        draw_text_field(c, TextField::name, ui::text_key("field.name"), f.name);
        draw_text_field(c, TextField::phone, ui::text_key("field.phone"), f.phone);
        draw_error(c);
    });
}

}  // namespace skranke::visitor
