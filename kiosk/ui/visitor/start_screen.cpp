// Before any step: a calm welcome and the languages, each in its own name and script. The
// same grid is the language picker that the tool bar opens on every screen.
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

namespace {

// Big buttons, one column in portrait: the first thing a visitor touches should be easy.
void language_grid(ScreenContext& c, const std::string& id_prefix) {
    const auto& languages = c.tr.languages();
    const auto cells = c.grid(languages.size(), c.portrait ? 1 : 3, 34.0f);
    for (std::size_t i = 0; i < languages.size(); ++i) {
        const auto& lang = languages[i];
        const auto look = lang.code == c.state.language ? ui::Look::selected : ui::Look::normal;
        if (ui::touch_button(c.ui, id_prefix + lang.code, cells[i], look, {lang.native_name, {}, {}, false, false}))
            c.emit(IntentKind::choose_language, lang.code);
    }
}

}  // namespace

void draw_start_screen(ScreenContext& c) {
    c.title(c.t("start.title"));
    c.paragraph(c.t("start.choose_language"));
    language_grid(c, "language.");
}

void draw_language_menu(ScreenContext& c) {
    c.title(c.t("language.menu_title"));
    language_grid(c, "menu.language.");
}

}  // namespace skranke::visitor
