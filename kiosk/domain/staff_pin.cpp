#include "domain/staff_pin.hpp"

#include <algorithm>

#include <sodium.h>

namespace skranke {

std::optional<std::string> pin_problem(std::string_view pin) {
    if (pin.size() < 4 || pin.size() > 12) return std::string("error.pin_length");
    for (char c : pin)
        if (c < '0' || c > '9') return std::string("error.pin_digits");
    return std::nullopt;
}

std::string hash_pin(std::string_view pin) {
    if (sodium_init() < 0) return {};
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, pin.data(), pin.size(), pin_hash_passes, pin_hash_memory_bytes) != 0)
        return {};
    return out;
}

bool pin_matches(std::string_view pin, const std::string& stored_hash) {
    if (sodium_init() < 0 || stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
    return crypto_pwhash_str_verify(stored_hash.c_str(), pin.data(), pin.size()) == 0;
}

std::int64_t PinAttempts::locked_for_ms(const std::string& staff_id, std::int64_t now_ms) const {
    const auto it = states_.find(staff_id);
    if (it == states_.end()) return 0;
    return std::max<std::int64_t>(0, it->second.locked_until_ms - now_ms);
}

void PinAttempts::record_failure(const std::string& staff_id, std::int64_t now_ms) {
    State& s = states_[staff_id];
    ++s.failures;
    const int over = s.failures - policy_.free_attempts;
    if (over < 0) return;
    // 30 s after the fifth wrong PIN, then 60 s, 120 s, ... up to the cap.
    std::int64_t lock = policy_.first_lock_ms;
    for (int i = 0; i < over && lock < policy_.max_lock_ms; ++i) lock *= 2;
    s.locked_until_ms = now_ms + std::min(lock, policy_.max_lock_ms);
}

void PinAttempts::record_success(const std::string& staff_id) { states_.erase(staff_id); }

}  // namespace skranke
