#include "raw_log.hpp"

#include "hub/pg/pg_office_log.hpp"
#include "hub/pg/pg_schema.hpp"
#include "store/sqlite_util.hpp"
#include "store/store_file.hpp"

namespace skranke::bench {

StoreResult<std::int64_t> raw_log_insert(const std::filesystem::path& hub_file, const std::vector<LogRow>& rows,
                                         std::size_t batch_size, std::int64_t now_ms) {
    StoreFileSpec spec;  // WAL and synchronous=FULL, as the hub's own connection
    spec.path = hub_file;
    spec.kind = &hub_log_kind();
    spec.create_if_missing = false;
    auto db = open_store_file(spec);
    if (!db) return db.error();
    sqlite3* raw = db->get();
    sql::Statement insert(raw,
                          "INSERT INTO events (event_id, device_id, device_seq, type, body, body_hash, received_ms,"
                          " device_clock_offset_ms, hub_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!insert.valid()) return sql::error_from(raw, insert.prepare_code(), "prepare raw insert");
    std::size_t i = 0;
    std::int64_t seq = 0;  // the file is new: its log is empty
    while (i < rows.size()) {
        sql::WriteTransaction tx(raw);
        if (tx.begin_code() != SQLITE_OK) return sql::error_from(raw, tx.begin_code(), "begin raw batch");
        for (std::size_t n = 0; n < batch_size && i < rows.size(); ++n, ++i) {
            const LogRow& row = rows[i];
            insert.bind(1, row.event_id)
                .bind(2, row.device_id)
                .bind(3, row.device_seq)
                .bind(4, row.type)
                .bind(5, row.body)
                .bind(6, row.body_hash)
                .bind(7, now_ms)
                .bind(8, std::optional<std::int64_t>(0))
                .bind(9, ++seq);
            const int c = insert.step();
            insert.reset();
            if (c != SQLITE_DONE) return sql::error_from(raw, c, "raw insert");
        }
        if (int c = tx.commit(); c != SQLITE_OK) return sql::error_from(raw, c, "commit raw batch");
    }
    return seq;
}

StoreResult<std::int64_t> raw_pg_log_insert(const std::string& url, const std::string& office_id,
                                            const std::vector<LogRow>& rows, std::size_t batch_size,
                                            std::int64_t now_ms) {
    namespace pg = hub::pg;
    auto db = pg::Connection::open(url);
    if (!db) return pg::store_error_of(db.error());
    if (auto migrated = pg::migrate(*db); !migrated) return pg::store_error_of(migrated.error());
    if (auto made = pg::ensure_office(*db, office_id, now_ms); !made) return pg::store_error_of(made.error());
    std::size_t i = 0;
    std::int64_t seq = 0;  // the database is new: the office's log is empty
    while (i < rows.size()) {
        auto tx = pg::Transaction::begin(*db);
        if (!tx) return pg::store_error_of(tx.error());
        for (std::size_t n = 0; n < batch_size && i < rows.size(); ++n, ++i) {
            const LogRow& row = rows[i];
            auto inserted = db->run(
                "INSERT INTO events (office_id, hub_seq, event_id, device_id, device_seq, type, body, body_hash,"
                " received_ms, device_clock_offset_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0)",
                {office_id, std::to_string(++seq), row.event_id, row.device_id, std::to_string(row.device_seq),
                 row.type, row.body, row.body_hash, std::to_string(now_ms)});
            if (!inserted) return pg::store_error_of(inserted.error());
        }
        if (auto committed = tx->commit(); !committed) return pg::store_error_of(committed.error());
    }
    return seq;
}

}  // namespace skranke::bench
