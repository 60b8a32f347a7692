// What the paper ticket says: composed from the ticket as the screen shows it, in the
// visitor's language, with the need and what happens next in Norwegian for staff.
#pragma once

#include <cstdint>
#include <string>

#include "domain/office_settings.hpp"
#include "domain/ticket.hpp"
#include "printer/ticket_raster.hpp"
#include "shell/translations.hpp"
#include "visitor/visitor_state.hpp"

namespace skranke::visitor {

printer::PrintedTicket paper_ticket(const TicketView& view, const Ticket& ticket, const std::string& language,
                                    const ui::Translations& tr, const OfficeSettings& office);

// A ticket to try the printer with (skranke --test-print): number A 000, the first need, three
// people ahead, in the language given, with a status address when the office has one.
printer::PrintedTicket sample_paper_ticket(const std::string& language, const ui::Translations& tr,
                                           const OfficeSettings& office, const std::string& need_text_key,
                                           std::int64_t now_ms);

}  // namespace skranke::visitor
