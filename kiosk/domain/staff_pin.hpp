// Staff sign-in with a personal PIN: hashed with Argon2id (libsodium), never stored or
// logged in clear, and rate-limited so a PIN cannot be guessed at the counter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace skranke {

// A PIN is 4 to 12 digits. Returns a message key when it is not.
std::optional<std::string> pin_problem(std::string_view pin);

// Argon2id with 19 MiB and 2 passes (OWASP's baseline for Argon2id): a few tens of
// milliseconds per check, and little enough memory that the hub stays small while a sign-in
// runs. (A PIN has few digits: the lock-out below is what stops guessing.)
inline constexpr std::size_t pin_hash_memory_bytes = 19u * 1024 * 1024;
inline constexpr unsigned long long pin_hash_passes = 2;

// Argon2id hash in libsodium's self-describing string form ("$argon2id$v=19$m=...").
// Empty on failure (out of memory).
std::string hash_pin(std::string_view pin);
// Constant-time check of a PIN against a stored hash.
bool pin_matches(std::string_view pin, const std::string& stored_hash);

struct PinAttemptPolicy {
    int free_attempts = 5;                          // wrong PINs before the first lock
    std::int64_t first_lock_ms = 30 * 1000;          // then locked this long ...
    std::int64_t max_lock_ms = 15 * 60 * 1000;       // ... doubling up to this
    std::int64_t forget_after_ms = 24LL * 3600 * 1000;  // a count left alone this long (unlocked) is dropped
    std::size_t max_tracked = 4096;                  // ids and devices counted at once: the memory bound
};

// Wrong-PIN counting per key (a staff id, a device). Time is passed in so tests need no clock.
// Holds at most policy.max_tracked keys: when full, counts left alone past forget_after_ms go
// first, then the unlocked key tried longest ago (a locked one only when all are locked), so a
// flood of new keys cannot lift a lock.
class PinAttempts {
public:
    explicit PinAttempts(PinAttemptPolicy policy = {}) : policy_(policy) {}

    // How long the key must still wait before trying again; 0 when it may try now.
    std::int64_t locked_for_ms(const std::string& key, std::int64_t now_ms) const;
    // Before a PIN is checked: when none of the keys is locked, counts the attempt as a wrong
    // PIN on each and returns 0 (a right PIN then clears them with record_success); otherwise
    // counts nothing and returns how long the longest lock still runs. Counting first keeps
    // attempts made in parallel from all passing the lock while their slow checks run.
    std::int64_t begin_check(std::initializer_list<std::string_view> keys, std::int64_t now_ms);
    void record_failure(const std::string& key, std::int64_t now_ms);
    void record_success(const std::string& key);
    std::size_t tracked() const { return states_.size(); }

private:
    struct State {
        int failures = 0;
        std::int64_t locked_until_ms = 0;
        std::int64_t last_failure_ms = 0;
    };
    State& state_for(std::string_view key, std::int64_t now_ms);  // makes room when it is new
    void add_failure(State& state, std::int64_t now_ms) const;
    PinAttemptPolicy policy_;
    std::map<std::string, State, std::less<>> states_;
    std::int64_t next_sweep_ms_ = 0;
};

}  // namespace skranke
