#include "domain/staff_pin.hpp"

#include <algorithm>
#include <limits>

#include <sodium.h>

namespace skranke {
namespace {

// Expired counts are swept at most this often; a full map drops the oldest unlocked one at once.
constexpr std::int64_t sweep_every_ms = 60 * 1000;

}  // namespace

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

std::int64_t PinAttempts::locked_for_ms(const std::string& key, std::int64_t now_ms) const {
    const auto it = states_.find(key);
    if (it == states_.end()) return 0;
    return std::max<std::int64_t>(0, it->second.locked_until_ms - now_ms);
}

std::int64_t PinAttempts::begin_check(std::initializer_list<std::string_view> keys, std::int64_t now_ms) {
    std::int64_t locked = 0;
    for (std::string_view key : keys)
        if (const auto it = states_.find(key); it != states_.end())
            locked = std::max(locked, it->second.locked_until_ms - now_ms);
    if (locked > 0) return locked;
    for (std::string_view key : keys) add_failure(state_for(key, now_ms), now_ms);
    return 0;
}

void PinAttempts::record_failure(const std::string& key, std::int64_t now_ms) {
    add_failure(state_for(key, now_ms), now_ms);
}

void PinAttempts::record_success(const std::string& key) { states_.erase(key); }

void PinAttempts::add_failure(State& s, std::int64_t now_ms) const {
    if (s.failures < std::numeric_limits<int>::max()) ++s.failures;
    s.last_failure_ms = now_ms;
    const int over = s.failures - policy_.free_attempts;
    if (over < 0) return;
    // 30 s after the fifth wrong PIN, then 60 s, 120 s, ... up to the cap.
    std::int64_t lock = policy_.first_lock_ms;
    for (int i = 0; i < over && lock < policy_.max_lock_ms; ++i) lock *= 2;
    s.locked_until_ms = now_ms + std::min(lock, policy_.max_lock_ms);
}

PinAttempts::State& PinAttempts::state_for(std::string_view key, std::int64_t now_ms) {
    if (const auto it = states_.find(key); it != states_.end()) return it->second;
    const std::size_t cap = std::max<std::size_t>(policy_.max_tracked, 2);  // a staff id and a device
    if (now_ms >= next_sweep_ms_) {
        std::erase_if(states_, [&](const auto& entry) {
            const State& s = entry.second;
            return s.locked_until_ms <= now_ms && now_ms - s.last_failure_ms >= policy_.forget_after_ms;
        });
        next_sweep_ms_ = now_ms + sweep_every_ms;
    }
    // Full: the unlocked key tried longest ago goes (an expired count is one); a locked one only
    // when all are locked.
    const auto goes_first = [&](const auto& a, const auto& b) {
        const bool a_locked = a.second.locked_until_ms > now_ms, b_locked = b.second.locked_until_ms > now_ms;
        if (a_locked != b_locked) return b_locked;
        return a_locked ? a.second.locked_until_ms < b.second.locked_until_ms
                        : a.second.last_failure_ms < b.second.last_failure_ms;
    };
    while (states_.size() >= cap) states_.erase(std::min_element(states_.begin(), states_.end(), goes_first));
    return states_.emplace(std::string(key), State{}).first->second;
}

}  // namespace skranke
