#include "visitor/queue_figures.hpp"

#include <algorithm>
#include <cmath>

#include "domain/queue_order.hpp"
#include "shell/translations.hpp"

namespace skranke::visitor {

std::optional<int> people_ahead_of(const std::vector<Ticket>& today, const Ticket& mine, std::int64_t now_ms) {
    QueueState queue;
    for (const Ticket& t : today)  // this kiosk's own clock: the store only holds what it saw
        if (t.state == TicketState::waiting) queue.apply(issued_event(t), EventMeta{std::nullopt, t.created_ms, std::nullopt});
    return people_ahead_in(queue, mine, now_ms);
}

namespace {

std::optional<int> place_of(std::vector<QueueEntry> room, const std::string& mine, std::int64_t now_ms) {
    int ahead = 0;
    for (const auto& e : order_queue(std::move(room), now_ms)) {
        if (e.key == mine) return ahead;
        ++ahead;
    }
    return std::nullopt;  // mine is not (or no longer) waiting in the room
}

}  // namespace

std::optional<int> people_ahead_in(const QueueState& queue, const Ticket& mine, std::int64_t now_ms) {
    return people_ahead_in_room(queue, mine.event_id, now_ms);  // the hub's status page counts the same
}

std::optional<int> people_ahead_of_new(const QueueState& queue, const Ticket& mine, std::int64_t hub_ahead_ms,
                                       std::int64_t now_ms) {
    if (queue.find(mine.event_id)) return people_ahead_in(queue, mine, now_ms);
    QueueTicket fresh;
    fresh.ticket = mine;
    fresh.issued = EventMeta{std::nullopt, std::nullopt, -hub_ahead_ms};
    if (!waits_in_room(fresh)) return std::nullopt;
    std::vector<QueueEntry> room = queue.room_entries(office_day_of(fresh));
    room.push_back(queue_entry_of(fresh));
    return place_of(std::move(room), mine.event_id, now_ms);
}

std::vector<TicketSentence> ticket_sentences(bool urgent, const QueueFigures& figures) {
    std::vector<TicketSentence> sentences;
    if (urgent) sentences.push_back({ui::text_key("ticket.urgent_seen"), {}, std::nullopt});
    if (!figures.people_ahead) {
        sentences.push_back({ui::text_key("ticket.wait_unknown"), {}, std::nullopt});
    } else if (*figures.people_ahead == 0) {
        sentences.push_back({ui::text_key("ticket.first"), {}, std::nullopt});
    } else {
        sentences.push_back({ui::text_key("ticket.people_ahead"), {{"count", std::to_string(*figures.people_ahead)}},
                             *figures.people_ahead});
        if (figures.wait_minutes)
            sentences.push_back({ui::text_key("ticket.wait"), {{"minutes", std::to_string(*figures.wait_minutes)}},
                                 *figures.wait_minutes});
        else
            sentences.push_back({ui::text_key("ticket.wait_unknown"), {}, std::nullopt});
    }
    return sentences;
}

std::string sentence_text(const ui::Translations& tr, std::string_view language, const TicketSentence& sentence) {
    return ui::fill(sentence.count ? tr.counted(language, sentence.key, *sentence.count) : tr.text(language, sentence.key),
                    sentence.values);
}

}  // namespace skranke::visitor
