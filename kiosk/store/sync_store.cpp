#include "store/sync_store.hpp"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "domain/events.hpp"
#include "domain/overloaded.hpp"
#include "protocol/event_codec.hpp"
#include "store/known_events.hpp"
#include "store/sqlite_util.hpp"

namespace skranke {
namespace {

// Mirrors a staff action onto this device's own ticket row (kiosks show state changes
// of the tickets they issued); tickets of other devices live in the merged log only.
int update_ticket_row(sqlite3* db, const Event& event) {
    const std::string& id = ticket_id_of(event);
    const auto set_state = [&](TicketState state) {
        sql::Statement q(db, "UPDATE tickets SET state = ?2 WHERE event_id = ?1");
        q.bind(1, id).bind(2, to_string(state));
        return q.step();
    };
    return std::visit(overloaded{
                          [](const TicketIssued&) { return SQLITE_DONE; },
                          [&](const TicketCalled&) { return set_state(TicketState::called); },
                          [](const TicketRecalled&) { return SQLITE_DONE; },
                          [&](const TicketServed&) { return set_state(TicketState::served); },
                          [&](const TicketNoShow&) { return set_state(TicketState::no_show); },
                          [&](const TicketTransferred& e) {
                              sql::Statement q(db, "UPDATE tickets SET state = 'waiting', need_id = ?2 WHERE event_id = ?1");
                              q.bind(1, id).bind(2, e.to_need_id);
                              return q.step();
                          },
                          [&](const TicketCancelled&) { return set_state(TicketState::cancelled); },
                          [](const TicketNotified&) { return SQLITE_DONE; },
                      },
                      event.body);
}

}  // namespace

StoreResult<Done> SyncStore::apply_acks(const std::vector<SyncAck>& acks, std::int64_t now_ms) {
    sqlite3* db = store_.handle();
    nlohmann::json stored = nlohmann::json::array();
    for (const SyncAck& a : acks)
        if (a.stored) stored.push_back(a.event_id);
    const std::string stored_ids = stored.dump();
    sql::WriteTransaction tx(db);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db, tx.begin_code(), "begin acknowledgement");
    // The hub has the ticket now: this device keeps number, need and state, not the person.
    // An acknowledged event is never sent again, but it stays in this device's queue until the
    // log page with the hub's copy arrives (known_events), so the outbox keeps the ticket with
    // its personal fields emptied: the text made for that when the ticket was issued
    // (acked_body), or for rows from before it, in SQLite's own JSON functions.
    // One statement per table for the whole batch; the ids travel as a JSON array.
    sql::Statement ack(db,
        "UPDATE outbox SET acked_ms = ?2, acked_body = NULL, body = CASE WHEN acked_body IS NOT NULL THEN acked_body"
        " WHEN type NOT IN ('ticket.issued', 'callback.requested') THEN body"
        " WHEN json_valid(body) THEN json_set(body, '$.ticket.name', '', '$.ticket.phone', '',"
        " '$.ticket.description', '') ELSE '{}' END"
        " WHERE acked_ms IS NULL AND event_id IN (SELECT value FROM json_each(?1))");
    sql::Statement forget(db,
        "UPDATE tickets SET name = '', phone = '', description = '' WHERE event_id IN"
        " (SELECT value FROM json_each(?1)) AND (name != '' OR phone != '' OR description != '')");
    sql::Statement dead(db,
        "INSERT OR REPLACE INTO dead_letters (event_id, type, body, code, message, failed_ms)"
        " SELECT event_id, type, body, ?2, ?3, ?4 FROM outbox WHERE event_id = ?1 AND acked_ms IS NULL");
    sql::Statement set_aside(db, "UPDATE outbox SET acked_ms = ?2 WHERE event_id = ?1 AND acked_ms IS NULL");
    for (const sql::Statement* st : {&ack, &forget, &dead, &set_aside})
        if (!st->valid()) return sql::error_from(db, st->prepare_code(), "prepare acknowledgement");
    ack.bind(1, stored_ids).bind(2, now_ms);
    if (int code = ack.step(); code != SQLITE_DONE) return sql::error_from(db, code, "acknowledge events");
    forget.bind(1, stored_ids);
    if (int code = forget.step(); code != SQLITE_DONE) return sql::error_from(db, code, "remove personal fields");
    for (const SyncAck& a : acks) {
        if (a.stored) continue;
        dead.bind(1, a.event_id).bind(2, a.code).bind(3, a.message).bind(4, now_ms);
        int code = dead.step();
        dead.reset();
        if (code == SQLITE_DONE) {
            set_aside.bind(1, a.event_id).bind(2, now_ms);
            code = set_aside.step();
            set_aside.reset();
        }
        if (code != SQLITE_DONE) return sql::error_from(db, code, "set event aside");
    }
    if (int code = tx.commit(); code != SQLITE_OK) return sql::error_from(db, code, "commit acknowledgement");
    return Done{};
}

StoreResult<std::vector<OutboxEvent>> SyncStore::pending_after(std::int64_t device_seq, std::size_t limit) {
    sqlite3* db = store_.handle();
    sql::Statement q(db, std::string("SELECT ") + outbox_columns +
                             " FROM outbox WHERE acked_ms IS NULL AND device_seq > ?1 ORDER BY device_seq LIMIT ?2");
    q.bind(1, device_seq).bind(2, static_cast<std::int64_t>(limit));
    std::vector<OutboxEvent> events;
    int code;
    while ((code = q.step()) == SQLITE_ROW) events.push_back(outbox_event_of(q));
    if (code != SQLITE_DONE) return sql::error_from(db, code, "read outbox");
    return events;
}

StoreResult<Done> SyncStore::apply_log(const std::vector<MergedEvent>& page, std::int64_t cursor) {
    sqlite3* db = store_.handle();
    sql::WriteTransaction tx(db);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db, tx.begin_code(), "begin log page");
    sql::Statement insert(db,
        "INSERT OR IGNORE INTO merged_log (hub_seq, event_id, type, body, received_ms, device_clock_offset_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert.valid()) return sql::error_from(db, insert.prepare_code(), "prepare log page");
    for (const MergedEvent& e : page) {
        insert.bind(1, e.hub_seq).bind(2, e.event.envelope.event_id).bind(3, type_name(e.event))
            .bind(4, protocol::write_event(e.event)).bind(5, e.received_ms).bind(6, e.device_clock_offset_ms);
        int code = insert.step();
        insert.reset();
        if (code != SQLITE_DONE) return sql::error_from(db, code, "store log entry");
        if (sqlite3_changes(db) == 1)
            if (code = update_ticket_row(db, e.event); code != SQLITE_DONE)
                return sql::error_from(db, code, "apply log entry");
    }
    sql::Statement save(db, "INSERT INTO sync_state (key, value) VALUES ('cursor', ?1)"
                            " ON CONFLICT (key) DO UPDATE SET value = ?1");
    save.bind(1, std::to_string(cursor));
    if (int code = save.step(); code != SQLITE_DONE) return sql::error_from(db, code, "save cursor");
    if (int code = tx.commit(); code != SQLITE_OK) return sql::error_from(db, code, "commit log page");
    return Done{};
}

namespace {

// The personal fields of an event body, emptied in SQLite's own JSON functions.
constexpr const char* without_person_sql =
    "json_remove(CASE WHEN json_type(body, '$.ticket') = 'object' THEN json_set(body, '$.ticket.name', '',"
    " '$.ticket.phone', '', '$.ticket.description', '') ELSE body END, '$.staff_id')";
constexpr const char* has_person_sql =
    "json_valid(body) AND (json_type(body, '$.staff_id') IS NOT NULL OR json_extract(body, '$.ticket.name') != ''"
    " OR json_extract(body, '$.ticket.phone') != '' OR json_extract(body, '$.ticket.description') != '')";

}  // namespace

StoreResult<std::int64_t> SyncStore::remove_expired_personal(std::int64_t cutoff_ms) {
    sqlite3* db = store_.handle();
    auto mark = state_value("personal_removed_through");
    if (!mark) return mark.error();
    std::int64_t through = 0;
    if (*mark) through = std::strtoll((*mark)->c_str(), nullptr, 10);
    sql::WriteTransaction tx(db);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db, tx.begin_code(), "begin retention");
    sql::Statement upto(db, "SELECT max(hub_seq) FROM merged_log WHERE hub_seq > ?1 AND received_ms < ?2");
    upto.bind(1, through).bind(2, cutoff_ms);
    if (int code = upto.step(); code != SQLITE_ROW) return sql::error_from(db, code, "find expired log entries");
    std::int64_t changed = 0;
    if (!upto.is_null(0)) {
        const std::int64_t last = upto.int64(0);
        sql::Statement redact(db, std::string("UPDATE merged_log SET body = ") + without_person_sql +
                                      " WHERE hub_seq > ?1 AND hub_seq <= ?2 AND " + has_person_sql);
        redact.bind(1, through).bind(2, last);
        if (int code = redact.step(); code != SQLITE_DONE) return sql::error_from(db, code, "remove expired personal fields");
        changed += sqlite3_changes64(db);
        sql::Statement save(db, "INSERT INTO sync_state (key, value) VALUES ('personal_removed_through', ?1)"
                                " ON CONFLICT (key) DO UPDATE SET value = ?1");
        save.bind(1, std::to_string(last));
        if (int code = save.step(); code != SQLITE_DONE) return sql::error_from(db, code, "save retention mark");
    }
    // Dead letters, and this device's own events the hub has (never sent again; the engine
    // prunes them after a day, which may be longer than the retention).
    for (const auto& [table, expired] : {std::pair{"dead_letters", "failed_ms < ?1"},
                                         std::pair{"outbox", "acked_ms IS NOT NULL AND created_ms < ?1"}}) {
        sql::Statement redact(db, std::string("UPDATE ") + table + " SET body = " + without_person_sql + " WHERE " +
                                      expired + " AND " + has_person_sql);
        redact.bind(1, cutoff_ms);
        if (int code = redact.step(); code != SQLITE_DONE) return sql::error_from(db, code, "remove expired personal fields");
        changed += sqlite3_changes64(db);
    }
    if (changed > 0)
        if (auto bumped = bump_log_generation(); !bumped) return bumped.error();
    if (int code = tx.commit(); code != SQLITE_OK) return sql::error_from(db, code, "commit retention");
    return changed;
}

StoreResult<std::int64_t> SyncStore::cursor() {
    auto value = state_value("cursor");
    if (!value) return value.error();
    if (!*value) return std::int64_t{0};
    try {
        return static_cast<std::int64_t>(std::stoll(**value));
    } catch (const std::exception&) {
        return StoreError{StoreErrorKind::corrupt, "error.go_to_reception", "sync cursor is not a number", {}};
    }
}

StoreResult<std::int64_t> SyncStore::dead_letter_count() {
    sqlite3* db = store_.handle();
    sql::Statement q(db, "SELECT count(*) FROM dead_letters");
    const int code = q.step();
    if (code != SQLITE_ROW) return sql::error_from(db, code, "count dead letters");
    return q.int64(0);
}

StoreResult<std::vector<DeadLetter>> SyncStore::dead_letters() {
    sqlite3* db = store_.handle();
    sql::Statement q(db, "SELECT event_id, type, code, message, failed_ms FROM dead_letters ORDER BY failed_ms, event_id");
    std::vector<DeadLetter> list;
    int code;
    while ((code = q.step()) == SQLITE_ROW) list.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.int64(4)});
    if (code != SQLITE_DONE) return sql::error_from(db, code, "read dead letters");
    return list;
}

StoreResult<OutboxEvent> SyncStore::record_event(EventBody action, std::int64_t now_ms, std::string staff_id) {
    sqlite3* db = store_.handle();
    sql::WriteTransaction tx(db);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db, tx.begin_code(), "begin staff action");
    auto seq = store_.next_device_seq();
    if (!seq) return seq.error();
    const Event event = staff_event(std::move(action), store_.device_id(), *seq, now_ms, std::move(staff_id));
    if (auto problem = protocol::event_value_problem(event))  // the hub would refuse it: never send it
        return StoreError{StoreErrorKind::internal, "error.go_to_reception", "staff action: " + problem->message, {}};
    OutboxEvent out{event.envelope.device_seq, event.envelope.event_id, std::string(type_name(event)),
                    protocol::write_event(event), now_ms, std::nullopt, {}};
    int code;
    sql::Statement insert(db, "INSERT INTO outbox (device_seq, event_id, type, body, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
    insert.bind(1, out.device_seq).bind(2, out.event_id).bind(3, out.type).bind(4, out.body_json).bind(5, now_ms);
    if (code = insert.step(); code != SQLITE_DONE) return sql::error_from(db, code, "store staff action");
    if (code = update_ticket_row(db, event); code != SQLITE_DONE) return sql::error_from(db, code, "apply staff action");
    if (code = tx.commit(); code != SQLITE_OK) return sql::error_from(db, code, "commit staff action");
    return out;
}

StoreResult<QueueState> SyncStore::queue_state() {
    auto events = known_events(store_);
    if (!events) return events.error();
    return fold_events(*events);
}

StoreResult<std::int64_t> SyncStore::leave_window(std::int64_t cutoff_ms) {
    sqlite3* db = store_.handle();
    auto queue = queue_state();  // the engine is the log's one writer, and this runs on its thread
    if (!queue) return queue.error();
    sql::WriteTransaction tx(db);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db, tx.begin_code(), "begin log window");
    if (int code = sql::exec(db, "CREATE TEMP TABLE IF NOT EXISTS open_tickets (id TEXT PRIMARY KEY);"
                                 " DELETE FROM temp.open_tickets;");
        code != SQLITE_OK)
        return sql::error_from(db, code, "log window");
    // An open ticket stays while a staff action could still apply to it: the hub refuses
    // actions received more than the action window after the ticket (QueueState), and its
    // receive times never go back, so one issued that long before the newest entry here is
    // closed for good, whatever its last state (a visitor who left without being called).
    std::int64_t newest = 0;
    sql::Statement newest_q(db, "SELECT coalesce(max(received_ms), 0) FROM merged_log");
    if (int code = newest_q.step(); code != SQLITE_ROW) return sql::error_from(db, code, "log window");
    newest = newest_q.int64(0);
    const std::int64_t actionable_from = newest - QueueState::action_window_ms;
    sql::Statement keep(db, "INSERT OR IGNORE INTO temp.open_tickets (id) VALUES (?1)");
    for (const auto& [id, ticket] : queue->tickets()) {
        if (ticket.state != TicketState::waiting && ticket.state != TicketState::called) continue;
        if (ticket.issued.received_ms && *ticket.issued.received_ms < actionable_from) continue;
        keep.bind(1, id);
        if (int code = keep.step(); code != SQLITE_DONE) return sql::error_from(db, code, "log window");
        keep.reset();
    }
    // A staff action names its ticket in ticket_id; an issue event is the ticket.
    sql::Statement drop(db, "DELETE FROM merged_log WHERE received_ms < ?1"
                            " AND coalesce(json_extract(body, '$.ticket_id'), event_id) NOT IN (SELECT id FROM temp.open_tickets)"
                            " AND event_id NOT IN (SELECT event_id FROM outbox)");
    drop.bind(1, cutoff_ms);
    if (int code = drop.step(); code != SQLITE_DONE) return sql::error_from(db, code, "log window");
    const std::int64_t dropped = sqlite3_changes64(db);
    if (int code = sql::exec(db, "DELETE FROM temp.open_tickets;"); code != SQLITE_OK) return sql::error_from(db, code, "log window");
    if (dropped > 0)
        if (auto bumped = bump_log_generation(); !bumped) return bumped.error();
    if (int code = tx.commit(); code != SQLITE_OK) return sql::error_from(db, code, "commit log window");
    return dropped;
}

StoreResult<Done> SyncStore::bump_log_generation() {
    sqlite3* db = store_.handle();
    sql::Statement q(db, "INSERT INTO sync_state (key, value) VALUES (?1, '1')"
                         " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1");
    q.bind(1, std::string(log_generation_key));
    if (int code = q.step(); code != SQLITE_DONE) return sql::error_from(db, code, "note the log rewritten");
    return Done{};
}

StoreResult<std::optional<std::string>> SyncStore::state_value(const std::string& key) {
    sqlite3* db = store_.handle();
    sql::Statement q(db, "SELECT value FROM sync_state WHERE key = ?1");
    q.bind(1, key);
    const int code = q.step();
    if (code == SQLITE_ROW) return std::optional<std::string>(q.text(0));
    if (code != SQLITE_DONE) return sql::error_from(db, code, "read sync state");
    return std::optional<std::string>();
}

StoreResult<Done> SyncStore::set_state_value(const std::string& key, const std::string& value) {
    sqlite3* db = store_.handle();
    sql::Statement q(db, "INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2");
    q.bind(1, key).bind(2, value);
    if (int code = q.step(); code != SQLITE_DONE) return sql::error_from(db, code, "save sync state");
    return Done{};
}

}  // namespace skranke
