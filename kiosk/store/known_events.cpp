#include "store/known_events.hpp"

#include "protocol/event_codec.hpp"
#include "store/sqlite_util.hpp"
#include "store/sync_store.hpp"

namespace skranke {

namespace {

// Call inside one read transaction: the sync engine's connection may store the hub's copy of
// an own event (or the hub's refusal of it) between the reads, and the event would then be in
// neither read (or counted and refused at once).
StoreResult<std::vector<KnownEvent>> read_known_events(sqlite3* db) {
    std::vector<KnownEvent> events;
    sql::Statement merged(db, "SELECT body, hub_seq, received_ms, device_clock_offset_ms FROM merged_log ORDER BY hub_seq");
    int code;
    while ((code = merged.step()) == SQLITE_ROW) {
        EventMeta meta{merged.int64(1), merged.int64(2), std::nullopt};
        if (!merged.is_null(3)) meta.device_clock_offset_ms = merged.int64(3);
        // Written by this store after parse_event accepted it; a body that no longer reads
        // (a damaged row) is left out rather than stopping the queue.
        if (auto event = protocol::parse_event(merged.text(0))) events.push_back({std::move(*event), meta});
    }
    if (code != SQLITE_DONE) return sql::error_from(db, code, "read merged log");
    // Acknowledged is not yet merged: between the hub's acknowledgement and the log page that
    // brings the hub's copy, this device's own event would be in neither and its action would
    // vanish from the queue for that moment. Until the merged log holds it, the outbox's copy
    // counts (acknowledgement keeps it foldable); events the hub refused count never.
    sql::Statement own(db, "SELECT body FROM outbox WHERE event_id NOT IN (SELECT event_id FROM merged_log)"
                           " AND event_id NOT IN (SELECT event_id FROM dead_letters) ORDER BY device_seq");
    while ((code = own.step()) == SQLITE_ROW)
        if (auto event = protocol::parse_event(own.text(0))) events.push_back({std::move(*event), {}});
    if (code != SQLITE_DONE) return sql::error_from(db, code, "read outbox");
    return events;
}

}  // namespace

StoreResult<std::vector<KnownEvent>> known_events(Store& store) {
    sql::ReadTransaction snapshot(store.handle());
    if (snapshot.begin_code() != SQLITE_OK)
        return sql::error_from(store.handle(), snapshot.begin_code(), "begin reading the log");
    return read_known_events(store.handle());
}

StoreResult<KnownLog> known_log(Store& store) {
    sql::ReadTransaction snapshot(store.handle());
    if (snapshot.begin_code() != SQLITE_OK)
        return sql::error_from(store.handle(), snapshot.begin_code(), "begin reading the log");
    auto events = read_known_events(store.handle());
    if (!events) return events.error();
    auto refused = SyncStore(store).dead_letters();
    if (!refused) return refused.error();
    return KnownLog{std::move(events.value()), std::move(refused.value())};
}

}  // namespace skranke
