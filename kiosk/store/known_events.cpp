#include "store/known_events.hpp"

#include <algorithm>
#include <cstdlib>

#include "protocol/event_codec.hpp"
#include "store/sqlite_util.hpp"
#include "store/sync_store.hpp"

namespace skranke {

namespace {

// Call inside one read transaction: the sync engine's connection may store the hub's copy of
// an own event (or the hub's refusal of it) between the reads, and the event would then be in
// neither read (or counted and refused at once).
// The sync engine's last measure of the hub's clock against this device's; 0 if none.
StoreResult<std::int64_t> read_hub_ahead(sqlite3* db) {
    sql::Statement q(db, "SELECT value FROM sync_state WHERE key = ?1");
    q.bind(1, std::string(SyncStore::hub_ahead_key));
    const int code = q.step();
    if (code == SQLITE_DONE) return std::int64_t{0};
    if (code != SQLITE_ROW) return sql::error_from(db, code, "read the hub clock offset");
    const std::int64_t value = std::strtoll(q.text(0).c_str(), nullptr, 10);
    // As protocol events bound their times (400 days): never an overflow in arithmetic.
    constexpr std::int64_t bound = 400LL * 24 * 3600 * 1000;
    return std::clamp(value, -bound, bound);
}

StoreResult<std::vector<KnownEvent>> read_known_events(sqlite3* db, std::int64_t hub_ahead_ms) {
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
    // Not stored by the hub yet: read on this device's clock moved by the last measured offset.
    const EventMeta own_meta{std::nullopt, std::nullopt, -hub_ahead_ms};
    while ((code = own.step()) == SQLITE_ROW)
        if (auto event = protocol::parse_event(own.text(0))) events.push_back({std::move(*event), own_meta});
    if (code != SQLITE_DONE) return sql::error_from(db, code, "read outbox");
    return events;
}

}  // namespace

StoreResult<std::vector<KnownEvent>> known_events(Store& store) {
    sql::ReadTransaction snapshot(store.handle());
    if (snapshot.begin_code() != SQLITE_OK)
        return sql::error_from(store.handle(), snapshot.begin_code(), "begin reading the log");
    auto hub_ahead = read_hub_ahead(store.handle());
    if (!hub_ahead) return hub_ahead.error();
    return read_known_events(store.handle(), *hub_ahead);
}

StoreResult<KnownLog> known_log(Store& store) {
    sql::ReadTransaction snapshot(store.handle());
    if (snapshot.begin_code() != SQLITE_OK)
        return sql::error_from(store.handle(), snapshot.begin_code(), "begin reading the log");
    auto hub_ahead = read_hub_ahead(store.handle());
    if (!hub_ahead) return hub_ahead.error();
    auto events = read_known_events(store.handle(), *hub_ahead);
    if (!events) return events.error();
    auto refused = SyncStore(store).dead_letters();
    if (!refused) return refused.error();
    return KnownLog{std::move(events.value()), std::move(refused.value()), *hub_ahead};
}

}  // namespace skranke
