// Staff sign-in with a personal PIN: hashed with Argon2id (libsodium), never stored or
// logged in clear, and rate-limited so a PIN cannot be guessed at the counter.
#pragma once

#include <cstddef>
#include <cstdint>
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
};

// Wrong-PIN counting per staff id. Time is passed in so tests need no clock.
class PinAttempts {
public:
    explicit PinAttempts(PinAttemptPolicy policy = {}) : policy_(policy) {}

    // How long the staff id must still wait before trying again; 0 when it may try now.
    std::int64_t locked_for_ms(const std::string& staff_id, std::int64_t now_ms) const;
    void record_failure(const std::string& staff_id, std::int64_t now_ms);
    void record_success(const std::string& staff_id);

private:
    struct State {
        int failures = 0;
        std::int64_t locked_until_ms = 0;
    };
    PinAttemptPolicy policy_;
    std::map<std::string, State> states_;
};

}  // namespace skranke
