// Step 5: optional details typed on the on-screen keyboard. Skip is as big as Next. Also the
// SMS question (office.sms_near_front), which asks for the phone where it is needed.
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

namespace {

// The tallest message the visitor could be shown in this language (every "error." text of it
// and its fallbacks, {limit} at its widest).
float message_room(const ScreenContext& c) {
    // The same every frame until the language, text size or width changes: measured once.
    struct Measured {
        const ui::Translations* tr = nullptr;
        std::string language;
        const ImFont* font = nullptr;
        float width = 0;
        float room = 0;
    };
    static Measured last;
    if (last.tr == &c.tr && last.language == c.state.language && last.font == c.ui.body() && last.width == c.width())
        return last.room;
    float tallest = 0;
    std::string_view code = c.state.language;
    for (int depth = 0; depth < 8 && !code.empty(); ++depth) {  // bounded: fallbacks may loop
        for (const std::string& key : c.tr.keys_of(code))
            if (key.rfind("error.", 0) == 0)
                tallest =
                    std::max(tallest, ui::text_height(c.ui.body(), ui::fill(c.t(key), {{"limit", "8888"}}), c.width()));
        const ui::Language* lang = c.tr.language(code);
        code = lang ? std::string_view(lang->fallback) : std::string_view{};
    }
    last = {&c.tr, c.state.language, c.ui.body(), c.width(), tallest};
    return tallest;
}

// The field is a touch target: tapping it moves the keyboard there. The label is on the
// button, the last line of the text below it (the whole text is on the summary), so its size
// never follows what was typed and nothing below it moves under a finger.
ui::ButtonContent field_content(const ScreenContext& c, TextField field, std::string_view label_key,
                                const std::string& value) {
    const bool active = c.state.editing == field;
    const std::string shown = value.empty() ? c.t("field.empty") : value + (active ? "|" : "");
    return {c.t(label_key) + ":", shown, {}, false, false, 1, !value.empty()};  // what was typed: not for the room
}

void field_button(ScreenContext& c, TextField field, const ui::Rect& r, const ui::ButtonContent& content) {
    if (field == keyboard_field(c.state)) c.typed_field = r;
    if (ui::touch_button(c.ui, "field." + std::string(field_name(field)), r,
                         c.state.editing == field ? ui::Look::selected : ui::Look::normal, content))
        c.emit(IntentKind::edit_field, std::string(field_name(field)));
}

}  // namespace

void draw_text_field(ScreenContext& c, TextField field, std::string_view label_key, const std::string& value) {
    const ui::ButtonContent content = field_content(c, field, label_key, value);
    field_button(c, field, c.row_px(ui::button_height_for(c.ui, content, c.width(), c.mm(button_mm))), content);
}

void draw_short_text_fields(ScreenContext& c, const ShortField& left, const ShortField& right) {
    if (!c.portrait) {  // the column beside the keyboard is narrow: one above the other
        draw_text_field(c, left.field, left.label_key, left.value);
        draw_text_field(c, right.field, right.label_key, right.value);
        return;
    }
    const ui::ButtonContent contents[2] = {field_content(c, left.field, left.label_key, left.value),
                                           field_content(c, right.field, right.label_key, right.value)};
    const auto cells = c.grid_for({contents[0], contents[1]}, 2, button_mm);
    field_button(c, left.field, cells[0], contents[0]);
    field_button(c, right.field, cells[1], contents[1]);
}

void draw_hint_or_error(ScreenContext& c, const std::string& hint) {
    // One room for the hint and any message, as tall as the tallest of them, kept whether or
    // not a message shows: nothing below it (fields, keyboard) moves under a finger.
    const bool error = !c.state.error_key.empty();
    const std::string text =
        error ? ui::fill(c.t(c.state.error_key), {{"limit", std::to_string(c.state.error_limit)}}) : hint;
    if (!text.empty())
        ui::draw_text(c.ui, c.ui.body(), text, ui::Rect{c.body.x0, c.y, c.body.x1, c.body.y1 + 1e5f},
                      error ? c.ui.theme->error_text.packed() : c.ui.theme->text.packed());
    const float room = std::max({message_room(c), ui::text_height(c.ui.body(), hint, c.width()),
                                 ui::text_height(c.ui.body(), text, c.width())});  // measured alike, to the bit
    c.y += room + c.mm(gap_mm);
}

void draw_error(ScreenContext& c) {
    if (c.state.error_key.empty()) return;
    c.paragraph(ui::fill(c.t(c.state.error_key), {{"limit", std::to_string(c.state.error_limit)}}), true);
}

TextField keyboard_field(const VisitorState& state) {
    switch (state.screen) {
        case Screen::details:
        case Screen::appointment_details:
            return state.editing;
        case Screen::sms:
            return state.form.sms == true ? state.editing : TextField::none;
        case Screen::callback_phone:
            return TextField::phone;
        default:
            return TextField::none;
    }
}

namespace {

const ui::KeyboardLayout& letters_of(const ScreenContext& c) {
    const ui::Language* lang = c.tr.language(c.state.language);
    return ui::keyboard_layout(lang ? lang->keyboard : "latin");
}

}  // namespace

float keyboard_height(const ScreenContext& c, TextField field, float width) {
    if (field == TextField::none) return 0;
    if (field == TextField::phone) return ui::phone_pad_height(c.ui);
    return ui::letter_keyboard_height(c.ui, letters_of(c), width);
}

void draw_keyboard_for(ScreenContext& c, TextField field) {
    if (field == TextField::none) return;
    const ui::KeyboardLabels labels{c.t("keyboard.space"), c.t("keyboard.shift"), c.t("keyboard.backspace"),
                                    c.t("keyboard.all_letters")};
    const ui::Rect area{c.body.x0, c.y, c.body.x1, c.y + c.mm(200)};
    float used = 0;
    ui::KeyPress press;
    if (field == TextField::phone)
        press = ui::draw_phone_pad(c.ui, area, labels, used);
    else
        press = ui::draw_letter_keyboard(c.ui, letters_of(c), c.state.keyboard, area, labels, used);
    c.y += used + c.mm(gap_mm);
    if (press.kind != ui::KeyKind::none) c.intents.push_back(Intent{IntentKind::key, press.text, false, press.kind});
}

void draw_details_screen(ScreenContext& c) {
    const VisitorForm& f = c.state.form;
    c.title(c.t("details.title"));
    draw_hint_or_error(c, c.t("details.optional"));
    draw_text_field(c, TextField::description, ui::text_key("field.description"), f.description);
    draw_short_text_fields(c, {TextField::name, ui::text_key("field.name"), f.name},
                           {TextField::phone, ui::text_key("field.phone"), f.phone});
}

// What the SMS are, that nothing else is sent and when the number is deleted, then "Yes" and
// "No" as two large buttons, neither chosen until tapped (no answer is no SMS). "Yes" brings
// the phone field and pad, with the number given on the details screen, if any, in it.
void draw_sms_screen(ScreenContext& c) {
    const VisitorForm& f = c.state.form;
    c.title(c.t(f.waits_outside ? ui::text_key("sms_consent.outside_title") : ui::text_key("sms_consent.title")));
    c.paragraph(ui::fill(c.t("sms_consent.what"), {{"count", std::to_string(c.state.sms_near_front)}}));
    c.paragraph(c.t("sms_consent.nothing_else"));
    c.paragraph(c.t("sms_consent.deleted"));
    c.paragraph(c.t(f.waits_outside ? ui::text_key("sms_consent.outside_note") : ui::text_key("sms_consent.default_no")));
    const ui::ButtonContent yes{c.t("sms_consent.yes"), {}, f.sms == true ? "check" : "phone", false, false};
    const ui::ButtonContent no{c.t("sms_consent.no"), {}, f.sms == false ? "check" : "cross", false, false};
    const auto cells = c.grid_for({yes, no}, 2, big_button_mm);
    if (ui::touch_button(c.ui, "sms_consent.yes", cells[0], f.sms == true ? ui::Look::selected : ui::Look::normal, yes))
        c.emit(IntentKind::answer_sms, {}, true);
    if (ui::touch_button(c.ui, "sms_consent.no", cells[1], f.sms == false ? ui::Look::selected : ui::Look::normal, no))
        c.emit(IntentKind::answer_sms, {}, false);
    if (f.sms != true) {
        draw_error(c);
        return;
    }
    draw_hint_or_error(c, c.t("sms_consent.phone_hint"));
    draw_text_field(c, TextField::phone, ui::text_key("field.phone"), f.phone);
}

}  // namespace skranke::visitor
