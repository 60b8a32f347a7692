// What every visitor screen draws with: the Ui, the read-only state, the translations,
// the intents it may emit and a simple top-to-bottom layout cursor in the body area.
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "shell/text.hpp"
#include "shell/translations.hpp"
#include "visitor/visitor_state.hpp"

namespace skranke::visitor {

// Layout constants (mm). Gaps are above the 3 mm minimum so rounding never breaks it.
inline constexpr float gap_mm = 4.0f;
inline constexpr float button_mm = 24.0f;      // ordinary button height
inline constexpr float big_button_mm = 32.0f;  // main choices

struct ScreenContext {
    ui::Ui& ui;
    const VisitorState& state;
    const ui::Translations& tr;
    std::vector<Intent>& intents;
    ui::Rect body;  // the area between the bars
    float y = 0;    // layout cursor (already shifted by the scroll offset)
    bool portrait = true;
    ui::Rect typed_field{};  // where the field the keyboard types into was drawn (on the page or not)

    const std::string& t(std::string_view key) const { return tr.text(state.language, key); }
    void emit(IntentKind kind, std::string text = {}, bool flag = false) {
        intents.push_back(Intent{kind, std::move(text), flag, ui::KeyKind::none});
    }
    float mm(float millimetres) const { return ui.mm(millimetres); }
    float width() const { return body.width(); }

    // A heading; returns nothing, moves the cursor.
    void title(const std::string& text) {
        y +=
            ui::draw_text(ui, ui.title(), text, ui::Rect{body.x0, y, body.x1, body.y1 + 1e5f}, ui.theme->text.packed());
        y += mm(gap_mm);
    }
    void paragraph(const std::string& text, bool error = false) {
        const unsigned int colour = error ? ui.theme->error_text.packed() : ui.theme->text.packed();
        y += ui::draw_text(ui, ui.body(), text, ui::Rect{body.x0, y, body.x1, body.y1 + 1e5f}, colour);
        y += mm(gap_mm);
    }
    // A paragraph with the visitor's answer in it: drawn whole, read whole only on a headset;
    // the room's speaker says in_room instead (the answer's label, or nothing).
    void private_paragraph(const std::string& text, const std::string& in_room) {
        const float h = ui::draw_text(ui, ui.body(), text, ui::Rect{body.x0, y, body.x1, body.y1 + 1e5f},
                                      ui.theme->text.packed(), ui::Align::start, false);
        ui.say(ui::SpokenText{text, in_room, ui.shown(ui::Rect{body.x0, y, body.x1, y + h})});
        y += h;
        y += mm(gap_mm);
    }
    // A line of a summary, "Name: Kari": the room hears only "Name".
    void answer(std::string_view label_key, const std::string& value) {
        private_paragraph(t(label_key) + ": " + (value.empty() ? t("confirm.none") : value), t(label_key));
    }
    // A full-width row of the given height.
    ui::Rect row(float height_mm) { return row_px(mm(height_mm)); }
    ui::Rect row_px(float height) {
        const ui::Rect r{body.x0, y, body.x1, y + height};
        y = r.y1 + mm(gap_mm);
        return r;
    }
    // A full-width row for one button, tall enough for its label.
    ui::Rect row_for(const ui::ButtonContent& content, float min_mm) {
        return row_px(ui::button_height_for(ui, content, width(), mm(min_mm)));
    }
    // Cells for buttons in columns, all as tall as the tallest label needs.
    std::vector<ui::Rect> grid_for(const std::vector<ui::ButtonContent>& contents, int columns, float min_mm) {
        const float gap = mm(gap_mm);
        const float cell_w = (width() - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
        float height = mm(min_mm);
        for (const auto& content : contents)
            height = std::max(height, ui::button_height_for(ui, content, cell_w, height));
        return grid(contents.size(), columns, ui.scale.mm(height));
    }
    // count cells in columns, each height_mm tall, row by row.
    std::vector<ui::Rect> grid(std::size_t count, int columns, float height_mm) {
        std::vector<ui::Rect> cells;
        const float gap = mm(gap_mm);
        const float w = (body.width() - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
        const float h = mm(height_mm);
        for (std::size_t i = 0; i < count; ++i) {
            const auto col = static_cast<float>(static_cast<int>(i) % columns);
            const auto line = static_cast<float>(static_cast<int>(i) / columns);
            const float x = body.x0 + col * (w + gap);
            const float top = y + line * (h + gap);
            cells.push_back(ui.flow(ui::Rect{x, top, x + w, top + h}, body));
        }
        if (count > 0) {
            const auto lines = static_cast<float>((static_cast<int>(count) + columns - 1) / columns);
            y += lines * (h + gap);
        }
        return cells;
    }
    // A yes / no pair: the chosen one drawn as selected.
    void yes_no(std::string_view id, const std::optional<bool>& value, IntentKind kind) {
        const ui::ButtonContent yes{t("answer.yes"), {}, value == true ? "check" : "", false, false};
        const ui::ButtonContent no{t("answer.no"), {}, value == false ? "check" : "", false, false};
        const auto cells = grid_for({yes, no}, 2, button_mm);
        const std::string base(id);
        if (ui::touch_button(ui, base + ".yes", cells[0], value == true ? ui::Look::selected : ui::Look::normal, yes))
            emit(kind, {}, true);
        if (ui::touch_button(ui, base + ".no", cells[1], value == false ? ui::Look::selected : ui::Look::normal, no))
            emit(kind, {}, false);
    }
};

// One function per screen, one file per screen.
void draw_start_screen(ScreenContext& c);
void draw_appointment_question_screen(ScreenContext& c);
void draw_appointment_time_screen(ScreenContext& c);
void draw_appointment_details_screen(ScreenContext& c);
void draw_need_screen(ScreenContext& c);
void draw_questions_screen(ScreenContext& c);
void draw_details_screen(ScreenContext& c);
void draw_confirm_screen(ScreenContext& c);
void draw_ticket_screen(ScreenContext& c);
void draw_closed_screen(ScreenContext& c);
void draw_notice_screen(ScreenContext& c);
void draw_room_full_screen(ScreenContext& c);
void draw_callback_phone_screen(ScreenContext& c);
void draw_callback_confirm_screen(ScreenContext& c);
void draw_callback_done_screen(ScreenContext& c);
void draw_sms_screen(ScreenContext& c);
void draw_reception_screen(ScreenContext& c);
void draw_idle_screen(ScreenContext& c);
void draw_language_menu(ScreenContext& c);

// Shared by the details and callback screens: a text field that selects itself when tapped.
void draw_text_field(ScreenContext& c, TextField field, std::string_view label_key, const std::string& value);
// Two short fields side by side in portrait, leaving the keyboard room; stacked in landscape.
struct ShortField {
    TextField field;
    std::string_view label_key;
    const std::string& value;
};
void draw_short_text_fields(ScreenContext& c, const ShortField& left, const ShortField& right);
// The field the screen's keyboard types into; none: the screen has no keyboard. The view
// keeps that keyboard in place, below the page in portrait and beside it in landscape, and
// only the page above or beside it scrolls: every key is always on the screen.
TextField keyboard_field(const VisitorState& state);
// Height of that keyboard at width (letters or the phone pad).
float keyboard_height(const ScreenContext& c, TextField field, float width);
// The keyboard for the field being edited, from the top of c.body.
void draw_keyboard_for(ScreenContext& c, TextField field);
// The visitor's validation message, if any.
void draw_error(ScreenContext& c);
// On a screen with typing: a hint, replaced by the validation message while one shows, in
// room kept for the tallest of them (nothing below moves when a message comes or goes).
void draw_hint_or_error(ScreenContext& c, const std::string& hint);
std::string_view field_name(TextField field);

}  // namespace skranke::visitor
