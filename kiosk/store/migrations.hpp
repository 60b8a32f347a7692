// Versioned schema migrations (PRAGMA user_version). Steps only ever get appended: a file
// of any earlier version is brought up to date on start without losing rows.
#pragma once

#include <string_view>
#include <vector>

#include <sqlite3.h>

#include "store/store.hpp"

namespace skranke {

struct Migration {
    int to_version;
    std::string_view sql;
};

const std::vector<Migration>& migrations();

// Brings the file to target_version (default: current) inside one write transaction.
// A file newer than this program is refused (too_new), never touched.
StoreResult<int> migrate(sqlite3* db, int target_version = current_schema_version);

}  // namespace skranke
