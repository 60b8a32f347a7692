// The office database's tables on PostgreSQL, versioned like hub.db's (hub/hub_file.hpp):
// a new database gets every step, an older one the steps after its version, a newer one is
// refused. Several hubs may start at once on one database: the steps run under an advisory
// lock, so exactly one of them migrates and the others find the result.
//
// Unlike hub.db, one database holds many offices: every row names its office, and each
// office counts its own log (offices.last_seq), so hub_seq is gapless per office.
#pragma once

#include "hub/pg/pg_connection.hpp"

namespace skranke::hub::pg {

// 1: offices, devices, enrolment codes, the log and its rejections, staff and their sessions.
inline constexpr int pg_schema_version = 2;

// Brings the database to pg_schema_version; the version it is at afterwards.
PgResult<int> migrate(Connection& db);

// The version the database is at (0: no Skranke tables yet).
PgResult<int> schema_version(Connection& db);

}  // namespace skranke::hub::pg
