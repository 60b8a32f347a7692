// Walk-in step 2: children affected? an interpreter (which language)? any accessibility need?
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

void draw_questions_screen(ScreenContext& c) {
    const VisitorForm& f = c.state.form;
    c.title(c.t("questions.title"));
    c.paragraph(c.t("questions.children"));
    c.yes_no("children", f.children, IntentKind::answer_children);
    c.paragraph(c.t("questions.interpreter"));
    c.yes_no("interpreter", f.interpreter, IntentKind::answer_interpreter);
    if (f.interpreter == true) {
        c.paragraph(c.t("questions.interpreter_language"));
        const auto& codes = c.state.interpreter_languages;
        const auto cells = c.grid(codes.size(), c.portrait ? 2 : 4, button_mm);
        for (std::size_t i = 0; i < codes.size(); ++i) {
            const bool chosen = codes[i] == f.interpreter_language;
            if (ui::touch_button(c.ui, "interpreter." + codes[i], cells[i],
                                 chosen ? ui::Look::selected : ui::Look::normal,
                                 {c.t("language." + codes[i]), {}, {}, false}))
                c.emit(IntentKind::choose_interpreter_language, codes[i]);
        }
    }
    c.paragraph(c.t("questions.accessibility"));
    const auto cells = c.grid(3, c.portrait ? 1 : 3, button_mm);
    const struct {
        const char* id;
        const char* key;
        const char* pictogram;
        bool on;
        IntentKind kind;
    } options[] = {{"access.wheelchair", ui::text_key("access.wheelchair"), "wheelchair", f.wheelchair,
                    IntentKind::toggle_wheelchair},
                   {"access.hearing", ui::text_key("access.hearing"), "ear", f.hearing, IntentKind::toggle_hearing},
                   {"access.sight", ui::text_key("access.sight"), "eye", f.sight, IntentKind::toggle_sight}};
    for (std::size_t i = 0; i < 3; ++i) {
        const auto& o = options[i];
        if (ui::touch_button(c.ui, o.id, cells[i], o.on ? ui::Look::selected : ui::Look::normal,
                             {.label = c.t(o.key),
                              .detail = o.on ? c.t("answer.chosen") : std::string{},
                              .pictogram = o.pictogram,
                              .private_detail = true}))  // "chosen" tells the visitor's need: not for the room
            c.emit(o.kind);
    }
}

}  // namespace skranke::visitor
