// What the ticket screen tells the visitor about the wait: people ahead (people waiting in
// the room before this ticket, in the one queue order) and an estimate from recent service
// times, or nothing when there is no data: the screen then says "unknown" rather than guessing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/queue_state.hpp"
#include "domain/statistics.hpp"  // estimate_wait_minutes: the kiosk and the status page share it
#include "domain/ticket.hpp"
#include "shell/translations.hpp"

namespace skranke::visitor {

struct QueueFigures {
    std::optional<int> people_ahead;  // nothing: the kiosk could not read its queue
    std::optional<int> wait_minutes;
};

// Waiting tickets of the day that the queue order puts before mine, from the tickets this
// kiosk issued (used when the queue as synced is not readable). Nothing if mine is not waiting.
std::optional<int> people_ahead_of(const std::vector<Ticket>& today, const Ticket& mine, std::int64_t now_ms);
// The same from the queue as this kiosk knows it (every kiosk's tickets the hub has sent,
// with calls and services applied, plus its own not yet sent). Callback requests are not
// people in the room and never count. Nothing if mine is not waiting in it.
std::optional<int> people_ahead_in(const QueueState& queue, const Ticket& mine, std::int64_t now_ms);
// The same for a ticket just issued here, which the queue may not hold yet (the kiosk's queue
// view takes it in a moment later, off the screen's thread): counted as the queue would
// count it, arrived on this kiosk's clock moved by hub_ahead_ms (the measured offset).
std::optional<int> people_ahead_of_new(const QueueState& queue, const Ticket& mine, std::int64_t hub_ahead_ms,
                                       std::int64_t now_ms);

// One sentence of the ticket screen: a translation key, the values for its {name} slots, and
// the count whose plural form picks the text's variant ("ticket.wait.one"), if it has one.
struct TicketSentence {
    const char* key = "";
    std::vector<std::pair<std::string, std::string>> values;
    std::optional<std::int64_t> count;
};
// Everything the ticket screen says about the queue, in order, all from the one figure
// people_ahead so no two sentences can disagree: "first in the queue" exactly when nobody
// is ahead (urgent or not), "People before you" and the wait only when someone is.
std::vector<TicketSentence> ticket_sentences(bool urgent, const QueueFigures& figures);
// A sentence as the language says it, its count's plural form chosen and its slots filled:
// the screen and the paper ticket say it alike.
std::string sentence_text(const ui::Translations& tr, std::string_view language, const TicketSentence& sentence);

}  // namespace skranke::visitor
