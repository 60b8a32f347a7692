#include "visitor/paper_ticket.hpp"

#include <cstdio>

#include "domain/office_time.hpp"

namespace skranke::visitor {

namespace {

// "04.12.2026 14:05" on the office's clock: read the same way in every language.
std::string printed_time(std::int64_t utc_ms) {
    const LocalTime t = office_zone().local(utc_ms);
    char text[32];
    std::snprintf(text, sizeof text, "%02d.%02d.%04d %02d:%02d", t.day, t.month, t.year, t.hour, t.minute);
    return text;
}

// Staff read Norwegian; a visitor who chose a Norwegian language needs no second part.
bool reads_norwegian(const std::string& language) { return language == "nb" || language == "nn"; }

}  // namespace

printer::PrintedTicket paper_ticket(const TicketView& view, const Ticket& ticket, const std::string& language,
                                    const ui::Translations& tr, const OfficeSettings& office) {
    const auto t = [&](std::string_view key) { return tr.text(language, key); };
    printer::PrintedTicket paper;
    paper.office = office.name;
    paper.number = view.number;
    const ui::Language* lang = tr.language(language);
    paper.visitor_rtl = lang && lang->rtl;
    paper.visitor.push_back({t(view.need_text_key), true});
    paper.visitor.push_back({ui::fill(t("paper.time"), {{"time", printed_time(ticket.created_ms)}}), false});
    for (const TicketSentence& sentence : ticket_sentences(view.urgent, view.figures))
        paper.visitor.push_back({sentence_text(tr, language, sentence), false});
    paper.visitor.push_back({t("paper.next"), false});
    if (!office.status_page.empty() && is_status_token(ticket.status_token)) {
        paper.status_url = office.status_page + ticket.status_token;
        paper.status_caption = t("paper.scan");
    }
    if (!reads_norwegian(language)) {
        const auto nb = [&](std::string_view key) { return tr.text("nb", key); };
        paper.staff.push_back({nb(view.need_text_key), true});
        paper.staff.push_back({ui::fill(nb(ui::text_key("paper.staff_language")), {{"language", nb("language." + language)}}), false});
        paper.staff.push_back({nb("paper.next"), false});
    }
    return paper;
}

printer::PrintedTicket sample_paper_ticket(const std::string& language, const ui::Translations& tr,
                                           const OfficeSettings& office, const std::string& need_text_key,
                                           std::int64_t now_ms) {
    TicketView view;
    view.number = "A 000";
    view.need_text_key = need_text_key;
    view.figures.people_ahead = 3;
    view.figures.wait_minutes = 15;
    Ticket ticket;
    ticket.created_ms = now_ms;
    ticket.status_token = std::string(status_token_chars, '0');
    return paper_ticket(view, ticket, language, tr, office);
}

}  // namespace skranke::visitor
