#include "store/store.hpp"

#include <algorithm>
#include <cstdlib>
#include <random>

#include "domain/events.hpp"
#include "domain/office_time.hpp"
#include "protocol/event_codec.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_util.hpp"
#include "store/store_file.hpp"

namespace skranke {

std::string_view to_string(StoreErrorKind kind) {
    switch (kind) {
        case StoreErrorKind::disk_full: return "disk_full";
        case StoreErrorKind::read_only: return "read_only";
        case StoreErrorKind::corrupt: return "corrupt";
        case StoreErrorKind::busy: return "busy";
        case StoreErrorKind::io: return "io";
        case StoreErrorKind::too_new: return "too_new";
        case StoreErrorKind::not_a_store: return "not_a_store";
        case StoreErrorKind::invalid_request: return "invalid_request";
        case StoreErrorKind::internal: return "internal";
    }
    return "internal";
}

namespace {

constexpr std::string_view ticket_columns =
    "event_id, service_day, letter, sequence, need_id, channel, urgent, children_affected, language,"
    " interpreter_wanted, interpreter_language, wheelchair, hearing, sight, name, phone, description,"
    " appointment_ms, appointment_reference, created_ms, state, device_id, device_seq, status_token,"
    " sms_wanted, waits_outside";

Ticket ticket_from_row(const sql::Statement& row) {
    Ticket t;
    t.event_id = row.text(0);
    t.service_day = row.text(1);
    const std::string letter = row.text(2);
    t.number.letter = letter.empty() ? '?' : letter[0];
    t.number.sequence = static_cast<int>(row.int64(3));
    TicketRequest& r = t.request;
    r.need_id = row.text(4);
    r.channel = channel_from_string(row.text(5)).value_or(Channel::walk_in);
    r.urgent = row.int64(6) != 0;
    r.children_affected = row.int64(7) != 0;
    r.language = row.text(8);
    r.interpreter_wanted = row.int64(9) != 0;
    r.interpreter_language = row.text(10);
    r.accessibility = {row.int64(11) != 0, row.int64(12) != 0, row.int64(13) != 0};
    r.name = row.text(14);
    r.phone = row.text(15);
    r.description = row.text(16);
    if (!row.is_null(17)) r.appointment_ms = row.int64(17);
    r.appointment_reference = row.text(18);
    t.created_ms = row.int64(19);
    t.state = ticket_state_from_string(row.text(20)).value_or(TicketState::waiting);
    t.device_id = row.text(21);
    t.device_seq = row.int64(22);
    t.status_token = row.text(23);
    r.sms_wanted = row.int64(24) != 0;
    r.waits_outside = row.int64(25) != 0;
    return t;
}

// "<kind>-" and 12 hex digits, so IT sees which device is which in `skranke-hub devices`.
std::string random_device_id(const std::string& kind) {
    std::random_device random;
    static constexpr char hex[] = "0123456789abcdef";
    std::string id = kind + "-";
    for (int i = 0; i < 12; ++i) id += hex[random() % 16];
    return id;
}

// The key of a ticket's status page (domain/ticket.hpp): 128 bits from the system's
// random source, as lowercase hex.
std::string random_status_token() {
    std::random_device random;
    static constexpr char hex[] = "0123456789abcdef";
    std::string token;
    token.reserve(status_token_chars);
    while (token.size() < status_token_chars) {
        const std::uint32_t bits = random();
        for (int shift = 0; shift < 32 && token.size() < status_token_chars; shift += 4) token += hex[(bits >> shift) & 0xf];
    }
    return token;
}

StoreError internal_error(std::string detail) {
    return StoreError{StoreErrorKind::internal, "error.go_to_reception", std::move(detail), {}};
}

}  // namespace

struct Store::Statements {
    sql::Statement next_number;
    sql::Statement next_device_seq;
    sql::Statement insert_ticket;
    sql::Statement insert_outbox;
    sql::Statement tickets_of_day;
    sql::Statement find_ticket;
    sql::Statement pending_events;
    sql::Statement outbox_depth;
};

StoreResult<std::unique_ptr<Store>> Store::open(const StoreOptions& options) {
    if (options.kiosk_letter < 'A' || options.kiosk_letter > 'Z')
        return internal_error("kiosk letter must be A-Z");
    StoreFileSpec spec;
    spec.path = options.path;
    spec.kind = &device_store_kind();
    spec.vfs_name = options.vfs_name;
    spec.busy_timeout_ms = options.busy_timeout_ms;
    spec.create_if_missing = options.create_if_missing;
    // The device id is chosen once, in the new file: it is half of every event id this device makes.
    spec.build = [&options](sqlite3* db) -> StoreResult<Done> {
        if (auto migrated = migrate(db); !migrated) return migrated.error();
        sql::Statement write(db, "INSERT INTO meta (key, value) VALUES ('device_id', ?)");
        if (!write.valid()) return sql::error_from(db, write.prepare_code(), "save device id");
        write.bind(1, options.device_id.empty() ? random_device_id(options.device_kind) : options.device_id);
        if (int c = write.step(); c != SQLITE_DONE) return sql::error_from(db, c, "save device id");
        return Done{};
    };
    auto connection = open_store_file(spec);
    if (!connection) return connection.error();

    std::unique_ptr<Store> store(new Store());
    store->letter_ = options.kiosk_letter;
    store->db_ = connection->release();
    sqlite3* db = store->db_;
    // Personal fields this device forgets (acknowledged tickets, expired log entries) are
    // overwritten in the file, not only unlinked: secure_delete zeroes the freed cell space
    // on the pages a change writes anyway (FAST: no extra pages written; bodies fit a page).
    if (int code = sql::exec(db, "PRAGMA foreign_keys=ON; PRAGMA secure_delete=FAST"); code != SQLITE_OK)
        return sql::error_from(db, code, "configure store");
    sqlite3_wal_autocheckpoint(db, options.autocheckpoint_pages);

    if (auto migrated = migrate(db); !migrated) return migrated.error();

    {
        sql::Statement read(db, "SELECT value FROM meta WHERE key = 'device_id'");
        if (!read.valid()) return sql::error_from(db, read.prepare_code(), "read device id");
        const int code = read.step();
        if (code == SQLITE_ROW) {
            store->device_id_ = read.text(0);
        } else if (code == SQLITE_DONE) {
            // A store of an older Skranke that stopped before saving its id: it has no events yet.
            store->device_id_ = options.device_id.empty() ? random_device_id(options.device_kind) : options.device_id;
            sql::WriteTransaction tx(db);
            if (tx.begin_code() != SQLITE_OK) return sql::error_from(db, tx.begin_code(), "save device id");
            sql::Statement write(db, "INSERT OR IGNORE INTO meta (key, value) VALUES ('device_id', ?)");
            write.bind(1, store->device_id_);
            if (int c = write.step(); c != SQLITE_DONE) return sql::error_from(db, c, "save device id");
            if (int c = tx.commit(); c != SQLITE_OK) return sql::error_from(db, c, "save device id");
            read.reset();
            if (read.step() == SQLITE_ROW) store->device_id_ = read.text(0);  // another process won
        } else {
            return sql::error_from(db, code, "read device id");
        }
    }

    auto s = std::make_unique<Statements>();
    s->next_number = sql::Statement(db,
        "INSERT INTO day_counters (service_day, letter, last_sequence) VALUES (?1, ?2, 1)"
        " ON CONFLICT (service_day, letter) DO UPDATE SET last_sequence = last_sequence + 1"
        " RETURNING last_sequence");
    s->next_device_seq = sql::Statement(db,
        // The next event number follows the newest outbox row, read under the write lock, so
        // issuing writes no counter page. Code that deletes outbox rows must first raise the
        // 'device_seq' floor in meta (see prune_acknowledged_events): a number is never reused.
        "SELECT max((SELECT coalesce(max(device_seq), 0) FROM outbox),"
        " (SELECT coalesce(max(CAST(value AS INTEGER)), 0) FROM meta WHERE key = 'device_seq')) + 1");
    s->insert_ticket = sql::Statement(db, "INSERT INTO tickets (" + std::string(ticket_columns) +
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
        " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)");
    s->insert_outbox = sql::Statement(db,
        "INSERT INTO outbox (device_seq, event_id, type, body, created_ms, boot_ms, boot_id, acked_body)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    s->tickets_of_day = sql::Statement(db, "SELECT " + std::string(ticket_columns) +
        " FROM tickets WHERE service_day = ?1 ORDER BY created_ms, letter, sequence");
    s->find_ticket = sql::Statement(db, "SELECT " + std::string(ticket_columns) +
        " FROM tickets WHERE event_id = ?1");
    s->pending_events = sql::Statement(db, std::string("SELECT ") + outbox_columns +
        " FROM outbox WHERE acked_ms IS NULL ORDER BY device_seq LIMIT ?1");
    s->outbox_depth = sql::Statement(db, "SELECT count(*) FROM outbox WHERE acked_ms IS NULL");
    for (sql::Statement* st : {&s->next_number, &s->next_device_seq, &s->insert_ticket, &s->insert_outbox,
                               &s->tickets_of_day, &s->find_ticket, &s->pending_events, &s->outbox_depth})
        if (!st->valid()) return sql::error_from(db, st->prepare_code(), "prepare store statements");
    store->statements_ = std::move(s);
    return store;
}

Store::~Store() {
    statements_.reset();  // statements must be finalized before the connection closes
    sqlite3_close_v2(db_);
}

OutboxEvent outbox_event_of(const sql::Statement& row) {
    OutboxEvent e{row.int64(0), row.text(1), row.text(2), row.text(3), row.int64(4), std::nullopt, {}};
    if (!row.is_null(5) && !row.is_null(6)) {
        e.boot_ms = row.int64(5);
        e.boot_id = row.text(6);
    }
    return e;
}

namespace {

StoreResult<std::optional<NumberingMark>> read_numbering_mark(sqlite3* db) {
    sql::Statement q(db, "SELECT day, reference_ms, confirmed, boot_ms, boot_id FROM numbering_mark WHERE id = 1");
    const int code = q.step();
    if (code == SQLITE_DONE) return std::optional<NumberingMark>{};
    if (code != SQLITE_ROW) return sql::error_from(db, code, "read numbering mark");
    return std::optional<NumberingMark>(NumberingMark{q.text(0), q.int64(1), q.int64(2) != 0, q.int64(3), q.text(4)});
}

StoreResult<Done> write_numbering_mark(sqlite3* db, const NumberingMark& mark) {
    sql::Statement w(db, "INSERT OR REPLACE INTO numbering_mark (id, day, reference_ms, confirmed, boot_ms, boot_id)"
                         " VALUES (1, ?1, ?2, ?3, ?4, ?5)");
    w.bind(1, mark.day).bind(2, mark.reference_ms).bind(3, mark.confirmed).bind(4, mark.boot_ms).bind(5, mark.boot_id);
    if (int code = w.step(); code != SQLITE_DONE) return sql::error_from(db, code, "write numbering mark");
    return Done{};
}

// The hub's offset as the sync engine measured it, if measured since this boot.
StoreResult<std::optional<std::int64_t>> hub_ahead_this_boot(sqlite3* db, const std::string& boot_id) {
    if (boot_id.empty()) return std::optional<std::int64_t>{};
    // The keys SyncStore::hub_ahead_key and hub_ahead_boot_key (sync_store.hpp).
    sql::Statement q(db, "SELECT (SELECT value FROM sync_state WHERE key = 'hub_ahead_ms'),"
                         " (SELECT value FROM sync_state WHERE key = 'hub_ahead_boot_id')");
    const int code = q.step();
    if (code != SQLITE_ROW) return sql::error_from(db, code, "read the hub clock offset");
    if (q.is_null(0) || q.is_null(1) || q.text(1) != boot_id) return std::optional<std::int64_t>{};
    constexpr std::int64_t bound = 400LL * 24 * 3600 * 1000;  // as events bound their times
    return std::optional<std::int64_t>(std::clamp<std::int64_t>(std::strtoll(q.text(0).c_str(), nullptr, 10), -bound, bound));
}

}  // namespace

StoreResult<Ticket> Store::issue_ticket(const TicketRequest& request, const ServiceCatalogue& catalogue,
                                        ClockReading clocks) {
    const std::int64_t now_ms = clocks.wall_ms;
    if (auto problems = validate(request, catalogue); !problems.empty()) {
        StoreError error{StoreErrorKind::invalid_request, problems.front().message_key,
                         "request failed validation", std::move(problems)};
        return error;
    }
    Ticket ticket;
    ticket.request = request;
    ticket.request.urgent = catalogue.is_urgent(request.need_id, request.urgent);
    if (!request.phone.empty()) ticket.request.phone = normalise_phone(request.phone).value_or(request.phone);
    ticket.created_ms = now_ms;
    ticket.device_id = device_id_;
    ticket.number.letter = letter_;
    ticket.state = TicketState::waiting;
    ticket.status_token = random_status_token();

    Statements& s = *statements_;
    sql::WriteTransaction tx(db_);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db_, tx.begin_code(), "begin issue");

    if (!clocks.hub_ahead_ms) {
        auto hub_ahead = hub_ahead_this_boot(db_, clocks.boot_id);
        if (!hub_ahead) return hub_ahead.error();
        clocks.hub_ahead_ms = *hub_ahead;
    }
    auto last_mark = read_numbering_mark(db_);
    if (!last_mark) return last_mark.error();
    const NumberingMark mark = next_numbering_mark(*last_mark, clocks, office_zone());
    if (auto written = write_numbering_mark(db_, mark); !written) return written.error();
    ticket.service_day = mark.day;  // numbers only: the office day comes from the corrected arrival

    const std::string letter(1, letter_);
    s.next_number.bind(1, ticket.service_day).bind(2, letter);
    int code = s.next_number.step();
    if (code != SQLITE_ROW) {
        s.next_number.reset();
        return sql::error_from(db_, code, "number ticket");
    }
    ticket.number.sequence = static_cast<int>(s.next_number.int64(0));
    code = s.next_number.step();  // runs the statement to completion
    s.next_number.reset();
    if (code != SQLITE_DONE) return sql::error_from(db_, code, "number ticket");

    auto device_seq = next_device_seq();
    if (!device_seq) return device_seq.error();
    ticket.device_seq = *device_seq;
    ticket.event_id = make_event_id(device_id_, ticket.device_seq);

    const TicketRequest& r = ticket.request;
    s.insert_ticket.bind(1, ticket.event_id).bind(2, ticket.service_day).bind(3, letter)
        .bind(4, ticket.number.sequence).bind(5, r.need_id).bind(6, to_string(r.channel))
        .bind(7, r.urgent).bind(8, r.children_affected).bind(9, r.language)
        .bind(10, r.interpreter_wanted).bind(11, r.interpreter_language)
        .bind(12, r.accessibility.wheelchair).bind(13, r.accessibility.hearing)
        .bind(14, r.accessibility.sight).bind(15, r.name).bind(16, r.phone).bind(17, r.description)
        .bind(18, r.appointment_ms).bind(19, r.appointment_reference).bind(20, ticket.created_ms)
        .bind(21, to_string(ticket.state)).bind(22, device_id_).bind(23, ticket.device_seq)
        .bind(24, ticket.status_token).bind(25, r.sms_wanted).bind(26, r.waits_outside);
    code = s.insert_ticket.step();
    s.insert_ticket.reset();
    if (code != SQLITE_DONE) return sql::error_from(db_, code, "store ticket");

    const Event event = issued_event(ticket);
    if (auto problem = protocol::event_value_problem(event))  // the hub would refuse it: never hand it out
        return StoreError{StoreErrorKind::internal, "error.go_to_reception", "ticket event: " + problem->message, {}};
    Event kept = event;  // what the outbox keeps once the hub has it (SyncStore::apply_acks)
    remove_visitor_answers(kept);
    s.insert_outbox.bind(1, ticket.device_seq).bind(2, ticket.event_id)
        .bind(3, type_name(event)).bind(4, protocol::write_event(event)).bind(5, ticket.created_ms)
        .bind(8, protocol::write_event(kept));
    if (!clocks.boot_id.empty()) s.insert_outbox.bind(6, clocks.boot_ms).bind(7, clocks.boot_id);
    code = s.insert_outbox.step();
    s.insert_outbox.reset();
    if (code != SQLITE_DONE) return sql::error_from(db_, code, "store ticket event");

    if (code = tx.commit(); code != SQLITE_OK) return sql::error_from(db_, code, "commit ticket");
    return ticket;
}

StoreResult<std::int64_t> Store::next_device_seq() {
    sql::Statement& q = statements_->next_device_seq;
    int code = q.step();
    if (code != SQLITE_ROW) {
        q.reset();
        return sql::error_from(db_, code, "sequence event");
    }
    const std::int64_t seq = q.int64(0);
    code = q.step();
    q.reset();
    if (code != SQLITE_DONE) return sql::error_from(db_, code, "sequence event");
    return seq;
}

StoreResult<std::vector<Ticket>> Store::tickets_of_day(const std::string& service_day) {
    sql::Statement& q = statements_->tickets_of_day;
    q.bind(1, service_day);
    std::vector<Ticket> tickets;
    int code;
    while ((code = q.step()) == SQLITE_ROW) tickets.push_back(ticket_from_row(q));
    q.reset();
    if (code != SQLITE_DONE) return sql::error_from(db_, code, "read tickets");
    return tickets;
}

StoreResult<std::optional<Ticket>> Store::find_ticket(const std::string& event_id) {
    sql::Statement& q = statements_->find_ticket;
    q.bind(1, event_id);
    std::optional<Ticket> found;
    int code = q.step();
    if (code == SQLITE_ROW) {
        found = ticket_from_row(q);
        code = SQLITE_DONE;
    }
    q.reset();
    if (code != SQLITE_DONE) return sql::error_from(db_, code, "find ticket");
    return found;
}

StoreResult<std::vector<OutboxEvent>> Store::pending_events(std::size_t limit) {
    sql::Statement& q = statements_->pending_events;
    q.bind(1, static_cast<std::int64_t>(limit));
    std::vector<OutboxEvent> events;
    int code;
    while ((code = q.step()) == SQLITE_ROW) events.push_back(outbox_event_of(q));
    q.reset();
    if (code != SQLITE_DONE) return sql::error_from(db_, code, "read outbox");
    return events;
}

StoreResult<std::int64_t> Store::outbox_depth() {
    sql::Statement& q = statements_->outbox_depth;
    const int code = q.step();
    const std::int64_t depth = code == SQLITE_ROW ? q.int64(0) : 0;
    q.reset();
    if (code != SQLITE_ROW) return sql::error_from(db_, code, "count outbox");
    return depth;
}

StoreResult<Done> Store::checkpoint() {
    const int code = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (code != SQLITE_OK && (code & 0xff) != SQLITE_BUSY) return sql::error_from(db_, code, "checkpoint");
    return Done{};  // busy: a reader is in the way; the next checkpoint catches up
}

StoreResult<Done> Store::checkpoint_and_truncate() {
    const int code = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    if (code != SQLITE_OK && (code & 0xff) != SQLITE_BUSY) return sql::error_from(db_, code, "checkpoint");
    return Done{};
}

StoreResult<std::int64_t> Store::prune_old_tickets(std::int64_t created_before_ms) {
    sql::WriteTransaction tx(db_);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db_, tx.begin_code(), "begin prune tickets");
    sql::Statement remove(db_, "DELETE FROM tickets WHERE created_ms < ?1"
                               " AND event_id NOT IN (SELECT event_id FROM outbox WHERE acked_ms IS NULL)");
    remove.bind(1, created_before_ms);
    if (int code = remove.step(); code != SQLITE_DONE) return sql::error_from(db_, code, "prune tickets");
    const std::int64_t removed = sqlite3_changes64(db_);
    sql::Statement counters(db_, "DELETE FROM day_counters WHERE service_day < ?1");
    counters.bind(1, service_day_of(created_before_ms));
    if (int code = counters.step(); code != SQLITE_DONE) return sql::error_from(db_, code, "prune day counters");
    if (int code = tx.commit(); code != SQLITE_OK) return sql::error_from(db_, code, "commit prune tickets");
    return removed;
}

StoreResult<bool> Store::compact_if_mostly_free(std::int64_t min_free_bytes) {
    std::int64_t pages[3] = {0, 0, 0};  // free, total, page size
    const char* queries[3] = {"PRAGMA freelist_count", "PRAGMA page_count", "PRAGMA page_size"};
    for (int i = 0; i < 3; ++i) {
        sql::Statement q(db_, queries[i]);
        if (int code = q.step(); code != SQLITE_ROW) return sql::error_from(db_, code, "read the file's free pages");
        pages[i] = q.int64(0);
    }
    const std::int64_t free_bytes = pages[0] * pages[2];
    if (free_bytes < min_free_bytes || pages[0] * 2 < pages[1]) return false;
    if (int code = sql::exec(db_, "VACUUM"); code != SQLITE_OK) {
        if ((code & 0xff) == SQLITE_BUSY) return false;  // another connection is writing: next time
        return sql::error_from(db_, code, "compact the store");
    }
    if (auto truncated = checkpoint_and_truncate(); !truncated) return truncated.error();
    return true;
}

StoreResult<std::int64_t> Store::prune_acknowledged_events(std::int64_t acked_before_ms) {
    sql::WriteTransaction tx(db_);
    if (tx.begin_code() != SQLITE_OK) return sql::error_from(db_, tx.begin_code(), "begin prune");
    if (int code = sql::exec(db_,
            "INSERT INTO meta (key, value) VALUES ('device_seq', (SELECT coalesce(max(device_seq), 0) FROM outbox))"
            " ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), excluded.value)");
        code != SQLITE_OK)
        return sql::error_from(db_, code, "raise event number floor");
    sql::Statement remove(db_, "DELETE FROM outbox WHERE acked_ms IS NOT NULL AND acked_ms < ?1");
    if (!remove.valid()) return sql::error_from(db_, remove.prepare_code(), "prune outbox");
    remove.bind(1, acked_before_ms);
    if (int code = remove.step(); code != SQLITE_DONE) return sql::error_from(db_, code, "prune outbox");
    const std::int64_t removed = sqlite3_changes64(db_);
    if (int code = tx.commit(); code != SQLITE_OK) return sql::error_from(db_, code, "commit prune");
    return removed;
}

StoreResult<std::string> Store::integrity_check() {
    sql::Statement q(db_, "PRAGMA integrity_check");
    if (!q.valid()) return sql::error_from(db_, q.prepare_code(), "integrity check");
    std::string result;
    int code;
    while ((code = q.step()) == SQLITE_ROW) {
        if (!result.empty()) result += '\n';
        result += q.text(0);
    }
    if (code != SQLITE_DONE) return sql::error_from(db_, code, "integrity check");
    return result;
}

}  // namespace skranke
