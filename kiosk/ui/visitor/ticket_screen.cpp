// The ticket: the number very large, the need, where the visitor is in the queue and the
// estimated wait (sentences from queue_figures), and one way to finish: Done.
#include <algorithm>

#include "visitor/screen_context.hpp"

namespace skranke::visitor {

namespace {

// What the printer is doing with the paper ticket, in a space as tall as the longest of its
// three sentences: the printer ends while the visitor reads, and Done must not move under a
// finger on its way to it.
void paper_line(ScreenContext& c, const TicketView& t) {
    const std::string printing = c.t("ticket.printing");
    const std::string printed = c.t("ticket.take_paper");
    const std::string failed = ui::fill(c.t("ticket.write_down"), {{"number", t.number}});
    float tallest = 0;
    for (const std::string* text : {&printing, &printed, &failed})
        tallest = std::max(tallest, ui::text_height(c.ui.body(), *text, c.width()));
    const float top = c.y;
    switch (t.paper) {
        case TicketView::Paper::printing:
            c.paragraph(printing);
            break;
        case TicketView::Paper::printed:
            c.paragraph(printed);
            break;
        case TicketView::Paper::failed:
            c.paragraph(failed, true);
            break;
        case TicketView::Paper::none:
            return;
    }
    c.y = top + tallest + c.mm(gap_mm);
}

}  // namespace

void draw_ticket_screen(ScreenContext& c) {
    if (!c.state.ticket) return;
    const TicketView& t = *c.state.ticket;
    c.title(c.t("ticket.title"));
    // The number, centred, in its own font.
    ImFont* number_font = c.ui.fonts->number;
    const ui::Rect number_box{c.body.x0, c.y, c.body.x1, c.y + number_font->FontSize};
    const auto& surface = c.ui.theme->field;
    c.ui.draw->AddRectFilled(ImVec2(number_box.x0, number_box.y0), ImVec2(number_box.x1, number_box.y1 + c.mm(4)),
                             surface.fill.packed(), c.mm(3));
    c.ui.draw->AddRect(ImVec2(number_box.x0, number_box.y0), ImVec2(number_box.x1, number_box.y1 + c.mm(4)),
                       surface.border.packed(), c.mm(3), 0, c.mm(1.5f));
    ui::draw_text(c.ui, number_font, t.number,
                  ui::Rect{number_box.x0, number_box.y0 + c.mm(2), number_box.x1, number_box.y1}, surface.text.packed(),
                  ui::Align::centre, false);
    const std::string spoken_number = c.t("ticket.number_spoken") + " " + t.spoken_number;
    c.ui.say(ui::SpokenText{spoken_number, spoken_number, c.ui.shown(number_box)});
    c.y = number_box.y1 + c.mm(4 + gap_mm);
    c.private_paragraph(c.t(t.need_text_key), {});  // the visitor's need: not for the room
    for (const TicketSentence& sentence : ticket_sentences(t.urgent, t.figures))
        c.paragraph(sentence_text(c.tr, c.state.language, sentence));
    if (t.paper != TicketView::Paper::none) paper_line(c, t);
    // The phone is not shown here: the visitor typed it, and the next one may be looking.
    if (t.sms) c.paragraph(c.t("ticket.sms"));
    c.paragraph(c.t(t.waits_outside ? ui::text_key("ticket.wait_outside") : ui::text_key("ticket.watch_screen")));
    const ui::ButtonContent r_content{c.t("ticket.done"), {}, "check", false};
    const auto r = c.row_for(r_content, big_button_mm);
    if (ui::touch_button(c.ui, "ticket.done", r, ui::Look::primary, r_content)) c.emit(IntentKind::finish);
}

}  // namespace skranke::visitor
