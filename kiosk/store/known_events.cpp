#include "store/known_events.hpp"

#include <algorithm>
#include <cstdlib>

#include "protocol/event_codec.hpp"
#include "store/sqlite_util.hpp"

namespace skranke {

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

StoreResult<std::int64_t> read_merged_after(sqlite3* db, std::int64_t after, const std::function<void(KnownEvent&&)>& each) {
    sql::Statement merged(db, "SELECT body, hub_seq, received_ms, device_clock_offset_ms FROM merged_log"
                              " WHERE hub_seq > ?1 ORDER BY hub_seq");
    merged.bind(1, after);
    std::int64_t last = after;
    int code;
    while ((code = merged.step()) == SQLITE_ROW) {
        EventMeta meta{merged.int64(1), merged.int64(2), std::nullopt};
        if (!merged.is_null(3)) meta.device_clock_offset_ms = merged.int64(3);
        last = merged.int64(1);
        // Written by this store after parse_event accepted it; a body that no longer reads
        // (a damaged row) is left out rather than stopping the queue.
        if (auto event = protocol::parse_event(merged.text(0))) each({std::move(*event), meta});
    }
    if (code != SQLITE_DONE) return sql::error_from(db, code, "read merged log");
    return last;
}

StoreResult<std::vector<std::int64_t>> read_own_unmerged_seqs(sqlite3* db) {
    // Acknowledged is not yet merged: between the hub's acknowledgement and the log page that
    // brings the hub's copy, this device's own event would be in neither and its action would
    // vanish from the queue for that moment. Until the merged log holds it, the outbox's copy
    // counts (acknowledgement keeps it foldable); events the hub refused count never.
    sql::Statement own(db, "SELECT device_seq FROM outbox WHERE event_id NOT IN (SELECT event_id FROM merged_log)"
                           " AND event_id NOT IN (SELECT event_id FROM dead_letters) ORDER BY device_seq");
    std::vector<std::int64_t> seqs;
    int code;
    while ((code = own.step()) == SQLITE_ROW) seqs.push_back(own.int64(0));
    if (code != SQLITE_DONE) return sql::error_from(db, code, "read outbox");
    return seqs;
}

StoreResult<std::optional<KnownEvent>> read_own_event(sqlite3* db, std::int64_t device_seq, std::int64_t hub_ahead_ms) {
    sql::Statement q(db, "SELECT body FROM outbox WHERE device_seq = ?1");
    q.bind(1, device_seq);
    const int code = q.step();
    if (code == SQLITE_DONE) return std::optional<KnownEvent>();
    if (code != SQLITE_ROW) return sql::error_from(db, code, "read outbox");
    auto event = protocol::parse_event(q.text(0));
    if (!event) return std::optional<KnownEvent>();
    return std::optional<KnownEvent>(KnownEvent{std::move(*event), EventMeta{std::nullopt, std::nullopt, -hub_ahead_ms}});
}

StoreResult<Done> read_own_unmerged(sqlite3* db, std::int64_t hub_ahead_ms,
                                    const std::function<void(std::int64_t device_seq, KnownEvent&&)>& each) {
    auto seqs = read_own_unmerged_seqs(db);
    if (!seqs) return seqs.error();
    for (const std::int64_t seq : *seqs) {
        auto own = read_own_event(db, seq, hub_ahead_ms);
        if (!own) return own.error();
        if (*own) each(seq, std::move(**own));
    }
    return Done{};
}

StoreResult<std::vector<KnownEvent>> known_events(Store& store) {
    sqlite3* db = store.handle();
    sql::ReadTransaction snapshot(db);
    if (snapshot.begin_code() != SQLITE_OK) return sql::error_from(db, snapshot.begin_code(), "begin reading the log");
    auto hub_ahead = read_hub_ahead(db);
    if (!hub_ahead) return hub_ahead.error();
    std::vector<KnownEvent> events;
    const auto keep = [&](KnownEvent&& known) { events.push_back(std::move(known)); };
    if (auto merged = read_merged_after(db, 0, keep); !merged) return merged.error();
    if (auto own = read_own_unmerged(db, *hub_ahead, [&](std::int64_t, KnownEvent&& known) { keep(std::move(known)); }); !own)
        return own.error();
    return events;
}

}  // namespace skranke
