#include "hub/event_log.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>

#include "domain/events.hpp"
#include "store/sqlite_util.hpp"
#include "protocol/protocol.hpp"

namespace skranke::hub {

using protocol::EventResult;
using protocol::LogEntry;

namespace {

// Tickets are forgotten from memory only this long after no event can act on them, so that
// a clock stepped back by NTP cannot make a forgotten ticket matter again.
constexpr std::int64_t forget_margin_ms = 3600 * 1000;

constexpr std::string_view entry_columns = "hub_seq, received_ms, device_clock_offset_ms, body";

EventResult rejected(std::string event_id, std::string code, std::string message) {
    return EventResult{std::move(event_id), "rejected", std::nullopt, std::move(code), std::move(message)};
}

// The event as a JSON tree: for the rare paths (a replay with other formatting, a rejection)
// that compare or hash the canonical JSON.
nlohmann::json tree_of(const PushedEvent& pushed) { return protocol::parse_json_text(pushed.text); }

// A row selected with entry_columns.
LogEntry entry_of(const sql::Statement& q) {
    LogEntry e;
    e.hub_seq = q.int64(0);
    e.received_ms = q.int64(1);
    if (!q.is_null(2)) e.device_clock_offset_ms = q.int64(2);
    e.event_json = q.text(3);
    return e;
}

}  // namespace

struct EventLog::Statements {
    sql::Statement find_event;
    sql::Statement find_rejection;
    sql::Statement insert_event;
    sql::Statement insert_rejection;
    sql::Statement personal_rows;
    sql::Statement remove_personal;
};

struct EventLog::ReadStatements {
    sql::Statement read_log;
};

// What a batch changed in memory, to put back when it does not commit (newest change last),
// and what it stored, to publish when it does.
struct EventLog::Batch {
    std::int64_t seq = 0;  // the newest hub_seq given so far
    std::vector<std::pair<std::string, QueueTicketRef>> tickets;
    std::vector<std::pair<std::string, std::optional<std::int64_t>>> device_seqs;
    std::vector<std::shared_ptr<const TailEntry>> stored;
};

StoreResult<std::unique_ptr<EventLog>> EventLog::open(HubWriter& writer, Connection reader) {
    std::unique_ptr<EventLog> log(new EventLog(writer, std::move(reader)));
    auto reads = std::make_unique<ReadStatements>();
    reads->read_log = sql::Statement(log->reader_.get(), "SELECT " + std::string(entry_columns) +
                                         " FROM events WHERE hub_seq > ?1 AND hub_seq <= ?2 ORDER BY hub_seq LIMIT ?3");
    if (!reads->read_log.valid()) return sql::error_from(log->reader_.get(), reads->read_log.prepare_code(), "prepare log reads");
    log->reads_ = std::move(reads);
    EventLog* raw = log.get();
    if (auto loaded = writer.run([raw](sqlite3* db) { return raw->load(db); }); !loaded) return loaded.error();
    return log;
}

EventLog::EventLog(HubWriter& writer, Connection reader) : writer_(writer), reader_(std::move(reader)) {}

EventLog::~EventLog() = default;

// The fold, the sequences and the tail from the file, at open (no other thread sees the log yet).
StoreResult<Done> EventLog::load(sqlite3* db) {
    auto s = std::make_unique<Statements>();
    s->find_event = sql::Statement(db, "SELECT hub_seq, body_hash, body, personal_removed FROM events WHERE event_id = ?1");
    s->find_rejection = sql::Statement(db, "SELECT body_hash, code, message FROM rejections WHERE event_id = ?1");
    s->insert_event = sql::Statement(db,
        "INSERT INTO events (event_id, device_id, device_seq, type, body, body_hash, received_ms,"
        " device_clock_offset_ms, hub_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    s->insert_rejection = sql::Statement(db,
        "INSERT INTO rejections (event_id, body_hash, code, message, rejected_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
    s->personal_rows = sql::Statement(db,
        "SELECT hub_seq, body FROM events WHERE personal_removed = 0 AND received_ms < ?1 AND hub_seq > ?2"
        " ORDER BY hub_seq LIMIT ?3");
    s->remove_personal = sql::Statement(db, "UPDATE events SET body = ?2, personal_removed = 1 WHERE hub_seq = ?1");
    for (sql::Statement* st : {&s->find_event, &s->find_rejection, &s->insert_event, &s->insert_rejection,
                               &s->personal_rows, &s->remove_personal})
        if (!st->valid()) return sql::error_from(db, st->prepare_code(), "prepare hub statements");
    statements_ = std::move(s);

    sql::Statement last(db, "SELECT device_id, max(device_seq) FROM events GROUP BY device_id");
    int rc;
    while ((rc = last.step()) == SQLITE_ROW) {
        last_device_seq_[last.text(0)] = last.int64(1);
        taken_through_[last.text(0)] = last.int64(1);
    }
    if (rc != SQLITE_DONE) return sql::error_from(db, rc, "load device sequences");
    sql::Statement rejections(db, "SELECT event_id FROM rejections");
    while ((rc = rejections.step()) == SQLITE_ROW) {
        const std::string id = rejections.text(0);
        const std::size_t colon = id.rfind(':');
        std::int64_t seq = 0;
        if (colon == std::string::npos ||
            std::from_chars(id.data() + colon + 1, id.data() + id.size(), seq).ec != std::errc{})
            continue;  // not an id the hub would have stored a rejection for
        note_rejection(id.substr(0, colon), seq);
    }
    if (rc != SQLITE_DONE) return sql::error_from(db, rc, "load rejections");
    sql::Statement top(db, "SELECT coalesce(max(hub_seq), 0), coalesce(max(received_ms), 0) FROM events");
    if (rc = top.step(); rc != SQLITE_ROW) return sql::error_from(db, rc, "load hub sequence");
    LogSnapshot first;
    first.last_seq = top.int64(0);
    last_received_ms_ = top.int64(1);

    // Only tickets a later event can still act on are folded; older ones stay in the log.
    // The window is measured from the log's own newest event, not from the clock at start.
    sql::Statement q(db, "SELECT " + std::string(entry_columns) + " FROM events WHERE received_ms >= ?1 ORDER BY hub_seq");
    q.bind(1, last_received_ms_ - QueueState::action_window_ms - forget_margin_ms);
    while ((rc = q.step()) == SQLITE_ROW) {
        const LogEntry e = entry_of(q);
        if (auto event = protocol::parse_event(e.event_json))
            state_.apply(*event, EventMeta{e.hub_seq, e.received_ms, e.device_clock_offset_ms});
    }
    if (rc != SQLITE_DONE) return sql::error_from(db, rc, "load hub log");

    sql::Statement tail(db, "SELECT " + std::string(entry_columns) + " FROM events WHERE hub_seq > ?1 ORDER BY hub_seq");
    tail.bind(1, first.last_seq - static_cast<std::int64_t>(LogTail::capacity));
    std::vector<std::shared_ptr<const TailEntry>> newest;
    while ((rc = tail.step()) == SQLITE_ROW) newest.push_back(std::make_shared<const TailEntry>(entry_of(tail)));
    if (rc != SQLITE_DONE) return sql::error_from(db, rc, "load the log's tail");
    first.tail = LogTail().appended(newest);
    first.fold = FoldSnapshot(state_);
    publish(std::move(first));
    return Done{};
}

StoreResult<EventResult> EventLog::store_one(sqlite3* db, const PushedEvent& pushed, const Contact& contact,
                                             Batch& batch) {
    Statements& s = *statements_;
    const std::string event_id = pushed.event_id.value_or("");
    // Refused for what it says, before anything is looked up: never stored, so it cannot
    // stand in the way of the device's later events.
    if (!pushed.event) return rejected(event_id, "bad_event", pushed.event.error().message);
    const Event& event = pushed.event.value();
    if (auto problem = protocol::event_problem_at_hub(event, catalogue_.load().get(), contact.hub_now_ms))
        return rejected(event_id, "bad_event", problem->message);

    // The log keeps the text as the device sent it; a replay is recognised by the hash of
    // that text, or else by comparing the parsed JSON (so formatting does not matter).
    const std::string& hash = pushed.hash;
    const std::string& device_id = event.envelope.device_id;
    const std::int64_t device_seq = event.envelope.device_seq;
    const auto last = last_device_seq_.find(device_id);
    const bool newer = last == last_device_seq_.end() || device_seq > last->second;
    // A device's stored events only grow in device_seq, so an event newer than its last
    // stored one and never rejected cannot be a replay: the common case skips the look-ups.
    const auto rejected_before = rejected_newer_.find(device_id);
    const auto overflow = rejected_overflow_.find(device_id);
    const bool maybe_rejected = (rejected_before != rejected_newer_.end() && rejected_before->second.count(device_seq) != 0) ||
                                (overflow != rejected_overflow_.end() && device_seq <= overflow->second);
    if (!newer || maybe_rejected) {
        s.find_event.bind(1, event_id);
        int c = s.find_event.step();
        if (c == SQLITE_ROW) {
            const std::int64_t seq = s.find_event.int64(0);
            bool same = s.find_event.text(1) == hash;
            if (!same) {
                Event sent = event;
                if (s.find_event.int64(3) != 0) remove_personal_fields(sent);  // as the log keeps it now
                const auto kept = protocol::parse_event(s.find_event.text(2));
                same = kept && *kept == sent;
            }
            s.find_event.reset();
            if (same) return EventResult{event_id, "stored", seq, "", ""};
            return rejected(event_id, "conflict", "event id " + event_id + " was stored with a different body");
        }
        s.find_event.reset();
        if (c != SQLITE_DONE) return sql::error_from(db, c, "look up event");

        s.find_rejection.bind(1, event_id);
        c = s.find_rejection.step();
        if (c == SQLITE_ROW) {
            EventResult earlier = hash_hex(tree_of(pushed).dump()) == s.find_rejection.text(0)
                                      ? rejected(event_id, s.find_rejection.text(1), s.find_rejection.text(2))
                                      : rejected(event_id, "conflict", "event id " + event_id + " was sent with a different body");
            s.find_rejection.reset();
            return earlier;
        }
        s.find_rejection.reset();
        if (c != SQLITE_DONE) return sql::error_from(db, c, "look up rejection");
    }

    const std::int64_t seq = batch.seq + 1;
    std::optional<QueueConflict> conflict;
    const std::string& ticket_id = ticket_id_of(event);
    QueueTicketRef before = state_.shared(ticket_id);
    if (!newer)
        conflict = QueueConflict{"out_of_order", "event " + event_id + " is older than one already stored"};
    else
        conflict = state_.apply(event, EventMeta{seq, contact.hub_now_ms, contact.clock_offset_ms});
    if (conflict) {
        // Kept, so that the same event sent again gets the same answer (rejections are
        // few: their hash is of the canonical JSON, keys sorted).
        s.insert_rejection.bind(1, event_id).bind(2, hash_hex(tree_of(pushed).dump())).bind(3, conflict->code)
            .bind(4, conflict->message).bind(5, contact.hub_now_ms);
        const int c = s.insert_rejection.step();
        s.insert_rejection.reset();
        if (c != SQLITE_DONE) return sql::error_from(db, c, "store rejection");
        note_rejection(device_id, device_seq);
        return rejected(event_id, conflict->code, conflict->message);
    }
    batch.tickets.emplace_back(ticket_id, std::move(before));
    batch.device_seqs.emplace_back(device_id, last == last_device_seq_.end() ? std::nullopt
                                                                             : std::optional<std::int64_t>(last->second));
    last_device_seq_[device_id] = device_seq;

    s.insert_event.bind(1, event_id).bind(2, device_id).bind(3, device_seq).bind(4, type_name(event))
        .bind(5, pushed.text).bind(6, hash).bind(7, contact.hub_now_ms).bind(8, contact.clock_offset_ms).bind(9, seq);
    const int c = s.insert_event.step();
    s.insert_event.reset();
    if (c != SQLITE_DONE) return sql::error_from(db, c, "store event");  // the caller undoes the batch
    batch.seq = seq;
    batch.stored.push_back(std::make_shared<const TailEntry>(
        LogEntry{seq, contact.hub_now_ms, contact.clock_offset_ms, std::string(pushed.text)}));
    return EventResult{event_id, "stored", seq, "", ""};
}

// Rejected events newer than their device's last stored one are the only ones whose replay
// the "newer" shortcut would miss; once the device stores a later event (committed), the
// look-up finds them anyway, so the memory holds only those few.
void EventLog::note_rejection(const std::string& device_id, std::int64_t device_seq) {
    const auto last = last_device_seq_.find(device_id);
    if (last != last_device_seq_.end() && device_seq <= last->second) return;
    auto& seqs = rejected_newer_[device_id];
    if (seqs.size() < rejected_newer_cap || seqs.count(device_seq) != 0) {
        seqs.insert(device_seq);
        return;
    }
    // A device that sends thousands of refused events: only the highest is remembered.
    auto& highest = rejected_overflow_[device_id];
    highest = std::max(highest, device_seq);
}

std::size_t EventLog::rejections_in_memory() {
    return writer_.run([&](sqlite3*) {
        std::size_t count = rejected_overflow_.size();
        for (const auto& [device, seqs] : rejected_newer_) count += seqs.size();
        return count;
    });
}

void EventLog::forget_rejections_through(const std::string& device_id) {
    const auto last = last_device_seq_.find(device_id);
    if (last == last_device_seq_.end()) return;
    if (const auto rejected = rejected_newer_.find(device_id); rejected != rejected_newer_.end()) {
        auto& seqs = rejected->second;
        seqs.erase(seqs.begin(), seqs.upper_bound(last->second));
        if (seqs.empty()) rejected_newer_.erase(rejected);
    }
    if (const auto overflow = rejected_overflow_.find(device_id);
        overflow != rejected_overflow_.end() && overflow->second <= last->second)
        rejected_overflow_.erase(overflow);
}

StoreResult<std::vector<EventResult>> EventLog::store(sqlite3* db, const std::vector<PushedEvent>& events,
                                                      const Contact& sent) {
    Contact contact = sent;
    contact.hub_now_ms = std::max(contact.hub_now_ms, last_received_ms_);  // the log's time never goes back
    const auto published = snapshot();
    std::vector<EventResult> results;
    results.reserve(events.size());
    StoreResult<Done> outcome = Done{};
    Batch batch;
    batch.seq = published->last_seq;
    {
        sql::WriteTransaction tx(db);
        if (tx.begin_code() != SQLITE_OK) return sql::error_from(db, tx.begin_code(), "begin batch");
        for (const PushedEvent& event : events) {
            auto result = store_one(db, event, contact, batch);
            if (!result) {
                outcome = result.error();
                break;
            }
            results.push_back(std::move(result.value()));
        }
        if (outcome.ok())
            if (int c = tx.commit(); c != SQLITE_OK) outcome = sql::error_from(db, c, "commit batch");
    }
    if (!outcome.ok()) {
        // Nothing of the batch is stored: the fold and the sequences are put back exactly
        // as they were, newest change first (rejections noted meanwhile only cost a look-up).
        for (auto it = batch.tickets.rbegin(); it != batch.tickets.rend(); ++it) state_.restore(it->first, std::move(it->second));
        for (auto it = batch.device_seqs.rbegin(); it != batch.device_seqs.rend(); ++it) {
            if (it->second) last_device_seq_[it->first] = *it->second;
            else last_device_seq_.erase(it->first);
        }
        return outcome.error();
    }
    last_received_ms_ = contact.hub_now_ms;
    for (const auto& [device_id, before] : batch.device_seqs) forget_rejections_through(device_id);
    if (batch.stored.empty()) return results;  // replays and refusals: readers see nothing new
    FoldSnapshot::Changes changes;
    std::set<std::string> changed;
    for (const auto& entry : batch.tickets) {
        if (!changed.insert(entry.first).second) continue;
        changes.emplace_back(entry.first, state_.shared(entry.first));
    }
    publish(LogSnapshot{batch.seq, published->tail.appended(batch.stored), published->fold.with(std::move(changes), state_)});
    return results;
}

StoreResult<std::vector<EventResult>> EventLog::push(const std::vector<PushedEvent>& events, const Contact& contact) {
    auto results = writer_.run([&](sqlite3* db) { return store(db, events, contact); });
    if (!results) return results;
    {
        std::lock_guard lock(taken_mutex_);
        for (const PushedEvent& pushed : events) {
            if (!pushed.device_id || !pushed.device_seq) continue;
            auto& taken = taken_through_[*pushed.device_id];
            taken = std::max(taken, *pushed.device_seq);
        }
    }
    taken_.notify_all();
    // The whole fold, made here off the writer's lock (and once the device's next batch may
    // go in) when the changes since its base outgrew it: the next commit takes it as its base
    // instead of copying the queue under the lock.
    if (const auto published = snapshot(); published->fold.worth_making()) published->fold.state();
    return results;
}

bool EventLog::wait_taken(const std::string& device_id, std::int64_t device_seq, std::int64_t wait_ms) {
    std::unique_lock lock(taken_mutex_);
    const auto is_taken = [&] {
        const auto taken = taken_through_.find(device_id);
        return taken != taken_through_.end() && taken->second >= device_seq;
    };
    return taken_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stopping_ || is_taken(); }) &&
           is_taken();
}

void EventLog::stop_waiting() {
    {
        std::lock_guard lock(taken_mutex_);
        stopping_ = true;
    }
    taken_.notify_all();
}

StoreResult<std::vector<LogEntry>> EventLog::read_log(std::int64_t after, std::size_t limit) {
    std::lock_guard lock(reader_mutex_);
    sql::Statement& q = reads_->read_log;
    q.bind(1, after).bind(2, std::numeric_limits<std::int64_t>::max()).bind(3, static_cast<std::int64_t>(limit));
    std::vector<LogEntry> entries;
    int c;
    while ((c = q.step()) == SQLITE_ROW) entries.push_back(entry_of(q));
    q.reset();
    if (c != SQLITE_DONE) return sql::error_from(reader_.get(), c, "read log");
    return entries;
}

// received_ms never goes back along hub_seq (PROTOCOL.md section 6), so the first entry
// received at or after from_ms is found by bisecting hub_seq through the primary key: about
// twenty row look-ups on a year's log, and no index for every push to keep up.
StoreResult<std::int64_t> EventLog::cursor_before_received(std::int64_t from_ms) {
    std::lock_guard lock(reader_mutex_);
    sql::Statement q(reader_.get(), "SELECT hub_seq, received_ms FROM events WHERE hub_seq >= ?1 ORDER BY hub_seq LIMIT 1");
    if (!q.valid()) return sql::error_from(reader_.get(), q.prepare_code(), "find a day in the log");
    // Entries up to lo were received before from_ms; entries after hi at or after it.
    std::int64_t lo = 0;
    std::int64_t hi = last_seq();
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo + 1) / 2;
        q.bind(1, mid);
        const int c = q.step();
        if (c == SQLITE_ROW && q.int64(1) < from_ms) {
            lo = std::min(q.int64(0), hi);
        } else if (c == SQLITE_ROW || c == SQLITE_DONE) {
            hi = mid - 1;  // nothing in [mid, that entry) exists, and from that entry on it is later
        } else {
            q.reset();
            return sql::error_from(reader_.get(), c, "find a day in the log");
        }
        q.reset();
    }
    return lo;
}

StoreResult<std::string> EventLog::read_log_json(std::int64_t after, std::size_t limit, bool personal,
                                                 std::int64_t& cursor) {
    const auto published = snapshot();
    const LogTail& tail = published->tail;
    cursor = after;
    std::string out = "[";
    std::size_t taken = 0;
    const auto append = [&](const std::string& json) {
        if (taken++ > 0) out += ',';
        out += json;
    };
    // hub_seq has no gaps: what is older than the tail, the file has.
    const std::int64_t file_through = tail.first_seq() != 0 ? tail.first_seq() - 1 : published->last_seq;
    if (cursor < file_through && limit > 0) {
        std::lock_guard lock(reader_mutex_);
        sql::Statement& q = reads_->read_log;
        q.bind(1, cursor).bind(2, file_through).bind(3, static_cast<std::int64_t>(limit));
        int c;
        while ((c = q.step()) == SQLITE_ROW) {
            const LogEntry e = entry_of(q);
            append(log_entry_json_for(e, personal));
            cursor = e.hub_seq;
        }
        q.reset();
        if (c != SQLITE_DONE) return sql::error_from(reader_.get(), c, "read log");
    }
    while (taken < limit) {
        const TailEntry* entry = tail.find(cursor + 1);
        if (entry == nullptr) break;
        append(entry->json(personal));
        ++cursor;
    }
    return out + ']';
}

StoreResult<std::int64_t> EventLog::remove_personal_batch(sqlite3* db, std::int64_t cutoff_ms, std::int64_t& cursor) {
    Statements& s = *statements_;
    sql::WriteTransaction tx(db);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db, tx.begin_code(), "begin retention");
    std::vector<std::pair<std::int64_t, std::string>> rows;  // read whole before the rows change
    s.personal_rows.bind(1, cutoff_ms).bind(2, cursor).bind(3, retention_batch);
    int c;
    while ((c = s.personal_rows.step()) == SQLITE_ROW) rows.emplace_back(s.personal_rows.int64(0), s.personal_rows.text(1));
    s.personal_rows.reset();
    if (c != SQLITE_DONE) return sql::error_from(db, c, "find expired personal fields");
    if (rows.empty()) return 0;
    for (const auto& [hub_seq, body] : rows) {
        s.remove_personal.bind(1, hub_seq).bind(2, without_personal_fields(body));
        c = s.remove_personal.step();
        s.remove_personal.reset();
        if (c != SQLITE_DONE) return sql::error_from(db, c, "remove personal fields");
    }
    if (c = tx.commit(); c != SQLITE_OK) return sql::error_from(db, c, "commit retention");
    cursor = rows.back().first;
    // The tail still holds what was just removed from the file: readers get those from the file now.
    const auto published = snapshot();
    publish(LogSnapshot{published->last_seq, published->tail.without_through(cursor), published->fold});
    return static_cast<std::int64_t>(rows.size());
}

StoreResult<std::int64_t> EventLog::remove_personal_before(std::int64_t cutoff_ms) {
    std::int64_t count = 0;
    std::int64_t cursor = 0;
    // Bounded: every full batch moves the cursor past retention_batch rows of today's log.
    const std::int64_t rounds = last_seq() / retention_batch + 2;
    for (std::int64_t round = 0; round < rounds; ++round) {
        auto removed = writer_.run([&](sqlite3* db) { return remove_personal_batch(db, cutoff_ms, cursor); });
        if (!removed) return removed.error();
        count += *removed;
        if (*removed < retention_batch) break;
    }
    return count;
}

void EventLog::forget_old_tickets(std::int64_t now_ms) {
    writer_.run([&](sqlite3*) {
        // No decision depends on this: a ticket is forgotten only after no later event can act on it.
        const std::size_t before = state_.tickets().size();
        state_.forget_issued_before(std::min(now_ms, last_received_ms_) - QueueState::action_window_ms - forget_margin_ms);
        if (state_.tickets().size() == before) return;
        const auto published = snapshot();
        publish(LogSnapshot{published->last_seq, published->tail, FoldSnapshot(state_)});
    });
}

}  // namespace skranke::hub
