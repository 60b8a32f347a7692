#include "hub/pg/pg_staff_store.hpp"

#include <sodium.h>

#include "domain/office_time.hpp"
#include "hub/hub_file.hpp"
#include "hub/pg/move_office.hpp"
#include "hub/pg/pg_office_log.hpp"
#include "hub/pg/pg_schema.hpp"

namespace skranke::hub::pg {

namespace {

constexpr int connect_timeout_s = 5;

// A staff member from a row's first three columns: staff_id, name, role.
StaffMember member_of(const Rows& rows, int r) {
    return {std::string(rows.text(r, 0)), std::string(rows.text(r, 1)),
            staff_role_from_string(rows.text(r, 2)).value_or(StaffRole::reception)};
}

}  // namespace

PgStaffStore::PgStaffStore(std::string url, std::string office_id, PinAttemptPolicy policy)
    : url_(std::move(url)), office_id_(std::move(office_id)), link_(url_, connect_timeout_s), pins_(policy) {}

PgStaffStore::~PgStaffStore() = default;

StoreResult<std::unique_ptr<StaffStore>> PgStaffStore::open(const ReadyOffice& office, PinAttemptPolicy policy) {
    std::unique_ptr<PgStaffStore> store(new PgStaffStore(office.url(), office.office_id(), policy));
    if (auto opened = store->link_.get(); !opened) return store_error_of(opened.error());
    return std::unique_ptr<StaffStore>(std::move(store));
}

// A connection the server lost since its last use (a restart) fails its first statement before
// the server kept anything: the call runs once more on a new connection (pg::Link). Every call
// below begins with BEGIN, a read, or an upsert that may run twice.
template <class T, class Work>
StoreResult<T> PgStaffStore::use(Work&& work) {
    std::lock_guard lock(mutex_);
    auto done = link_.run<T>(std::forward<Work>(work));
    if (!done) return store_error_of(done.error());
    return std::move(done).value();
}

StoreResult<Done> PgStaffStore::add(const StaffMember& member, const std::string& pin, std::int64_t now_ms) {
    auto hash = StaffPins::hash_for(member, pin);
    if (!hash) return hash.error();
    return use<Done>([&](Connection& db) -> PgResult<Done> {
        auto stored = db.run(
            "INSERT INTO staff (office_id, staff_id, name, role, pin_hash, added_ms) VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (office_id, staff_id) DO UPDATE"
            " SET name = EXCLUDED.name, role = EXCLUDED.role, pin_hash = EXCLUDED.pin_hash",
            {office_id_, member.staff_id, member.name, std::string(to_string(member.role)), *hash,
             std::to_string(now_ms)});
        if (!stored) return stored.error();
        return Done{};
    });
}

// The member's row goes first: a sign-in storing a session holds that row (FOR SHARE), so its
// session is either refused or already there when the sessions are deleted.
StoreResult<bool> PgStaffStore::remove(const std::string& staff_id) {
    return use<bool>([&](Connection& db) -> PgResult<bool> {
        auto transaction = Transaction::begin(db);
        if (!transaction) return transaction.error();
        auto removed = db.run("DELETE FROM staff WHERE office_id = $1 AND staff_id = $2", {office_id_, staff_id});
        if (!removed) return removed.error();
        auto ended =
            db.run("DELETE FROM staff_sessions WHERE office_id = $1 AND staff_id = $2", {office_id_, staff_id});
        if (!ended) return ended.error();
        if (auto committed = transaction->commit(); !committed) return committed.error();
        return removed->affected() > 0;
    });
}

StoreResult<std::vector<StaffMember>> PgStaffStore::list() {
    return use<std::vector<StaffMember>>([&](Connection& db) -> PgResult<std::vector<StaffMember>> {
        // Byte order, as staff.db lists them (the database's collation may sort '-' and '.' apart).
        auto rows =
            db.run("SELECT staff_id, name, role FROM staff WHERE office_id = $1 ORDER BY staff_id COLLATE \"C\"",
                   {office_id_});
        if (!rows) return rows.error();
        std::vector<StaffMember> members;
        for (int r = 0; r < rows->count(); ++r) members.push_back(member_of(*rows, r));
        return members;
    });
}

StoreResult<SignInResult> PgStaffStore::sign_in(const std::string& staff_id, const std::string& pin,
                                                const std::string& device_id, const std::string& counter,
                                                std::int64_t now_ms) {
    const auto find = [&]() {
        return use<std::optional<StaffPins::Found>>([&](Connection& db) -> PgResult<std::optional<StaffPins::Found>> {
            auto rows =
                db.run("SELECT staff_id, name, role, pin_hash FROM staff WHERE office_id = $1 AND staff_id = $2",
                       {office_id_, staff_id});
            if (!rows) return rows.error();
            if (rows->count() == 0) return std::optional<StaffPins::Found>();
            return std::optional<StaffPins::Found>(
                StaffPins::Found{member_of(*rows, 0), std::string(rows->text(0, 3))});
        });
    };
    // Stored only while the member is still there with the PIN just checked; this office's
    // expired sessions are forgotten in the same statement. In a transaction of its own, so
    // that a connection lost at COMMIT is an error, never a second try (see use()).
    const auto keep = [&](const StaffSession& session, const std::string& pin_hash) {
        return use<bool>([&](Connection& db) -> PgResult<bool> {
            auto transaction = Transaction::begin(db);
            if (!transaction) return transaction.error();
            auto stored = db.run(
                "WITH expired AS (DELETE FROM staff_sessions WHERE office_id = $2 AND expires_ms < $6::bigint)"
                " INSERT INTO staff_sessions (token_hash, office_id, staff_id, device_id, counter, created_ms,"
                " expires_ms) SELECT $1::text, office_id, staff_id, $4::text, $5::text, $6::bigint, $7::bigint"
                " FROM staff WHERE office_id = $2 AND staff_id = $3 AND pin_hash = $8 FOR SHARE",
                {hash_hex(session.token), office_id_, staff_id, device_id, counter, std::to_string(now_ms),
                 std::to_string(session.expires_ms), pin_hash});
            if (!stored) return stored.error();
            if (auto committed = transaction->commit(); !committed) return committed.error();
            return stored->affected() == 1;
        });
    };
    return pins_.sign_in(staff_id, pin, device_id, counter, now_ms, session_ms, find, keep);
}

std::size_t PgStaffStore::tracked_attempts() {
    return pins_.tracked();
}

StoreResult<std::optional<StaffSession>> PgStaffStore::session(const std::string& token, std::int64_t now_ms) {
    return use<std::optional<StaffSession>>([&](Connection& db) -> PgResult<std::optional<StaffSession>> {
        auto rows = db.run(
            "SELECT t.staff_id, t.name, t.role, s.device_id, s.counter, s.expires_ms FROM staff_sessions s"
            " JOIN staff t ON t.office_id = s.office_id AND t.staff_id = s.staff_id"
            " WHERE s.token_hash = $1 AND s.office_id = $2 AND s.expires_ms > $3",
            {hash_hex(token), office_id_, std::to_string(now_ms)});
        if (!rows) return rows.error();
        if (rows->count() == 0) return std::optional<StaffSession>();
        StaffSession s;
        s.staff = member_of(*rows, 0);
        s.device_id = rows->text(0, 3);
        s.counter = rows->text(0, 4);
        s.expires_ms = rows->int64(0, 5);
        return std::optional<StaffSession>(std::move(s));
    });
}

StoreResult<Done> PgStaffStore::sign_out(const std::string& token) {
    return use<Done>([&](Connection& db) -> PgResult<Done> {
        auto ended = db.run("DELETE FROM staff_sessions WHERE token_hash = $1 AND office_id = $2",
                            {hash_hex(token), office_id_});
        if (!ended) return ended.error();
        return Done{};
    });
}

}  // namespace skranke::hub::pg
