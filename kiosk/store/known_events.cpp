#include "store/known_events.hpp"

#include "protocol/event_codec.hpp"
#include "store/sqlite_util.hpp"

namespace skranke {

StoreResult<std::vector<KnownEvent>> known_events(Store& store) {
    sqlite3* db = store.handle();
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
    sql::Statement own(db, "SELECT body FROM outbox WHERE acked_ms IS NULL AND event_id NOT IN"
                           " (SELECT event_id FROM merged_log) ORDER BY device_seq");
    while ((code = own.step()) == SQLITE_ROW)
        if (auto event = protocol::parse_event(own.text(0))) events.push_back({std::move(*event), {}});
    if (code != SQLITE_DONE) return sql::error_from(db, code, "read outbox");
    return events;
}

}  // namespace skranke
