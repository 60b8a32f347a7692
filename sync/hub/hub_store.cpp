#include "hub/hub_store.hpp"

#include <chrono>

#include <sodium.h>

#include "domain/events.hpp"
#include "domain/service_day.hpp"
#include "store/sqlite_util.hpp"
#include "store/store_file.hpp"

namespace skranke::hub {

using protocol::EventResult;
using protocol::LogEntry;
using protocol::Role;
using protocol::role_from_string;

namespace {

constexpr int hub_schema_version = 1;

// Tickets are forgotten from memory only this long after no event can act on them, so that
// a clock stepped back by NTP cannot make a forgotten ticket matter again.
constexpr std::int64_t forget_margin_ms = 3600 * 1000;

constexpr std::string_view hub_schema = R"sql(
CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  enrolled_ms INTEGER NOT NULL,
  last_seen_ms INTEGER,
  clock_offset_ms INTEGER,
  outbox_depth INTEGER
);
CREATE TABLE enrol_codes (
  code_hash TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  used_ms INTEGER,
  used_by TEXT
);
CREATE TABLE events (
  hub_seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  device_id TEXT NOT NULL,
  device_seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  device_clock_offset_ms INTEGER,
  personal_removed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_personal ON events (received_ms) WHERE personal_removed = 0;
CREATE TABLE rejections (
  event_id TEXT PRIMARY KEY,
  body_hash TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  rejected_ms INTEGER NOT NULL
);
)sql";

StoreError internal_error(std::string detail) {
    return StoreError{StoreErrorKind::internal, "error.hub", std::move(detail), {}};
}

std::string random_code() {
    // No 0/o, 1/l/i: read aloud or typed on a kiosk's on-screen keyboard without mistakes.
    static constexpr char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
    std::string code;
    for (int i = 0; i < 12; ++i) code += alphabet[randombytes_uniform(sizeof alphabet - 1)];
    return code;
}


EventResult rejected(std::string event_id, std::string code, std::string message) {
    return EventResult{std::move(event_id), "rejected", std::nullopt, std::move(code), std::move(message)};
}

}  // namespace

std::string random_token() {
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char hex[sizeof bytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    return hex;
}

std::string hash_hex(std::string_view text) {
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       nullptr, 0);
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

namespace {

// The event as a JSON tree: for the rare paths (a replay with other formatting, a rejection)
// that compare or hash the canonical JSON.
nlohmann::json tree_of(const PushedEvent& pushed) { return nlohmann::json::parse(pushed.text, nullptr, false); }

// Empties the personal fields of a stored event's text. Every stored event parses (the hub
// stores nothing else); a text that does not (a damaged row) has them emptied in the tree.
std::string without_personal_fields(std::string_view text) {
    if (auto event = protocol::parse_event(text)) {
        remove_personal_fields(*event);
        return protocol::write_event(*event);
    }
    nlohmann::json tree = nlohmann::json::parse(text, nullptr, false);
    if (auto ticket = tree.is_object() ? tree.find("ticket") : tree.end(); ticket != tree.end() && ticket->is_object())
        for (const char* key : {"name", "phone", "description"})
            if (ticket->contains(key)) (*ticket)[key] = "";
    return tree.is_discarded() ? std::string("{}") : tree.dump();
}

}  // namespace

std::optional<PushedEvent> read_pushed_event(std::string_view text, protocol::IssueEventReader& reader) {
    if (auto issue = reader.read(text)) {
        PushedEvent pushed;
        pushed.text = text;
        pushed.hash = hash_hex(text);
        const EventEnvelope& envelope = issue->envelope;
        pushed.event_id = envelope.event_id;
        pushed.type = std::string(type_name(*issue));
        pushed.device_id = envelope.device_id;
        pushed.device_seq = envelope.device_seq;
        pushed.event = std::move(*issue);
        return pushed;
    }
    const nlohmann::json event = nlohmann::json::parse(text, nullptr, false);
    if (event.is_discarded()) return std::nullopt;
    return pushed_event_of(event, text);
}

PushedEvent pushed_event_of(const nlohmann::json& event, std::string_view text) {
    PushedEvent pushed;
    pushed.text = text;
    pushed.hash = hash_hex(text);
    if (event.is_object()) {
        const auto text_field = [&](const char* key) -> std::optional<std::string> {
            const auto it = event.find(key);
            if (it == event.end() || !it->is_string()) return std::nullopt;
            return it->get<std::string>();
        };
        pushed.event_id = text_field("event_id");
        pushed.type = text_field("type");
        pushed.device_id = text_field("device_id");
        if (const auto seq = event.find("device_seq"); seq != event.end() && seq->is_number_integer())
            pushed.device_seq = seq->get<std::int64_t>();
    }
    pushed.event = protocol::nesting_within(text, protocol::max_json_depth)
                       ? protocol::event_from_json(event)
                       : Result<Event, protocol::EventProblem>(protocol::EventProblem{"", "the event nests too deep"});
    return pushed;
}

struct HubStore::Statements {
    sql::Statement find_event;
    sql::Statement find_rejection;
    sql::Statement insert_event;
    sql::Statement insert_rejection;
    sql::Statement read_log;
    sql::Statement find_token;
    sql::Statement note_contact;
};

StoreResult<std::unique_ptr<HubStore>> HubStore::open(const std::filesystem::path& file, const std::string& vfs_name) {
    if (sodium_init() < 0) return internal_error("libsodium failed to initialise");
    StoreFileSpec spec;
    spec.path = file;
    spec.kind = &hub_log_kind();
    spec.vfs_name = vfs_name;
    spec.build = [](sqlite3* db) -> StoreResult<Done> {
        if (int code = sql::exec(db, hub_schema); code != SQLITE_OK) return sql::error_from(db, code, "create hub schema");
        const std::string version = "PRAGMA user_version = " + std::to_string(hub_schema_version);
        if (int code = sql::exec(db, version); code != SQLITE_OK) return sql::error_from(db, code, "set hub schema version");
        return Done{};
    };
    auto connection = open_store_file(spec);
    if (!connection) return connection.error();
    std::unique_ptr<HubStore> hub(new HubStore());
    hub->db_ = connection->release();
    sqlite3* db = hub->db_;
    {
        sql::Statement version(db, "PRAGMA user_version");
        if (int code = version.step(); code != SQLITE_ROW) return sql::error_from(db, code, "read hub schema version");
        if (const auto current = version.int64(0); current > hub_schema_version) {
            return StoreError{StoreErrorKind::too_new, "error.hub",
                              "hub store schema " + std::to_string(current) + " is newer than this program", {}};
        }
    }

    auto s = std::make_unique<Statements>();
    s->find_event = sql::Statement(db, "SELECT hub_seq, body_hash, body, personal_removed FROM events WHERE event_id = ?1");
    s->find_rejection = sql::Statement(db, "SELECT body_hash, code, message FROM rejections WHERE event_id = ?1");
    s->insert_event = sql::Statement(db,
        "INSERT INTO events (event_id, device_id, device_seq, type, body, body_hash, received_ms,"
        " device_clock_offset_ms, hub_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    s->insert_rejection = sql::Statement(db,
        "INSERT INTO rejections (event_id, body_hash, code, message, rejected_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
    s->read_log = sql::Statement(db,
        "SELECT hub_seq, received_ms, device_clock_offset_ms, body FROM events WHERE hub_seq > ?1"
        " ORDER BY hub_seq LIMIT ?2");
    s->find_token = sql::Statement(db, "SELECT device_id, role FROM devices WHERE token_hash = ?1");
    s->note_contact = sql::Statement(db,
        "UPDATE devices SET last_seen_ms = ?2, clock_offset_ms = coalesce(?3, clock_offset_ms),"
        " outbox_depth = coalesce(?4, outbox_depth) WHERE device_id = ?1");
    for (sql::Statement* st : {&s->find_event, &s->find_rejection, &s->insert_event, &s->insert_rejection,
                               &s->read_log, &s->find_token, &s->note_contact})
        if (!st->valid()) return sql::error_from(db, st->prepare_code(), "prepare hub statements");
    hub->statements_ = std::move(s);
    if (auto loaded = hub->load_state(); !loaded) return loaded.error();
    return hub;
}

HubStore::~HubStore() {
    statements_.reset();
    sqlite3_close_v2(db_);
}

// Rebuilds the in-memory fold from the log (at start, and after a failed commit).
StoreResult<Done> HubStore::load_state() {
    state_ = QueueState();
    {
        std::lock_guard cache(cache_mutex_);
        recent_.clear();
    }
    last_device_seq_.clear();
    rejected_ids_.clear();
    last_seq_ = 0;
    sql::Statement rejected(db_, "SELECT event_id FROM rejections");
    int rc;
    while ((rc = rejected.step()) == SQLITE_ROW) rejected_ids_.insert(rejected.text(0));
    if (rc != SQLITE_DONE) return sql::error_from(db_, rc, "load rejections");
    sql::Statement last(db_, "SELECT device_id, max(device_seq) FROM events GROUP BY device_id");
    while ((rc = last.step()) == SQLITE_ROW) {
        last_device_seq_[last.text(0)] = last.int64(1);
        auto& taken = taken_through_[last.text(0)];  // kept across reloads: answers given stay given
        taken = std::max(taken, last.int64(1));
    }
    if (rc != SQLITE_DONE) return sql::error_from(db_, rc, "load device sequences");
    sql::Statement top(db_, "SELECT coalesce(max(hub_seq), 0) FROM events");
    if (rc = top.step(); rc != SQLITE_ROW) return sql::error_from(db_, rc, "load hub sequence");
    last_seq_ = top.int64(0);
    sql::Statement newest(db_, "SELECT coalesce(max(received_ms), 0) FROM events");
    if (rc = newest.step(); rc != SQLITE_ROW) return sql::error_from(db_, rc, "load newest receive time");
    last_received_ms_ = newest.int64(0);
    // Only tickets a later event can still act on are folded; older ones stay in the log.
    // The window is measured from the log's own newest event, not from the clock at start.
    sql::Statement q(db_, "SELECT hub_seq, received_ms, device_clock_offset_ms, body FROM events"
                          " WHERE received_ms >= ?1 ORDER BY hub_seq");
    q.bind(1, last_received_ms_ - QueueState::action_window_ms - forget_margin_ms);
    int code;
    while ((code = q.step()) == SQLITE_ROW) {
        EventMeta meta{q.int64(0), q.int64(1), std::nullopt};
        if (!q.is_null(2)) meta.device_clock_offset_ms = q.int64(2);
        if (auto event = protocol::parse_event(q.text(3))) state_.apply(*event, meta);
    }
    if (code != SQLITE_DONE) return sql::error_from(db_, code, "load hub log");
    return Done{};
}

StoreResult<std::string> HubStore::create_enrol_code(Role role, std::int64_t now_ms, std::int64_t valid_ms) {
    std::lock_guard lock(mutex_);
    const std::string code = random_code();
    sql::Statement insert(db_, "INSERT INTO enrol_codes (code_hash, role, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4)");
    insert.bind(1, hash_hex(code)).bind(2, protocol::to_string(role)).bind(3, now_ms).bind(4, now_ms + valid_ms);
    if (int c = insert.step(); c != SQLITE_DONE) return sql::error_from(db_, c, "store enrolment code");
    return code;
}

StoreResult<std::optional<Enrolment>> HubStore::enrol(const std::string& code, const std::string& device_id,
                                                      std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    sql::WriteTransaction tx(db_);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db_, tx.begin_code(), "begin enrolment");
    sql::Statement use(db_,
        "UPDATE enrol_codes SET used_ms = ?2, used_by = ?3 WHERE code_hash = ?1 AND used_ms IS NULL"
        " AND expires_ms > ?2 RETURNING role");
    use.bind(1, hash_hex(code)).bind(2, now_ms).bind(3, device_id);
    int c = use.step();
    if (c == SQLITE_DONE) return std::optional<Enrolment>();
    if (c != SQLITE_ROW) return sql::error_from(db_, c, "use enrolment code");
    Enrolment enrolment{device_id, role_from_string(use.text(0)).value_or(Role::display), random_token()};
    if (c = use.step(); c != SQLITE_DONE) return sql::error_from(db_, c, "use enrolment code");
    // Enrolling again (a replaced PC keeping its id) replaces the old token.
    sql::Statement device(db_,
        "INSERT INTO devices (device_id, role, token_hash, enrolled_ms) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT (device_id) DO UPDATE SET role = ?2, token_hash = ?3, enrolled_ms = ?4");
    device.bind(1, device_id).bind(2, protocol::to_string(enrolment.role)).bind(3, hash_hex(enrolment.token)).bind(4, now_ms);
    if (c = device.step(); c != SQLITE_DONE) return sql::error_from(db_, c, "store device");
    if (c = tx.commit(); c != SQLITE_OK) return sql::error_from(db_, c, "commit enrolment");
    std::lock_guard memo(memo_mutex_);
    std::erase_if(tokens_, [&](const auto& entry) { return entry.second.device_id == device_id; });  // old token
    return std::optional<Enrolment>(std::move(enrolment));
}

StoreResult<std::optional<AuthDevice>> HubStore::authenticate(const std::string& token) {
    const std::string hash = hash_hex(token);
    {
        // A known token is answered without the store's lock, so a device's next push is
        // read while its last one is being stored.
        std::lock_guard memo(memo_mutex_);
        if (const auto it = tokens_.find(hash); it != tokens_.end()) return std::optional<AuthDevice>(it->second);
    }
    std::lock_guard lock(mutex_);  // held until cached: an enrolment cannot slip in between
    sql::Statement& q = statements_->find_token;
    q.bind(1, hash);
    std::optional<AuthDevice> found;
    int c = q.step();
    if (c == SQLITE_ROW) {
        found = AuthDevice{q.text(0), role_from_string(q.text(1)).value_or(Role::display)};
        c = SQLITE_DONE;
    }
    q.reset();
    if (c != SQLITE_DONE) return sql::error_from(db_, c, "check token");
    if (found) {
        std::lock_guard memo(memo_mutex_);
        tokens_.emplace(hash, *found);
    }
    return found;
}

void HubStore::note_contact(const std::string& device_id, const Contact& contact) {
    Contact to_save;
    {
        std::lock_guard memo(memo_mutex_);
        Contact& known = contacts_[device_id];
        known.hub_now_ms = contact.hub_now_ms;
        if (contact.clock_offset_ms) known.clock_offset_ms = contact.clock_offset_ms;
        if (contact.outbox_depth) known.outbox_depth = contact.outbox_depth;
        auto& saved = contact_saved_ms_[device_id];
        if (contact.hub_now_ms - saved < 60000) return;
        saved = contact.hub_now_ms;
        to_save = known;
    }
    std::lock_guard lock(mutex_);
    sql::Statement& q = statements_->note_contact;
    q.bind(1, device_id).bind(2, to_save.hub_now_ms).bind(3, to_save.clock_offset_ms).bind(4, to_save.outbox_depth);
    q.step();  // health bookkeeping only: a failure here must not fail the request
    q.reset();
}

StoreResult<std::vector<DeviceHealth>> HubStore::devices() {
    std::lock_guard lock(mutex_);
    sql::Statement q(db_, "SELECT device_id, role, enrolled_ms, last_seen_ms, clock_offset_ms, outbox_depth"
                          " FROM devices ORDER BY device_id");
    std::vector<DeviceHealth> list;
    int c;
    while ((c = q.step()) == SQLITE_ROW) {
        DeviceHealth d{q.text(0), role_from_string(q.text(1)).value_or(Role::display), q.int64(2), {}, {}, {}};
        if (!q.is_null(3)) d.last_seen_ms = q.int64(3);
        if (!q.is_null(4)) d.clock_offset_ms = q.int64(4);
        if (!q.is_null(5)) d.outbox_depth = q.int64(5);
        std::lock_guard memo(memo_mutex_);
        if (const auto it = contacts_.find(d.device_id); it != contacts_.end()) {  // newer than the file
            d.last_seen_ms = it->second.hub_now_ms;
            if (it->second.clock_offset_ms) d.clock_offset_ms = it->second.clock_offset_ms;
            if (it->second.outbox_depth) d.outbox_depth = it->second.outbox_depth;
        }
        list.push_back(std::move(d));
    }
    if (c != SQLITE_DONE) return sql::error_from(db_, c, "list devices");
    return list;
}

StoreResult<EventResult> HubStore::push_one(const PushedEvent& pushed, const Contact& contact, std::int64_t& seq_before,
                                            Undo& undo) {
    Statements& s = *statements_;
    const std::string event_id = pushed.event_id.value_or("");
    // Refused for what it says, before anything is looked up: never stored, so it cannot
    // stand in the way of the device's later events.
    if (!pushed.event) return rejected(event_id, "bad_event", pushed.event.error().message);
    const Event& event = pushed.event.value();
    if (auto problem = protocol::event_problem_at_hub(event, catalogue_, contact.hub_now_ms))
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
    if (!newer || rejected_ids_.count(event_id) != 0) {
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
        if (c != SQLITE_DONE) return sql::error_from(db_, c, "look up event");

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
        if (c != SQLITE_DONE) return sql::error_from(db_, c, "look up rejection");
    }

    const std::int64_t seq = seq_before + 1;
    std::optional<QueueConflict> conflict;
    const std::string& ticket_id = ticket_id_of(event);
    std::optional<QueueTicket> before;
    if (const QueueTicket* t = state_.find(ticket_id)) before = *t;
    if (!newer)
        conflict = QueueConflict{"out_of_order", "event " + event_id + " is older than one already stored"};
    else
        conflict = state_.apply(event, EventMeta{seq, contact.hub_now_ms, contact.clock_offset_ms});
    if (conflict) {
        // Kept, so that the same event sent again gets the same answer (rejections are
        // few: their hash is of the canonical JSON, keys sorted).
        s.insert_rejection.bind(1, event_id).bind(2, hash_hex(tree_of(pushed).dump())).bind(3, conflict->code).bind(4, conflict->message)
            .bind(5, contact.hub_now_ms);
        const int c = s.insert_rejection.step();
        s.insert_rejection.reset();
        if (c != SQLITE_DONE) return sql::error_from(db_, c, "store rejection");
        rejected_ids_.insert(event_id);
        return rejected(event_id, conflict->code, conflict->message);
    }
    undo.tickets.emplace_back(ticket_id, std::move(before));
    undo.device_seqs.emplace_back(device_id, last == last_device_seq_.end() ? std::nullopt
                                                                            : std::optional<std::int64_t>(last->second));
    last_device_seq_[device_id] = device_seq;

    s.insert_event.bind(1, event_id).bind(2, device_id).bind(3, device_seq).bind(4, type_name(event))
        .bind(5, pushed.text).bind(6, hash).bind(7, contact.hub_now_ms).bind(8, contact.clock_offset_ms).bind(9, seq);
    const int c = s.insert_event.step();
    s.insert_event.reset();
    if (c != SQLITE_DONE) return sql::error_from(db_, c, "store event");  // the caller undoes the batch
    seq_before = seq;
    return EventResult{event_id, "stored", seq, "", ""};
}

StoreResult<std::vector<EventResult>> HubStore::push(const std::vector<PushedEvent>& events, const Contact& sent) {
    std::lock_guard lock(mutex_);
    Contact contact = sent;
    contact.hub_now_ms = std::max(contact.hub_now_ms, last_received_ms_);  // the log's time never goes back
    std::vector<EventResult> results;
    results.reserve(events.size());
    StoreResult<Done> outcome = Done{};
    std::int64_t seq = last_seq_;  // published once the batch is in the file
    Undo undo;
    {
        sql::WriteTransaction tx(db_);
        if (tx.begin_code() != SQLITE_OK) return sql::error_from(db_, tx.begin_code(), "begin batch");
        for (const PushedEvent& event : events) {
            auto result = push_one(event, contact, seq, undo);
            if (!result) {
                outcome = result.error();
                break;
            }
            results.push_back(std::move(result.value()));
        }
        if (outcome.ok())
            if (int c = tx.commit(); c != SQLITE_OK) outcome = sql::error_from(db_, c, "commit batch");
    }
    if (!outcome.ok()) {
        // Nothing of the batch is stored: the fold and the sequences are put back exactly
        // as they were, newest change first (rejections noted meanwhile only cost a look-up).
        for (auto it = undo.tickets.rbegin(); it != undo.tickets.rend(); ++it) state_.restore(it->first, std::move(it->second));
        for (auto it = undo.device_seqs.rbegin(); it != undo.device_seqs.rend(); ++it) {
            if (it->second) last_device_seq_[it->first] = *it->second;
            else last_device_seq_.erase(it->first);
        }
        return outcome.error();
    }
    last_seq_ = seq;
    last_received_ms_ = contact.hub_now_ms;
    for (const PushedEvent& pushed : events) {
        if (!pushed.device_id || !pushed.device_seq) continue;
        auto& taken = taken_through_[*pushed.device_id];
        taken = std::max(taken, *pushed.device_seq);
    }
    taken_.notify_all();
    return results;
}

bool HubStore::wait_taken(const std::string& device_id, std::int64_t device_seq, std::int64_t wait_ms) {
    std::unique_lock lock(mutex_);
    const auto is_taken = [&] {
        const auto taken = taken_through_.find(device_id);
        return taken != taken_through_.end() && taken->second >= device_seq;
    };
    return taken_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stopping_ || is_taken(); }) &&
           is_taken();
}

void HubStore::stop_waiting() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    taken_.notify_all();
}

StoreResult<std::vector<LogEntry>> HubStore::read_log(std::int64_t after, std::size_t limit) {
    std::lock_guard lock(mutex_);
    sql::Statement& q = statements_->read_log;
    q.bind(1, after).bind(2, static_cast<std::int64_t>(limit));
    std::vector<LogEntry> entries;
    int c;
    while ((c = q.step()) == SQLITE_ROW) {
        LogEntry e;
        e.hub_seq = q.int64(0);
        e.received_ms = q.int64(1);
        if (!q.is_null(2)) e.device_clock_offset_ms = q.int64(2);
        e.event_json = q.text(3);
        entries.push_back(std::move(e));
    }
    q.reset();
    if (c != SQLITE_DONE) return sql::error_from(db_, c, "read log");
    return entries;
}

StoreResult<std::string> HubStore::read_log_json(std::int64_t after, std::size_t limit, bool personal,
                                                std::int64_t& cursor) {
    cursor = after;
    std::string out = "[";
    const auto append = [&](const CachedEntry& entry) {
        if (out.size() > 1) out += ',';
        out += personal ? entry.full : entry.redacted;
    };
    std::size_t taken = 0;
    // Appends what the cache holds from the cursor on, up to top; true when nothing more is
    // wanted or there.
    const auto take_cached = [&](std::int64_t top) {
        for (auto it = recent_.find(cursor + 1);
             taken < limit && cursor < top && it != recent_.end() && it->first == cursor + 1; ++it, ++cursor, ++taken)
            append(it->second);
        return taken == limit || cursor >= top;
    };
    {
        // Without the store's lock: hundreds of long-polls get a new event while the next
        // batch is being written.
        std::lock_guard cache(cache_mutex_);
        if (take_cached(last_seq_)) return out + ']';
    }
    std::lock_guard lock(mutex_);
    std::lock_guard cache(cache_mutex_);
    // hub_seq has no gaps: what the cache does not hold next, SQLite does.
    if (!take_cached(last_seq_)) {
        sql::Statement& q = statements_->read_log;
        q.bind(1, cursor).bind(2, static_cast<std::int64_t>(limit - taken));
        int c;
        while ((c = q.step()) == SQLITE_ROW) {
            protocol::LogEntry e;
            e.hub_seq = q.int64(0);
            e.received_ms = q.int64(1);
            if (!q.is_null(2)) e.device_clock_offset_ms = q.int64(2);
            e.event_json = q.text(3);
            CachedEntry entry;
            entry.full = protocol::log_entry_json(e);
            e.event_json = without_personal_fields(e.event_json);
            entry.redacted = protocol::log_entry_json(e);
            append(entry);
            recent_.insert_or_assign(e.hub_seq, std::move(entry));
            cursor = e.hub_seq;
            ++taken;
        }
        q.reset();
        if (c != SQLITE_DONE) return sql::error_from(db_, c, "read log");
    }
    while (recent_.size() > recent_capacity) recent_.erase(recent_.begin());
    out += ']';
    return out;
}

std::int64_t HubStore::last_seq() {
    return last_seq_;  // without the store's lock: long-polls ask while a batch is stored
}

StoreResult<std::int64_t> HubStore::remove_personal_before(std::int64_t cutoff_ms) {
    std::lock_guard lock(mutex_);
    sql::WriteTransaction tx(db_);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db_, tx.begin_code(), "begin retention");
    sql::Statement q(db_, "SELECT hub_seq, body FROM events WHERE personal_removed = 0 AND received_ms < ?1");
    sql::Statement update(db_, "UPDATE events SET body = ?2, personal_removed = 1 WHERE hub_seq = ?1");
    q.bind(1, cutoff_ms);
    std::int64_t count = 0;
    int c;
    while ((c = q.step()) == SQLITE_ROW) {
        update.bind(1, q.int64(0)).bind(2, without_personal_fields(q.text(1)));
        const int u = update.step();
        update.reset();
        if (u != SQLITE_DONE) return sql::error_from(db_, u, "remove personal fields");
        ++count;
    }
    if (c != SQLITE_DONE) return sql::error_from(db_, c, "find expired personal fields");
    if (count > 0) {
        // Cached copies may still hold what is removed; only a reader holding the store's
        // lock (not possible until this returns) fills the cache again.
        std::lock_guard cache(cache_mutex_);
        recent_.clear();
    }
    if (c = tx.commit(); c != SQLITE_OK) return sql::error_from(db_, c, "commit retention");
    return count;
}

void HubStore::forget_old_tickets(std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    // No decision depends on this: a ticket is forgotten only after no later event can act on it.
    state_.forget_issued_before(std::min(now_ms, last_received_ms_) - QueueState::action_window_ms - forget_margin_ms);
}

QueueState HubStore::queue_state() {
    std::lock_guard lock(mutex_);
    return state_;
}

StoreResult<std::int64_t> HubStore::raw_insert_for_benchmark(const std::vector<LogRow>& rows, std::size_t batch_size,
                                                             std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    sql::Statement& insert = statements_->insert_event;
    std::size_t i = 0;
    std::int64_t stored = 0;
    std::int64_t seq = last_seq_;
    while (i < rows.size()) {
        sql::WriteTransaction tx(db_);
        if (tx.begin_code() != SQLITE_OK) return sql::error_from(db_, tx.begin_code(), "begin raw batch");
        for (std::size_t n = 0; n < batch_size && i < rows.size(); ++n, ++i) {
            const LogRow& row = rows[i];
            insert.bind(1, row.event_id).bind(2, row.device_id).bind(3, row.device_seq).bind(4, row.type)
                .bind(5, row.body).bind(6, row.body_hash).bind(7, now_ms).bind(8, std::optional<std::int64_t>(0))
                .bind(9, ++seq);
            const int c = insert.step();
            insert.reset();
            if (c != SQLITE_DONE) return sql::error_from(db_, c, "raw insert");
            ++stored;
        }
        if (int c = tx.commit(); c != SQLITE_OK) return sql::error_from(db_, c, "commit raw batch");
        last_seq_ = seq;
    }
    return stored;
}

}  // namespace skranke::hub
