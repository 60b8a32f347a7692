// Queue state as a pure fold over the events a device knows, in the order it knows them
// (hub sequence order on every device). The same fold runs in the hub (to decide conflicts),
// in the sync engine's store and in the reception console. No UI, network or SQL here.
#pragma once

#include <array>

#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/events.hpp"
#include "domain/queue_order.hpp"
#include "domain/ticket.hpp"

namespace skranke {

// Where an event came from, as the hub recorded it (empty on a device for its own events
// that the hub has not acknowledged yet).
struct EventMeta {
    std::optional<std::int64_t> hub_seq;
    std::optional<std::int64_t> received_ms;             // hub clock when first stored
    std::optional<std::int64_t> device_clock_offset_ms;  // issuing device's clock minus hub's
};

struct QueueTicket {
    Ticket ticket;              // as issued; request.need_id follows transfers
    TicketState state = TicketState::waiting;
    EventMeta issued;           // meta of the ticket.issued event
    std::string counter;        // where it was called to, while called
    std::string called_by;      // device id of the console that called it
    int recalls = 0;
    std::string for_counter;    // a transfer to a counter: only that counter calls it next
    // The SMS of each kind (NotifyKind as index): who claimed sending it and how it went.
    struct Sms {
        std::string by_device;   // the notifier that claimed it (the first ticket.notified "sending")
        std::string claim_id;    // that event's id
        NotifyOutcome outcome = NotifyOutcome::sending;
        std::string detail;      // failed: why
    };
    std::array<std::optional<Sms>, notify_kind_count> sms;
    const std::optional<Sms>& sms_of(NotifyKind kind) const { return sms[static_cast<std::size_t>(kind)]; }
};

// Why an event cannot apply to the state it meets. Codes are stable (they travel in
// the protocol's per-event results): see sync/PROTOCOL.md.
struct QueueConflict {
    std::string code;     // "already_called", "unknown_ticket", "ticket_closed", "not_called", "bad_event"
    std::string message;  // for IT and the console; ids only, never personal data
};

// A ticket as one state holds it: never changed once made, so copies of a state share their
// tickets, and a copy of the whole queue costs pointers, not tickets.
using QueueTicketRef = std::shared_ptr<const QueueTicket>;

// The tickets of a state by id, read as (id, ticket) pairs.
class QueueTickets {
public:
    using Map = std::map<std::string, QueueTicketRef, std::less<>>;
    using value_type = std::pair<const std::string&, const QueueTicket&>;

    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = QueueTickets::value_type;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = value_type;
        struct Arrow {
            value_type pair;
            const value_type* operator->() const { return &pair; }
        };

        const_iterator() = default;
        explicit const_iterator(Map::const_iterator it) : it_(it) {}
        value_type operator*() const { return {it_->first, *it_->second}; }
        Arrow operator->() const { return Arrow{**this}; }
        const_iterator& operator++() {
            ++it_;
            return *this;
        }
        const_iterator operator++(int) { return const_iterator(it_++); }
        bool operator==(const const_iterator& other) const { return it_ == other.it_; }
        bool operator!=(const const_iterator& other) const { return it_ != other.it_; }

    private:
        Map::const_iterator it_;
    };

    explicit QueueTickets(const Map& map) : map_(&map) {}
    const_iterator begin() const { return const_iterator(map_->begin()); }
    const_iterator end() const { return const_iterator(map_->end()); }
    std::size_t size() const { return map_->size(); }
    bool empty() const { return map_->empty(); }

private:
    const Map* map_;
};

class QueueState {
public:
    // A staff action on a ticket the hub first stored more than this before the action
    // is an unknown_ticket conflict. Measured between the two events' hub receive times, so
    // the decision follows from the log alone (PROTOCOL.md §6), the same on every device.
    static constexpr std::int64_t action_window_ms = 2LL * 24 * 3600 * 1000;

    // What apply() would say about this event, without changing anything.
    std::optional<QueueConflict> check(const Event& event, const EventMeta& meta = {}) const;
    // Applies one event; an event that conflicts changes nothing and returns the conflict.
    std::optional<QueueConflict> apply(const Event& event, const EventMeta& meta = {});

    // Puts one ticket back as it was (null: not there), undoing apply() for a write that did
    // not commit, or bringing a copy of the state up to date with another's tickets.
    void restore(const std::string& ticket_id, QueueTicketRef before);

    QueueTickets tickets() const { return QueueTickets(tickets_); }
    const QueueTicket* find(std::string_view ticket_id) const;
    // The ticket as this state holds it, to keep beside it (null: not there).
    QueueTicketRef shared(std::string_view ticket_id) const;
    // The ticket whose status page this token opens (Ticket::status_token), in constant time;
    // nothing for an empty or unknown token. The first ticket issued with a token keeps it.
    const QueueTicket* find_by_status_token(std::string_view token) const;

    // Drops tickets first seen before cutoff_ms (by the hub's clock, else the device's), to
    // bound memory. With cutoff_ms at most (newest hub receive time - action_window_ms) no
    // decision changes: no later action could apply to them.
    void forget_issued_before(std::int64_t cutoff_ms);

    // Waiting tickets as entries for the one ordering rule (queue_order.hpp).
    std::vector<QueueEntry> waiting_entries() const;
    // The waiting room of one office day: waiting tickets of that day (office_day_of) without
    // callback requests (staff phone those; nobody sits in the room for them), as entries
    // for the one ordering rule.
    std::vector<QueueEntry> room_entries(const std::string& office_day) const;

private:
    void note_token(const QueueTicket& ticket);
    void drop_token(const QueueTicket& ticket);
    // Replaces the ticket at it (the index follows).
    void put(QueueTickets::Map::iterator it, QueueTicketRef ticket);

    QueueTickets::Map tickets_;  // by ticket id (the ticket.issued event id)
    // Status token -> the ticket holding it; both point into tickets this state holds.
    std::unordered_map<std::string_view, const QueueTicket*> by_status_token_;
};

// People waiting in the room before this ticket in the one call order (order_queue) at
// now_ms, among the waiting tickets of its office day; callback requests never count.
// Nothing if the ticket is not waiting in the room.
std::optional<int> people_ahead_in_room(const QueueState& queue, const std::string& ticket_id, std::int64_t now_ms);

// People waiting in the room at now_ms (the reference clock): waiting tickets of that office
// day that are not callback requests and not waiting outside for an SMS (the queue
// people_ahead_in_room counts in, less those outside). What office.room_capacity is held against.
int people_in_room(const QueueState& queue, std::int64_t now_ms);

// A ticket as an entry for the one ordering rule (queue_order.hpp).
QueueEntry queue_entry_of(const QueueTicket& ticket);
// Waiting, and for a person in the room (not a callback request).
bool waits_in_room(const QueueTicket& ticket);
// The office day a ticket belongs to: the day, in the office's zone, of its corrected
// arrival on the reference clock (queue_order.hpp). The issuing kiosk's own date
// (ticket.service_day) only numbers it: a kiosk a day off still issues today's tickets.
std::string office_day_of(const QueueTicket& ticket);

// Fold helper: state after applying every event in order (conflicting ones are skipped).
struct KnownEvent {
    Event event;
    EventMeta meta;
};
QueueState fold_events(const std::vector<KnownEvent>& events);

}  // namespace skranke
