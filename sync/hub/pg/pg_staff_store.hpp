// One office's staff and their sessions in the office database on PostgreSQL, as several hubs
// serving that office keep them: StaffStore's operations and promises (hub/staff_store.hpp),
// for the one office given at open. Every statement names that office: another office's staff
// cannot sign in here, its session tokens are no sessions here, and list and remove do not see
// its staff.
//
// Nothing of the tables is remembered between calls: a staff member added, removed or given a
// new PIN, and a session begun or ended, by any hub is seen by every hub at its next call. A
// removed member's sessions end at every hub at once. Only hashes of PINs and session tokens
// are stored (Argon2id, hash_hex), as in staff.db.
//
// The wrong-PIN lockout's counts stay in this hub process's memory, as with staff.db: each hub
// counts the attempts made through it, so with several hubs a staff id or console gets the
// policy's allowance at each of them; a restarted hub starts counting anew.
//
// One connection, used by one call at a time (the Argon2id check runs outside it). A call that
// finds the connection lost (the server restarted since its last use) opens a new one and runs
// once more; when the server cannot be reached the call fails (StoreErrorKind::io, connect
// timeout 5 s) and the next call tries again.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hub/pg/pg_connection.hpp"
#include "hub/pg/pg_office_log.hpp"
#include "hub/staff_store.hpp"

namespace skranke::hub::pg {

class PgStaffStore final : public StaffStore {
public:
    // Connects to the office's database.
    static StoreResult<std::unique_ptr<StaffStore>> open(const ReadyOffice& office, PinAttemptPolicy policy = {});
    ~PgStaffStore() override;

    StoreResult<Done> add(const StaffMember& member, const std::string& pin, std::int64_t now_ms) override;
    StoreResult<bool> remove(const std::string& staff_id) override;
    StoreResult<std::vector<StaffMember>> list() override;
    // A PIN checked while another hub removed the member or changed their PIN starts no session
    // (wrong_pin): the session is stored only while the row checked against is still there.
    StoreResult<SignInResult> sign_in(const std::string& staff_id, const std::string& pin, const std::string& device_id,
                                      const std::string& counter, std::int64_t now_ms) override;
    StoreResult<std::optional<StaffSession>> session(const std::string& token, std::int64_t now_ms) override;
    StoreResult<Done> sign_out(const std::string& token) override;
    std::size_t tracked_attempts() override;

private:
    PgStaffStore(std::string url, std::string office_id, PinAttemptPolicy policy);
    // Runs work on the connection (opened first when there is none), one call at a time.
    template <class T, class Work>
    StoreResult<T> use(Work&& work);

    const std::string url_;
    const std::string office_id_;
    std::mutex mutex_;  // link_
    Link link_;
    StaffPins pins_;
};

}  // namespace skranke::hub::pg
