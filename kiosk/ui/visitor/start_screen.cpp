// Step 1: a calm welcome and the languages, each in its own name and script.
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

void draw_start_screen(ScreenContext& c) {
    c.title(c.t("start.title"));
    c.paragraph(c.t("start.choose_language"));
    const auto& languages = c.tr.languages();
    const auto cells = c.grid(languages.size(), c.portrait ? 2 : 3, big_button_mm);
    for (std::size_t i = 0; i < languages.size(); ++i) {
        const auto& lang = languages[i];
        const auto look = lang.code == c.state.language ? ui::Look::selected : ui::Look::normal;
        if (ui::touch_button(c.ui, "language." + lang.code, cells[i], look, {lang.native_name, {}, {}, false}))
            c.emit(IntentKind::choose_language, lang.code);
    }
}

void draw_language_menu(ScreenContext& c) {
    c.title(c.t("language.menu_title"));
    const auto& languages = c.tr.languages();
    const auto cells = c.grid(languages.size(), c.portrait ? 2 : 3, big_button_mm);
    for (std::size_t i = 0; i < languages.size(); ++i) {
        const auto& lang = languages[i];
        const auto look = lang.code == c.state.language ? ui::Look::selected : ui::Look::normal;
        if (ui::touch_button(c.ui, "menu.language." + lang.code, cells[i], look, {lang.native_name, {}, {}, false}))
            c.emit(IntentKind::choose_language, lang.code);
    }
}

}  // namespace skranke::visitor
