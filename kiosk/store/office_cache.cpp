#include "store/office_cache.hpp"

#include "store/sqlite_util.hpp"

namespace skranke {

StoreResult<Done> save_office_config(Store& store, const CachedOfficeConfig& config) {
    sqlite3* db = store.handle();
    sql::Statement q(db,
                     "INSERT OR REPLACE INTO office_config (id, version, services_toml, office_toml, received_ms)"
                     " VALUES (1, ?1, ?2, ?3, ?4)");
    q.bind(1, config.version).bind(2, config.services_toml).bind(3, config.office_toml).bind(4, config.received_ms);
    if (int code = q.step(); code != SQLITE_DONE) return sql::error_from(db, code, "save the office configuration");
    return Done{};
}

StoreResult<std::optional<CachedOfficeConfig>> cached_office_config(Store& store) {
    sqlite3* db = store.handle();
    sql::Statement q(db, "SELECT version, services_toml, office_toml, received_ms FROM office_config WHERE id = 1");
    const int code = q.step();
    if (code == SQLITE_DONE) return std::optional<CachedOfficeConfig>();
    if (code != SQLITE_ROW) return sql::error_from(db, code, "read the office configuration");
    return std::optional<CachedOfficeConfig>(CachedOfficeConfig{q.text(0), q.text(1), q.text(2), q.int64(3)});
}

}  // namespace skranke
