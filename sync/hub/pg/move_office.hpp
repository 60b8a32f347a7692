// skranke-hub migrate: one office's hub.db (and staff.db beside it) moved into an office
// database on PostgreSQL, so an office that grows keeps its history. Everything is kept as it
// was: hub_seq, each event's text, hash, receive time and clock offset, the devices with their
// tokens (they carry on without enrolling again), enrolment codes, rejections, staff and their
// sessions. One transaction: the office is there whole, or not at all. The files are only read
// (hub.db is first brought to this version's schema, as the hub does at start); the hub must
// be stopped while it runs (its data lock is taken).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "domain/result.hpp"

namespace skranke::hub::pg {

struct MovedOffice {
    std::int64_t events = 0;
    std::int64_t last_seq = 0;
    std::int64_t devices = 0;
    std::int64_t staff = 0;
    int schema_version = 0;  // the database's, after the move
};

// An office id as the database keeps it: 1-64 of a-z, 0-9 and '-'.
bool valid_office_id(const std::string& office_id);

// The error says what to do: the hub still running, no such file, the office already in the
// database, the database not reached.
Result<MovedOffice, std::string> move_office(const std::filesystem::path& hub_file, const std::string& database_url,
                                             const std::string& office_id, std::int64_t now_ms);

}  // namespace skranke::hub::pg
