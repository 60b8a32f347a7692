// Before any step: a calm welcome and the languages, each in its own name and script. The
// same grid is the language picker that the tool bar opens on every screen.
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

namespace {

// Big buttons, one column in portrait: the first thing a visitor touches should be easy.
// Each says "Choose language" in its own language under its name, so a visitor who reads
// none of the screen's language still finds the way in.
void language_grid(ScreenContext& c, const std::string& id_prefix) {
    const auto& languages = c.tr.languages();
    std::vector<ui::ButtonContent> contents;
    for (const auto& lang : languages)
        contents.push_back({lang.native_name, c.tr.text(lang.code, "language.menu_title"), {}, false, false});
    const auto cells = c.grid_for(contents, c.portrait ? 1 : 3, 34.0f);
    for (std::size_t i = 0; i < languages.size(); ++i) {
        const auto look = languages[i].code == c.state.language ? ui::Look::selected : ui::Look::normal;
        if (ui::touch_button(c.ui, id_prefix + languages[i].code, cells[i], look, contents[i]))
            c.emit(IntentKind::choose_language, languages[i].code);
    }
}

}  // namespace

void draw_start_screen(ScreenContext& c) {
    c.title(c.t("start.title"));
    c.paragraph(c.t("start.choose_language"));
    language_grid(c, "language.");
    // After the languages, which must stay in view: read aloud and on screen for a helper.
    c.paragraph(c.t("start.screen_reader"));
}

void draw_language_menu(ScreenContext& c) {
    c.title(c.t("language.menu_title"));
    language_grid(c, "menu.language.");
}

}  // namespace skranke::visitor
