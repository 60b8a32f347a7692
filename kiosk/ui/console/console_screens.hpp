// What every console screen draws with: the Ui (touch buttons, text), the console's fonts,
// the read-only view model, the staff translations and the intents it may emit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "console/console_state.hpp"
#include "roles/role_fonts.hpp"
#include "shell/text.hpp"
#include "shell/translations.hpp"

namespace skranke::console {

// Keys as ImGui 1.86 numbers them with the GLFW backend (GLFW_KEY_F2 ...).
inline constexpr int key_f2 = 291;  // Call next
inline constexpr int key_f3 = 292;  // Recall
inline constexpr int key_f4 = 293;  // Served
inline constexpr int key_f6 = 295;  // No-show

// Urgent rows (queue and callbacks): a pale red row, dark red ink (contrast 6.9:1).
inline constexpr unsigned int urgent_row = IM_COL32(0xF6, 0xD0, 0xD0, 0xFF);
inline constexpr unsigned int urgent_ink = IM_COL32(0x8A, 0x0F, 0x0F, 0xFF);

struct ConsoleContext {
    ui::Ui& ui;
    const ui::RoleFonts& fonts;
    const ConsoleState& state;
    const ui::Translations& texts;
    const ui::Translations& visitor_texts;  // need names come from the kiosk's translations
    std::string language;
    std::vector<Intent>& intents;
    ui::Rect area;  // the page's area below the bars

    const std::string& st(std::string_view key) const { return texts.text(language, key); }
    const std::string& need(std::string_view key) const { return visitor_texts.text(language, key); }
    void emit(Intent intent) { intents.push_back(std::move(intent)); }
    void emit(IntentKind kind, std::string ticket_id = {}, std::string text = {}) {
        Intent i;
        i.kind = kind;
        i.ticket_id = std::move(ticket_id);
        i.text = std::move(text);
        intents.push_back(std::move(i));
    }
    // A button of the console's size; records its rectangle for tests and read-aloud.
    bool button(std::string_view id, const ui::Rect& rect, const std::string& label,
                ui::Look look = ui::Look::normal, bool disabled = false) {
        return ui::touch_button(ui, id, rect, look, ui::ButtonContent{label, {}, {}, disabled});
    }
    // Plain text at a point; returns its height.
    float text(ImFont* font, const std::string& s, float x, float y, float width, unsigned int colour) {
        return ui::draw_text(ui, font, s, ui::Rect{x, y, x + width, y + 1e5f}, colour);
    }
};

// "12 min", "1 h 05 min"
std::string minutes_text(std::int64_t ms);

// One function per screen, one file per screen.
void draw_sign_in_screen(ConsoleContext& c, std::string& staff_id, std::string& pin, std::string& counter);
void draw_queue_screen(ConsoleContext& c);
void draw_callbacks_screen(ConsoleContext& c);
void draw_figures_screen(ConsoleContext& c);

}  // namespace skranke::console
