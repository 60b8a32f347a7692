// The drain's baseline: the same rows put straight into a hub file's log by SQLite alone,
// through the benchmark's own connection with the hub's durability settings and batches,
// without any of the hub's checks (what SQLite alone costs for the same rows).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace skranke::bench {

// A row of the hub's log as SQLite gets it.
struct LogRow {
    std::string event_id;
    std::string device_id;
    std::int64_t device_seq = 0;
    std::string type;
    std::string body;
    std::string body_hash;
};

// Inserts rows into the log of an existing hub.db in transactions of batch_size rows;
// how many were stored.
StoreResult<std::int64_t> raw_log_insert(const std::filesystem::path& hub_file, const std::vector<LogRow>& rows,
                                         std::size_t batch_size, std::int64_t now_ms);

// The same into an office's log in a new office database on PostgreSQL (made here), in
// transactions of batch_size rows on one connection; how many were stored.
StoreResult<std::int64_t> raw_pg_log_insert(const std::string& url, const std::string& office_id,
                                            const std::vector<LogRow>& rows, std::size_t batch_size,
                                            std::int64_t now_ms);

}  // namespace skranke::bench
