// Staff on the hub: who may sign in at a reception console, with a PIN hashed by Argon2id
// (domain/staff_pin.hpp), and the sessions they hold. StaffStore is what the hub uses; it is
// kept in staff.db beside hub.db (SqliteStaffStore, here), so the event log's schema stays the
// sync protocol's alone, or in the office database (pg/pg_staff_store.hpp). Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/staff_pin.hpp"
#include "store/store.hpp"

struct sqlite3;

namespace skranke::hub {

enum class StaffRole { reception, admin };
std::string_view to_string(StaffRole role);
std::optional<StaffRole> staff_role_from_string(std::string_view text);

struct StaffMember {
    std::string staff_id;  // short login name: "kari"
    std::string name;      // shown on the console: "Kari N."
    StaffRole role = StaffRole::reception;
};

struct StaffSession {
    std::string token;     // given once to the console; only its hash is kept
    StaffMember staff;
    std::string device_id;
    std::string counter;   // "2"
    std::int64_t expires_ms = 0;
};

enum class SignInOutcome { signed_in, wrong_pin, locked };
struct SignInResult {
    SignInOutcome outcome = SignInOutcome::wrong_pin;
    std::optional<StaffSession> session;  // when signed in
    std::int64_t retry_after_ms = 0;      // when locked
};

// Staff and their sessions, wherever they are kept. Only hashes of PINs and session tokens are
// stored. Every call may come from any thread.
class StaffStore {
public:
    // staff.db beside hub.db (SqliteStaffStore).
    static StoreResult<std::unique_ptr<StaffStore>> open(const std::filesystem::path& file,
                                                         PinAttemptPolicy policy = {});
    virtual ~StaffStore() = default;
    StaffStore(const StaffStore&) = delete;
    StaffStore& operator=(const StaffStore&) = delete;

    // Adds the staff member, or gives an existing one a new name, role and PIN. The PIN is
    // checked (pin_problem) and only its Argon2id hash is stored.
    virtual StoreResult<Done> add(const StaffMember& member, const std::string& pin, std::int64_t now_ms) = 0;
    virtual StoreResult<bool> remove(const std::string& staff_id) = 0;  // also ends their sessions
    virtual StoreResult<std::vector<StaffMember>> list() = 0;

    // Checks the PIN with the wrong-PIN lockout, counted per staff id and per device, so
    // neither one person's PIN nor many people's PINs can be guessed from one console.
    // An unknown staff id costs the same time and counts the same as a wrong PIN. Each
    // attempt counts as wrong before its check, so parallel requests get no more checks.
    virtual StoreResult<SignInResult> sign_in(const std::string& staff_id, const std::string& pin,
                                              const std::string& device_id, const std::string& counter,
                                              std::int64_t now_ms) = 0;
    virtual StoreResult<std::optional<StaffSession>> session(const std::string& token, std::int64_t now_ms) = 0;
    virtual StoreResult<Done> sign_out(const std::string& token) = 0;
    // Staff ids and devices the lockout counts now (at most the policy's max_tracked).
    virtual std::size_t tracked_attempts() = 0;

    std::int64_t session_ms = 12LL * 3600 * 1000;  // a working day; the console signs out sooner when idle

protected:
    StaffStore() = default;
};

// The PIN rules every StaffStore follows, written once: a new PIN checked and hashed, and a
// sign-in's lockout and Argon2id check. The store finds staff and keeps sessions; the lockout's
// counts are this object's, in memory.
class StaffPins {
public:
    explicit StaffPins(PinAttemptPolicy policy);

    // A staff member as stored, with the hash of their PIN.
    struct Found {
        StaffMember member;
        std::string pin_hash;
    };
    // The staff member's PIN hash to store, or why the member or PIN is refused.
    static StoreResult<std::string> hash_for(const StaffMember& member, const std::string& pin);

    // StaffStore::sign_in. find looks the staff id up; keep stores the new session (its token's
    // hash) for the member found with pin_hash, and says false when that member was removed or
    // given another PIN meanwhile (the sign-in is then a wrong PIN).
    using Find = std::function<StoreResult<std::optional<Found>>()>;
    using Keep = std::function<StoreResult<bool>(const StaffSession& session, const std::string& pin_hash)>;
    StoreResult<SignInResult> sign_in(const std::string& staff_id, const std::string& pin, const std::string& device_id,
                                      const std::string& counter, std::int64_t now_ms, std::int64_t session_ms,
                                      const Find& find, const Keep& keep);
    std::size_t tracked();

private:
    std::mutex mutex_;            // attempts_
    std::mutex pin_check_mutex_;  // one Argon2id check at a time (memory)
    PinAttempts attempts_;
    std::string dummy_hash_;  // verified against for unknown ids, so timing does not tell
};

// StaffStore in staff.db (SQLite).
class SqliteStaffStore final : public StaffStore {
public:
    static StoreResult<std::unique_ptr<StaffStore>> open(const std::filesystem::path& file,
                                                         PinAttemptPolicy policy = {});
    ~SqliteStaffStore() override;

    StoreResult<Done> add(const StaffMember& member, const std::string& pin, std::int64_t now_ms) override;
    StoreResult<bool> remove(const std::string& staff_id) override;
    StoreResult<std::vector<StaffMember>> list() override;
    StoreResult<SignInResult> sign_in(const std::string& staff_id, const std::string& pin, const std::string& device_id,
                                      const std::string& counter, std::int64_t now_ms) override;
    StoreResult<std::optional<StaffSession>> session(const std::string& token, std::int64_t now_ms) override;
    StoreResult<Done> sign_out(const std::string& token) override;
    std::size_t tracked_attempts() override;

private:
    explicit SqliteStaffStore(PinAttemptPolicy policy) : pins_(policy) {}
    std::mutex mutex_;  // db_
    sqlite3* db_ = nullptr;
    StaffPins pins_;
};

}  // namespace skranke::hub
