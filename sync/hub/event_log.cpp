#include "hub/event_log.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>

#include "domain/events.hpp"
#include "protocol/protocol.hpp"

namespace skranke::hub {

using protocol::EventResult;
using protocol::LogEntry;

namespace {

// Tickets are forgotten from memory only this long after no event can act on them, so that
// a clock stepped back by NTP cannot make a forgotten ticket matter again.
constexpr std::int64_t forget_margin_ms = 3600 * 1000;

EventResult rejected(std::string event_id, std::string code, std::string message) {
    return EventResult{std::move(event_id), "rejected", std::nullopt, std::move(code), std::move(message)};
}

// The event as a JSON tree: for the rare paths (a replay with other formatting, a rejection)
// that compare or hash the canonical JSON.
nlohmann::json tree_of(const PushedEvent& pushed) { return protocol::parse_json_text(pushed.text); }

// A write begun on the storage: rolled back unless it was handed to commit.
struct Undecided {
    LogStorage& storage;
    bool open = true;
    ~Undecided() {
        if (open) storage.rollback();
    }
};

// An event id's device and sequence ("device:seq"; nothing: not an id the hub would keep).
std::optional<std::pair<std::string, std::int64_t>> device_seq_of_id(const std::string& id) {
    const std::size_t colon = id.rfind(':');
    std::int64_t seq = 0;
    if (colon == std::string::npos || std::from_chars(id.data() + colon + 1, id.data() + id.size(), seq).ec != std::errc{})
        return std::nullopt;
    return std::make_pair(id.substr(0, colon), seq);
}

}  // namespace

// What a batch changed in memory, to put back when it does not commit (newest change last),
// and what it stored, to publish when it does.
struct EventLog::Batch {
    std::int64_t seq = 0;  // the newest hub_seq given so far
    std::set<std::string> rejected_elsewhere;  // event ids of the batch another hub has rejected
    std::vector<std::pair<std::string, QueueTicketRef>> tickets;
    std::vector<std::pair<std::string, std::optional<std::int64_t>>> device_seqs;
    std::vector<std::shared_ptr<const TailEntry>> stored;
};

// Work run as the log's writer, its result handed out.
template <class Work>
auto EventLog::as_writer(Work&& work) {
    std::optional<decltype(work())> out;
    storage_->exclusive([&] { out.emplace(work()); });
    return std::move(*out);
}

StoreResult<std::unique_ptr<EventLog>> EventLog::open(std::unique_ptr<LogStorage> storage) {
    std::unique_ptr<EventLog> log(new EventLog(std::move(storage)));
    EventLog* raw = log.get();
    if (auto loaded = log->as_writer([raw] { return raw->load(); }); !loaded) return loaded.error();
    log->storage_->on_commit_elsewhere([raw](std::int64_t stored_last_seq) {
        if (stored_last_seq <= raw->last_seq()) return;
        if (auto taken = raw->as_writer([&] { return raw->take_in(stored_last_seq); }); !taken)
            return;  // the next write or wake tries again
        std::lock_guard lock(raw->grown_mutex_);  // held while called: on_grown({}) waits for it
        if (raw->grown_) raw->grown_();
    });
    return log;
}

EventLog::EventLog(std::unique_ptr<LogStorage> storage) : storage_(std::move(storage)) {}

EventLog::~EventLog() { storage_->stop(); }

// The fold, the sequences and the tail from the storage, at open (no other thread sees the log yet).
StoreResult<Done> EventLog::load() {
    auto facts = storage_->facts();
    if (!facts) return facts.error();
    last_device_seq_ = facts->device_seqs;
    for (const auto& [device, seq] : facts->device_seqs) taken_through_[device] = seq;
    for (const std::string& id : facts->rejected_ids)
        if (const auto device_seq = device_seq_of_id(id)) note_rejection(device_seq->first, device_seq->second);
    LogSnapshot first;
    first.last_seq = facts->last_seq;
    last_received_ms_ = facts->last_received_ms;

    // Only tickets a later event can still act on are folded; older ones stay in the log.
    // The window is measured from the log's own newest event, not from the clock at start.
    auto folded = storage_->read_received_since(
        last_received_ms_ - QueueState::action_window_ms - forget_margin_ms, [&](LogEntry&& e) {
            if (e.hub_seq > first.last_seq) return;  // stored since the facts: taken in by the next write
            if (auto event = protocol::parse_event(e.event_json))
                state_.apply(*event, EventMeta{e.hub_seq, e.received_ms, e.device_clock_offset_ms});
        });
    if (!folded) return folded;

    std::vector<std::shared_ptr<const TailEntry>> newest;
    auto tail = storage_->read(first.last_seq - static_cast<std::int64_t>(LogTail::capacity), first.last_seq,
                               LogTail::capacity, [&](LogEntry&& e) {
                                   newest.push_back(std::make_shared<const TailEntry>(std::move(e)));
                               });
    if (!tail) return tail;
    first.tail = LogTail().appended(newest);
    first.fold = FoldSnapshot(state_);
    publish(std::move(first));
    return Done{};
}

// Entries other hubs stored up to stored_last_seq, folded in order and published, as if this
// hub had stored them; nothing changes unless all of them were read.
StoreResult<Done> EventLog::take_in(std::int64_t stored_last_seq) {
    const auto published = snapshot();
    if (stored_last_seq <= published->last_seq) return Done{};
    std::vector<LogEntry> entries;
    auto read = storage_->read(published->last_seq, stored_last_seq,
                               static_cast<std::size_t>(stored_last_seq - published->last_seq),
                               [&](LogEntry&& e) { entries.push_back(std::move(e)); });
    if (!read) return read;
    if (entries.size() != static_cast<std::size_t>(stored_last_seq - published->last_seq))
        return StoreError{StoreErrorKind::internal, "error.go_to_reception",
                          "the log has gaps before hub_seq " + std::to_string(stored_last_seq), {}};
    std::vector<std::shared_ptr<const TailEntry>> added;
    FoldSnapshot::Changes changes;
    std::set<std::string> changed;
    std::vector<std::pair<std::string, std::int64_t>> taken;
    for (LogEntry& e : entries) {
        if (auto event = protocol::parse_event(e.event_json)) {
            state_.apply(*event, EventMeta{e.hub_seq, e.received_ms, e.device_clock_offset_ms});
            if (const std::string& ticket = ticket_id_of(*event); changed.insert(ticket).second)
                changes.emplace_back(ticket, nullptr);
            auto& last = last_device_seq_[event->envelope.device_id];
            last = std::max(last, event->envelope.device_seq);
            taken.emplace_back(event->envelope.device_id, event->envelope.device_seq);
        }
        last_received_ms_ = std::max(last_received_ms_, e.received_ms);
        added.push_back(std::make_shared<const TailEntry>(std::move(e)));
    }
    for (auto& [ticket, now] : changes) now = state_.shared(ticket);
    for (const auto& [device_id, seq] : taken) forget_rejections_through(device_id);
    publish(LogSnapshot{stored_last_seq, published->tail.appended(added), published->fold.with(std::move(changes), state_)});
    {
        std::lock_guard lock(taken_mutex_);
        for (const auto& [device_id, seq] : taken) {
            auto& through = taken_through_[device_id];
            through = std::max(through, seq);
        }
    }
    taken_.notify_all();
    return Done{};
}

StoreResult<Done> EventLog::catch_up() {
    return as_writer([&]() -> StoreResult<Done> {
        auto stored = storage_->begin();
        if (!stored) return stored.error();
        auto taken = take_in(*stored);
        storage_->rollback();  // nothing written
        return taken;
    });
}

StoreResult<EventResult> EventLog::store_one(const PushedEvent& pushed, const Contact& contact, Batch& batch) {
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
                                (overflow != rejected_overflow_.end() && device_seq <= overflow->second) ||
                                batch.rejected_elsewhere.count(event_id) != 0;
    if (!newer || maybe_rejected) {
        auto kept = storage_->find_event(event_id);
        if (!kept) return kept.error();
        if (*kept) {
            bool same = (*kept)->body_hash == hash;
            if (!same) {
                Event sent = event;
                if ((*kept)->personal_removed) remove_personal_fields(sent);  // as the log keeps it now
                const auto stored = protocol::parse_event((*kept)->body);
                same = stored && *stored == sent;
            }
            if (same) return EventResult{event_id, "stored", (*kept)->hub_seq, "", ""};
            return rejected(event_id, "conflict", "event id " + event_id + " was stored with a different body");
        }
        auto earlier = storage_->find_rejection(event_id);
        if (!earlier) return earlier.error();
        if (*earlier)
            return hash_hex(tree_of(pushed).dump()) == (*earlier)->body_hash
                       ? rejected(event_id, (*earlier)->code, (*earlier)->message)
                       : rejected(event_id, "conflict", "event id " + event_id + " was sent with a different body");
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
        auto kept = storage_->reject(event_id, KeptRejection{hash_hex(tree_of(pushed).dump()), conflict->code, conflict->message},
                                     contact.hub_now_ms);
        if (!kept) return kept.error();
        note_rejection(device_id, device_seq);
        return rejected(event_id, conflict->code, conflict->message);
    }
    batch.tickets.emplace_back(ticket_id, std::move(before));
    batch.device_seqs.emplace_back(device_id, last == last_device_seq_.end() ? std::nullopt
                                                                             : std::optional<std::int64_t>(last->second));
    last_device_seq_[device_id] = device_seq;

    const NewEntry entry{seq, event_id, device_id, device_seq, type_name(event), pushed.text, hash,
                         contact.hub_now_ms, contact.clock_offset_ms};
    if (auto stored = storage_->append(entry); !stored) return stored.error();  // the caller undoes the batch
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
    return as_writer([&] {
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

StoreResult<std::vector<EventResult>> EventLog::store(const std::vector<PushedEvent>& events, const Contact& sent) {
    auto stored_last = storage_->begin();
    if (!stored_last) return stored_last.error();
    Undecided write{*storage_};
    // What other hubs stored first, so that this batch is decided as one hub would decide it.
    if (auto taken = take_in(*stored_last); !taken) return taken.error();
    Contact contact = sent;
    contact.hub_now_ms = std::max(contact.hub_now_ms, last_received_ms_);  // the log's time never goes back
    const auto published = snapshot();
    std::vector<EventResult> results;
    results.reserve(events.size());
    StoreResult<Done> outcome = Done{};
    Batch batch;
    batch.seq = published->last_seq;
    std::vector<std::string_view> ids;
    ids.reserve(events.size());
    for (const PushedEvent& event : events)
        if (event.event_id) ids.push_back(*event.event_id);
    if (auto elsewhere = storage_->rejected_elsewhere(ids); elsewhere) batch.rejected_elsewhere = std::move(*elsewhere);
    else outcome = elsewhere.error();
    for (const PushedEvent& event : events) {
        if (!outcome.ok()) break;
        auto result = store_one(event, contact, batch);
        if (!result) outcome = result.error();
        else results.push_back(std::move(result.value()));
    }
    if (outcome.ok()) {
        write.open = false;
        outcome = storage_->commit();
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
    auto results = as_writer([&] { return store(events, contact); });
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
    std::vector<LogEntry> entries;
    auto read = storage_->read(after, std::numeric_limits<std::int64_t>::max(), limit,
                               [&](LogEntry&& e) { entries.push_back(std::move(e)); });
    if (!read) return read.error();
    return entries;
}

// received_ms never goes back along hub_seq (PROTOCOL.md section 6), so the first entry
// received at or after from_ms is found by bisecting hub_seq through the primary key: about
// twenty row look-ups on a year's log, and no index for every push to keep up.
StoreResult<std::int64_t> EventLog::cursor_before_received(std::int64_t from_ms) {
    // Entries up to lo were received before from_ms; entries after hi at or after it.
    std::int64_t lo = 0;
    std::int64_t hi = last_seq();
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo + 1) / 2;
        auto found = storage_->first_from(mid);
        if (!found) return found.error();
        if (*found && (*found)->second < from_ms)
            lo = std::min((*found)->first, hi);
        else
            hi = mid - 1;  // nothing in [mid, that entry) exists, and from that entry on it is later
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
    // hub_seq has no gaps: what is older than the tail, the storage has.
    const std::int64_t file_through = tail.first_seq() != 0 ? tail.first_seq() - 1 : published->last_seq;
    if (cursor < file_through && limit > 0) {
        auto read = storage_->read(cursor, file_through, limit, [&](LogEntry&& e) {
            append(log_entry_json_for(e, personal));
            cursor = e.hub_seq;
        });
        if (!read) return read.error();
    }
    while (taken < limit) {
        const TailEntry* entry = tail.find(cursor + 1);
        if (entry == nullptr) break;
        append(entry->json(personal));
        ++cursor;
    }
    return out + ']';
}

StoreResult<std::int64_t> EventLog::remove_personal_batch(std::int64_t cutoff_ms, std::int64_t& cursor) {
    if (auto begun = storage_->begin(); !begun) return begun.error();
    Undecided write{*storage_};
    auto rows = storage_->personal_rows(cutoff_ms, cursor, retention_batch);  // read whole before the rows change
    if (!rows) return rows.error();
    if (rows->empty()) return 0;
    for (const auto& [hub_seq, body] : *rows)
        if (auto removed = storage_->remove_personal(hub_seq, without_personal_fields(body)); !removed)
            return removed.error();
    write.open = false;
    if (auto committed = storage_->commit(); !committed) return committed.error();
    cursor = rows->back().first;
    // The tail still holds what was just removed from the file: readers get those from the file now.
    const auto published = snapshot();
    publish(LogSnapshot{published->last_seq, published->tail.without_through(cursor), published->fold});
    return static_cast<std::int64_t>(rows->size());
}

StoreResult<std::int64_t> EventLog::remove_personal_before(std::int64_t cutoff_ms) {
    std::int64_t count = 0;
    std::int64_t cursor = 0;
    // Bounded: every full batch moves the cursor past retention_batch rows of today's log.
    const std::int64_t rounds = last_seq() / retention_batch + 2;
    for (std::int64_t round = 0; round < rounds; ++round) {
        auto removed = as_writer([&] { return remove_personal_batch(cutoff_ms, cursor); });
        if (!removed) return removed.error();
        count += *removed;
        if (*removed < retention_batch) break;
    }
    // Another hub on the same log may have removed them from the storage first: this hub's
    // tail lets go of everything received before the cutoff all the same.
    auto through = cursor_before_received(cutoff_ms);
    if (!through) return through.error();
    as_writer([&] {
        const auto published = snapshot();
        if (published->tail.first_seq() != 0 && published->tail.first_seq() <= *through)
            publish(LogSnapshot{published->last_seq, published->tail.without_through(*through), published->fold});
        return 0;
    });
    return count;
}

void EventLog::forget_old_tickets(std::int64_t now_ms) {
    as_writer([&] {
        // No decision depends on this: a ticket is forgotten only after no later event can act on it.
        const std::size_t before = state_.tickets().size();
        state_.forget_issued_before(std::min(now_ms, last_received_ms_) - QueueState::action_window_ms - forget_margin_ms);
        if (state_.tickets().size() == before) return 0;
        const auto published = snapshot();
        publish(LogSnapshot{published->last_seq, published->tail, FoldSnapshot(state_)});
        return 0;
    });
}

}  // namespace skranke::hub
