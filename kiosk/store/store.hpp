// The kiosk's local SQLite store: tickets, the per-day number counters and the outbox of
// events waiting for the hub. A ticket and its ticket.issued event are written in one
// transaction; the caller shows the ticket only after issue_ticket returns it (after COMMIT).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/numbering.hpp"
#include "domain/result.hpp"
#include "domain/service_catalogue.hpp"
#include "domain/ticket.hpp"
#include "domain/validation.hpp"

struct sqlite3;

namespace skranke {

enum class StoreErrorKind {
    disk_full,        // out of space (SQLITE_FULL, or ENOSPC / EDQUOT under an I/O error)
    read_only,        // file or disk is read-only
    corrupt,          // not a database, or damaged pages
    busy,             // another writer held the lock longer than busy_timeout
    io,               // any other I/O failure
    too_new,          // file written by a newer Skranke: refuse rather than damage it
    not_a_store,      // the file is empty, not SQLite, or another kind of file: refused, never rebuilt
    invalid_request,  // the request failed validation (see problems)
    internal,         // a bug: reported, never a crash
};
std::string_view to_string(StoreErrorKind kind);

struct StoreError {
    StoreErrorKind kind = StoreErrorKind::internal;
    std::string message_key;  // what the UI shows: "error.go_to_reception" for storage faults
    std::string detail;       // for IT logs: SQLite's message, never personal data
    std::vector<ValidationProblem> problems;  // for invalid_request
};

template <typename T>
using StoreResult = Result<T, StoreError>;

struct StoreOptions {
    std::filesystem::path path;    // created only when no file is there (see store/store_file.hpp)
    bool create_if_missing = true;  // false: a missing file is an error (checks, second connections)
    char kiosk_letter = 'A';       // this kiosk's ticket letter, unique in the office
    std::string device_id;         // empty: generated on first open and kept in the file
    std::string device_kind = "kiosk";  // a generated id's first word: kiosk, reception or display
    std::string vfs_name;          // empty: SQLite's default VFS (tests pass a fault shim)
    int busy_timeout_ms = 5000;
    int autocheckpoint_pages = 10000;  // safety net (40 MB); see Store::checkpoint
};

// An event waiting in the outbox (or already acknowledged by the hub).
struct OutboxEvent {
    std::int64_t device_seq = 0;
    std::string event_id;          // "<device_id>:<device_seq>", the idempotency key
    std::string type;              // "ticket.issued", ...
    std::string body_json;         // the whole event as JSON (see docs/events.md)
    std::int64_t created_ms = 0;
    // The monotonic clock (CLOCK_BOOTTIME) and boot when it was made; none for events made
    // without it (tools, tests, older stores).
    std::optional<std::int64_t> boot_ms;
    std::string boot_id;
};

namespace sql { class Statement; }
// The outbox columns every read of it selects, and the event read from such a row.
inline constexpr const char* outbox_columns = "device_seq, event_id, type, body, created_ms, boot_ms, boot_id";
OutboxEvent outbox_event_of(const sql::Statement& row);

inline constexpr int current_schema_version = 9;

class Store {
public:
    static StoreResult<std::unique_ptr<Store>> open(const StoreOptions& options);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    const std::string& device_id() const { return device_id_; }
    char kiosk_letter() const { return letter_; }

    // Validates, numbers and stores the ticket with its ticket.issued event in one
    // transaction. clocks is this device's clocks now (read_device_clocks()); the day it is
    // numbered under follows domain/numbering.hpp, with the hub's offset the sync engine
    // measured in this boot, if any.
    StoreResult<Ticket> issue_ticket(const TicketRequest& request, const ServiceCatalogue& catalogue,
                                     ClockReading clocks);
    // The same with only a wall-clock time (tools and tests): numbered on that time, never
    // under a day earlier than the last one used.
    StoreResult<Ticket> issue_ticket(const TicketRequest& request, const ServiceCatalogue& catalogue,
                                     std::int64_t now_ms) {
        return issue_ticket(request, catalogue, ClockReading{now_ms, 0, {}, std::nullopt});
    }

    StoreResult<std::vector<Ticket>> tickets_of_day(const std::string& service_day);
    StoreResult<std::optional<Ticket>> find_ticket(const std::string& event_id);

    // The number the next event made on this device gets (one sequence for tickets and staff
    // actions). Call inside the write transaction that inserts that event into the outbox.
    StoreResult<std::int64_t> next_device_seq();

    // Outbox, oldest first; acknowledged events are not returned.
    StoreResult<std::vector<OutboxEvent>> pending_events(std::size_t limit);
    StoreResult<std::int64_t> outbox_depth();

    // Copies the write-ahead log back into the database file (a passive checkpoint). The app
    // calls it when no visitor is waiting for a commit (after a ticket is shown, after a
    // sync), so a visitor's COMMIT never pays for one. SQLite also checkpoints on its own once
    // the log reaches StoreOptions::autocheckpoint_pages, so the log stays bounded regardless.
    StoreResult<Done> checkpoint();
    // A full checkpoint that then empties the write-ahead log file, so that rows rewritten
    // to forget personal fields leave no older copy in it. Busy (another connection is
    // reading): left for the next time, not an error.
    StoreResult<Done> checkpoint_and_truncate();

    // Deletes outbox events the hub acknowledged before acked_before_ms, keeping the file
    // small on a kiosk that runs for a year. Raises the event-number floor first, in the
    // same transaction, so a deleted event's number is never given again. Returns how many.
    StoreResult<std::int64_t> prune_acknowledged_events(std::int64_t acked_before_ms);

    // Deletes this kiosk's own tickets made before created_before_ms whose event the hub has
    // acknowledged, and the day counters of days before that: the tickets table stays the
    // size of a few days however long the kiosk runs. Numbering never goes back to an earlier
    // day (domain/numbering.hpp), so nothing deleted is read again. Returns how many tickets.
    StoreResult<std::int64_t> prune_old_tickets(std::int64_t created_before_ms);

    // Gives free pages back to the disk (VACUUM, then an emptied write-ahead log) when at
    // least min_free_bytes and half the file are free: a store that held a long log before
    // its window was applied shrinks once. True when it did.
    StoreResult<bool> compact_if_mostly_free(std::int64_t min_free_bytes);

    // SQLite's own check; "ok" when healthy.
    StoreResult<std::string> integrity_check();

    sqlite3* handle() { return db_; }  // for the sync engine and tests in this library

private:
    Store() = default;
    sqlite3* db_ = nullptr;
    std::string device_id_;
    char letter_ = 'A';
    struct Statements;
    std::unique_ptr<Statements> statements_;
    friend struct StoreAccess;
};

}  // namespace skranke
