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

}  // namespace skranke::visitor
