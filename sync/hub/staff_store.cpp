#include "hub/staff_store.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include "hub/hub_store.hpp"
#include "store/sqlite_util.hpp"
#include "store/store_file.hpp"

namespace skranke::hub {
namespace {

constexpr const char* schema = R"sql(
CREATE TABLE staff (
    staff_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    pin_hash TEXT NOT NULL,
    added_ms INTEGER NOT NULL
);
CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    counter TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
)sql";

StoreError staff_error(std::string detail) {
    return StoreError{StoreErrorKind::invalid_request, "error.staff", std::move(detail), {}};
}

bool valid_staff_id(const std::string& id) {
    if (id.empty() || id.size() > 32) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

}  // namespace

std::string_view to_string(StaffRole role) { return role == StaffRole::admin ? "admin" : "reception"; }

std::optional<StaffRole> staff_role_from_string(std::string_view text) {
    if (text == "reception") return StaffRole::reception;
    if (text == "admin") return StaffRole::admin;
    return std::nullopt;
}

StoreResult<std::unique_ptr<StaffStore>> StaffStore::open(const std::filesystem::path& file, PinAttemptPolicy policy) {
    return SqliteStaffStore::open(file, policy);
}

// [SECTION] The PIN rules

StaffPins::StaffPins(PinAttemptPolicy policy) : attempts_(policy), dummy_hash_(hash_pin("00000000")) {}

StoreResult<std::string> StaffPins::hash_for(const StaffMember& member, const std::string& pin) {
    if (!valid_staff_id(member.staff_id)) return staff_error("staff id must be 1-32 of a-z, 0-9, '-', '_', '.'");
    if (member.name.empty() || member.name.size() > 100) return staff_error("name must be 1-100 bytes");
    if (auto problem = pin_problem(pin))
        return staff_error(*problem == "error.pin_length" ? "a PIN has 4 to 12 digits" : "a PIN has digits only");
    std::string hash = hash_pin(pin);
    if (hash.empty())
        return StoreError{StoreErrorKind::internal, "error.hub", "PIN hashing failed (out of memory)", {}};
    return hash;
}

StoreResult<SignInResult> StaffPins::sign_in(const std::string& staff_id, const std::string& pin,
                                             const std::string& device_id, const std::string& counter,
                                             std::int64_t now_ms, std::int64_t session_ms, const Find& find,
                                             const Keep& keep) {
    // Staff ids cannot hold ':', so neither key can name the other's.
    const std::string staff_key = "staff:" + staff_id, device_key = "device:" + device_id;
    {
        std::lock_guard lock(mutex_);
        // Counted as a wrong PIN before the check, so parallel attempts cannot all pass the lock.
        if (const std::int64_t locked = attempts_.begin_check({staff_key, device_key}, now_ms); locked > 0)
            return SignInResult{SignInOutcome::locked, std::nullopt, locked};
    }
    auto found = find();
    if (!found) return found.error();
    const std::optional<Found>& member = *found;
    // The slow Argon2id check runs outside the store's lock; an unknown id pays the same price.
    // One check at a time: each needs its own 19 MiB, and the hub's memory stays bounded
    // however many staff sign in at once.
    bool matches = false;
    {
        std::lock_guard one_at_a_time(pin_check_mutex_);
        matches = pin_matches(pin, member ? member->pin_hash : dummy_hash_) && member.has_value();
    }
    if (!matches) return SignInResult{SignInOutcome::wrong_pin, std::nullopt, 0};  // already counted
    {
        std::lock_guard lock(mutex_);
        attempts_.record_success(staff_key);
        attempts_.record_success(device_key);
    }
    StaffSession session{random_token(), member->member, device_id, counter, now_ms + session_ms};
    auto kept = keep(session, member->pin_hash);
    if (!kept) return kept.error();
    if (!*kept) return SignInResult{SignInOutcome::wrong_pin, std::nullopt, 0};  // removed or a new PIN meanwhile
    return SignInResult{SignInOutcome::signed_in, std::move(session), 0};
}

std::size_t StaffPins::tracked() {
    std::lock_guard lock(mutex_);
    return attempts_.tracked();
}

// [SECTION] staff.db

StoreResult<std::unique_ptr<StaffStore>> SqliteStaffStore::open(const std::filesystem::path& file,
                                                                PinAttemptPolicy policy) {
    if (sodium_init() < 0) return StoreError{StoreErrorKind::internal, "error.hub", "libsodium failed", {}};
    StoreFileSpec spec;
    spec.path = file;
    spec.kind = &hub_staff_kind();
    spec.build = [](sqlite3* db) -> StoreResult<Done> {
        if (int code = sql::exec(db, schema); code != SQLITE_OK) return sql::error_from(db, code, "create staff tables");
        return Done{};
    };
    auto connection = open_store_file(spec);
    if (!connection) return connection.error();
    std::unique_ptr<SqliteStaffStore> store(new SqliteStaffStore(policy));
    store->db_ = connection->release();
    return std::unique_ptr<StaffStore>(std::move(store));
}

SqliteStaffStore::~SqliteStaffStore() {
    sqlite3_close_v2(db_);
}

StoreResult<Done> SqliteStaffStore::add(const StaffMember& member, const std::string& pin, std::int64_t now_ms) {
    auto hash = StaffPins::hash_for(member, pin);
    if (!hash) return hash.error();
    std::lock_guard lock(mutex_);
    sql::Statement q(db_, "INSERT INTO staff (staff_id, name, role, pin_hash, added_ms) VALUES (?1, ?2, ?3, ?4, ?5)"
                          " ON CONFLICT (staff_id) DO UPDATE SET name = ?2, role = ?3, pin_hash = ?4");
    q.bind(1, member.staff_id).bind(2, member.name).bind(3, to_string(member.role)).bind(4, *hash).bind(5, now_ms);
    if (int code = q.step(); code != SQLITE_DONE) return sql::error_from(db_, code, "add staff");
    return Done{};
}

StoreResult<bool> SqliteStaffStore::remove(const std::string& staff_id) {
    std::lock_guard lock(mutex_);
    sql::Statement sessions(db_, "DELETE FROM staff_sessions WHERE staff_id = ?1");
    sessions.bind(1, staff_id);
    if (int code = sessions.step(); code != SQLITE_DONE) return sql::error_from(db_, code, "end sessions");
    sql::Statement q(db_, "DELETE FROM staff WHERE staff_id = ?1");
    q.bind(1, staff_id);
    if (int code = q.step(); code != SQLITE_DONE) return sql::error_from(db_, code, "remove staff");
    return sqlite3_changes(db_) > 0;
}

StoreResult<std::vector<StaffMember>> SqliteStaffStore::list() {
    std::lock_guard lock(mutex_);
    sql::Statement q(db_, "SELECT staff_id, name, role FROM staff ORDER BY staff_id");
    std::vector<StaffMember> members;
    int code;
    while ((code = q.step()) == SQLITE_ROW)
        members.push_back({q.text(0), q.text(1), staff_role_from_string(q.text(2)).value_or(StaffRole::reception)});
    if (code != SQLITE_DONE) return sql::error_from(db_, code, "list staff");
    return members;
}

StoreResult<SignInResult> SqliteStaffStore::sign_in(const std::string& staff_id, const std::string& pin,
                                                    const std::string& device_id, const std::string& counter,
                                                    std::int64_t now_ms) {
    const auto find = [&]() -> StoreResult<std::optional<StaffPins::Found>> {
        std::lock_guard lock(mutex_);
        sql::Statement q(db_, "SELECT name, role, pin_hash FROM staff WHERE staff_id = ?1");
        q.bind(1, staff_id);
        const int code = q.step();
        if (code == SQLITE_DONE) return std::optional<StaffPins::Found>();
        if (code != SQLITE_ROW) return sql::error_from(db_, code, "find staff");
        return std::optional<StaffPins::Found>(StaffPins::Found{
            {staff_id, q.text(0), staff_role_from_string(q.text(1)).value_or(StaffRole::reception)}, q.text(2)});
    };
    const auto keep = [&](const StaffSession& session, const std::string&) -> StoreResult<bool> {
        std::lock_guard lock(mutex_);
        sql::Statement q(db_,
                         "INSERT INTO staff_sessions (token_hash, staff_id, device_id, counter, created_ms, expires_ms)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        q.bind(1, hash_hex(session.token))
            .bind(2, staff_id)
            .bind(3, device_id)
            .bind(4, counter)
            .bind(5, now_ms)
            .bind(6, session.expires_ms);
        if (int code = q.step(); code != SQLITE_DONE) return sql::error_from(db_, code, "store session");
        sql::Statement expired(db_, "DELETE FROM staff_sessions WHERE expires_ms < ?1");
        expired.bind(1, now_ms);
        if (int code = expired.step(); code != SQLITE_DONE) return sql::error_from(db_, code, "forget old sessions");
        return true;
    };
    return pins_.sign_in(staff_id, pin, device_id, counter, now_ms, session_ms, find, keep);
}

std::size_t SqliteStaffStore::tracked_attempts() {
    return pins_.tracked();
}

StoreResult<std::optional<StaffSession>> SqliteStaffStore::session(const std::string& token, std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    sql::Statement q(db_, "SELECT s.staff_id, t.name, t.role, s.device_id, s.counter, s.expires_ms"
                          " FROM staff_sessions s JOIN staff t USING (staff_id)"
                          " WHERE s.token_hash = ?1 AND s.expires_ms > ?2");
    q.bind(1, hash_hex(token)).bind(2, now_ms);
    const int code = q.step();
    if (code == SQLITE_DONE) return std::optional<StaffSession>();
    if (code != SQLITE_ROW) return sql::error_from(db_, code, "find session");
    StaffSession s;
    s.staff = {q.text(0), q.text(1), staff_role_from_string(q.text(2)).value_or(StaffRole::reception)};
    s.device_id = q.text(3);
    s.counter = q.text(4);
    s.expires_ms = q.int64(5);
    return std::optional<StaffSession>(std::move(s));
}

StoreResult<Done> SqliteStaffStore::sign_out(const std::string& token) {
    std::lock_guard lock(mutex_);
    sql::Statement q(db_, "DELETE FROM staff_sessions WHERE token_hash = ?1");
    q.bind(1, hash_hex(token));
    if (int code = q.step(); code != SQLITE_DONE) return sql::error_from(db_, code, "end session");
    return Done{};
}

}  // namespace skranke::hub
