// Staff on the hub: who may sign in at a reception console, with a PIN hashed by Argon2id
// (domain/staff_pin.hpp), and the sessions they hold. Kept in its own file (staff.db) beside
// hub.db, so the event log's schema stays the sync protocol's alone. Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
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

class StaffStore {
public:
    static StoreResult<std::unique_ptr<StaffStore>> open(const std::filesystem::path& file,
                                                         PinAttemptPolicy policy = {});
    ~StaffStore();
    StaffStore(const StaffStore&) = delete;
    StaffStore& operator=(const StaffStore&) = delete;

    // Adds the staff member, or gives an existing one a new name, role and PIN. The PIN is
    // checked (pin_problem) and only its Argon2id hash is stored.
    StoreResult<Done> add(const StaffMember& member, const std::string& pin, std::int64_t now_ms);
    StoreResult<bool> remove(const std::string& staff_id);  // also ends their sessions
    StoreResult<std::vector<StaffMember>> list();

    // Checks the PIN with the wrong-PIN lockout, counted per staff id and per device, so
    // neither one person's PIN nor many people's PINs can be guessed from one console.
    // An unknown staff id costs the same time and counts the same as a wrong PIN. Each
    // attempt counts as wrong before its check, so parallel requests get no more checks.
    StoreResult<SignInResult> sign_in(const std::string& staff_id, const std::string& pin,
                                      const std::string& device_id, const std::string& counter, std::int64_t now_ms);
    StoreResult<std::optional<StaffSession>> session(const std::string& token, std::int64_t now_ms);
    StoreResult<Done> sign_out(const std::string& token);
    // Staff ids and devices the lockout counts now (at most the policy's max_tracked).
    std::size_t tracked_attempts();

    std::int64_t session_ms = 12LL * 3600 * 1000;  // a working day; the console signs out sooner when idle

private:
    StaffStore() = default;
    std::mutex mutex_;
    std::mutex pin_check_mutex_;  // one Argon2id check at a time (memory)
    sqlite3* db_ = nullptr;
    PinAttempts attempts_;
    std::string dummy_hash_;  // verified against for unknown ids, so timing does not tell
};

}  // namespace skranke::hub
