// Waiting on a condition in tests without a bare sleep: polls the predicate until it holds
// or the deadline passes, and says which.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace skranke::test {

template <typename Predicate>
bool wait_until(Predicate predicate, std::chrono::milliseconds timeout,
                std::chrono::milliseconds step = std::chrono::milliseconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (predicate()) return true;
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) return predicate();
        std::this_thread::sleep_until(std::min(now + step, deadline));
    }
}

}  // namespace skranke::test
