// The staff PIN lockout holds under any concurrency: each sign-in is counted as a wrong PIN
// before its slow Argon2id check, so parallel requests get no more checks than sequential
// ones; and the hub's memory of attempts stays bounded however many staff ids are tried.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/hub_client.hpp"
#include "domain/office_time.hpp"
#include "domain/staff_pin.hpp"
#include "hub/staff_store.hpp"
#include "support/hub_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;
using protocol::Role;

namespace {

const int free_attempts = PinAttemptPolicy{}.free_attempts;
constexpr const char* kari_pin = "246813";

void add_staff(hub::StaffStore& staff, const std::string& id, const std::string& pin) {
    REQUIRE(staff.add({id, "Kari N.", hub::StaffRole::reception}, pin, wall_clock_ms()).ok());
}

void add_staff(const std::filesystem::path& staff_db, const std::string& id, const std::string& pin) {
    auto staff = hub::StaffStore::open(staff_db);
    REQUIRE(staff.ok());
    add_staff(**staff, id, pin);
}

struct SignIn {
    std::string token;  // the console's device token
    std::string staff_id;
    std::string pin;
};

// The hub's answers to a burst of sign-ins, by status.
struct Tally {
    int signed_in = 0;  // 200
    int checked = 0;    // 401 wrong_pin: the PIN was checked
    int locked = 0;     // 429 pin_locked with Retry-After
    int other = 0;      // anything else (a failure of the test)
};

sync::HttpReply sign_in(const HubFixture& hub, const SignIn& s) {
    sync::Connection connection = hub.connection(s.token);
    connection.request_timeout_ms = 30000;  // a queue of Argon2id checks on a loaded machine
    const std::string body = nlohmann::json{{"staff_id", s.staff_id}, {"pin", s.pin}, {"counter", "2"}}.dump();
    sync::HttpCall http;
    http.prepare(connection, "POST", "/v1/staff/sign-in", body, {});
    return http.perform();
}

// Runs count calls on `workers` threads released together, each taking the next index, and
// tallies what call(i) says. Bounded: count calls, each with its own timeout.
template <typename Call>
Tally fire(int count, int workers, Call call) {
    Tally tally;
    std::mutex tally_mutex;
    std::atomic<int> next{0};
    std::latch start(workers);
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w)
        threads.emplace_back([&] {
            start.arrive_and_wait();
            for (int i = next++; i < count; i = next++) {
                const int status = call(i);
                std::lock_guard lock(tally_mutex);
                if (status == 200) ++tally.signed_in;
                else if (status == 401) ++tally.checked;
                else if (status == 429) ++tally.locked;
                else ++tally.other;
            }
        });
    for (auto& t : threads) t.join();
    return tally;
}

// The status of one HTTP sign-in; a 429 must say how long to wait.
int http_status(const HubFixture& hub, const SignIn& s) {
    const auto reply = sign_in(hub, s);
    if (reply.status == 429 && (reply.error_code() != "pin_locked" || !reply.retry_after_ms)) return -429;
    if (reply.status == 401 && reply.error_code() != "wrong_pin") return -401;
    return static_cast<int>(reply.status);
}

int outcome_status(const StoreResult<hub::SignInResult>& result) {
    if (!result) return 503;
    switch (result->outcome) {
        case hub::SignInOutcome::signed_in: return 200;
        case hub::SignInOutcome::wrong_pin: return 401;
        case hub::SignInOutcome::locked: return result->retry_after_ms > 0 ? 429 : -429;
    }
    return 0;
}

}  // namespace

TEST_CASE("64 parallel wrong PINs for one staff id from two consoles: only the lockout's allowance is checked") {
    HubFixture hub;
    add_staff(*hub.staff_store(), "kari", kari_pin);
    const auto a = hub.enrol(Role::reception, "reception-a");
    const auto b = hub.enrol(Role::reception, "reception-b");
    const auto c = hub.enrol(Role::reception, "reception-c");

    const Tally tally = fire(64, 16, [&](int i) {
        return http_status(hub, {i % 2 ? a.token : b.token, "kari", "00000" + std::to_string(i % 10)});
    });
    CHECK(tally.other == 0);
    CHECK(tally.signed_in == 0);
    CHECK(tally.checked >= 1);
    CHECK(tally.checked <= free_attempts);  // was about 20 (every request in flight passed the lock)
    CHECK(tally.locked == 64 - tally.checked);

    // Locked for kari, whichever console: the right PIN is refused without being checked.
    for (const auto* console : {&a, &b, &c}) {
        const auto reply = sign_in(hub, {console->token, "kari", kari_pin});
        CHECK(reply.status == 429);
        CHECK(reply.error_code() == "pin_locked");
        CHECK(reply.retry_after_ms.value_or(0) >= 1000);
    }
}

TEST_CASE("64 parallel sign-ins for different staff ids from one console: only the console's allowance is checked") {
    HubFixture hub;
    add_staff(*hub.staff_store(), "kari", kari_pin);
    const auto a = hub.enrol(Role::reception, "reception-a");
    const auto b = hub.enrol(Role::reception, "reception-b");

    const Tally tally = fire(64, 16, [&](int i) {
        return http_status(hub, {a.token, i == 0 ? std::string("kari") : "nobody-" + std::to_string(i), "000000"});
    });
    CHECK(tally.other == 0);
    CHECK(tally.checked >= 1);
    CHECK(tally.checked <= free_attempts);
    CHECK(tally.locked == 64 - tally.checked);

    // The console is locked, even for a right PIN; kari at another console is not.
    CHECK(sign_in(hub, {a.token, "kari", kari_pin}).status == 429);
    CHECK(sign_in(hub, {b.token, "kari", kari_pin}).status == 200);
}

TEST_CASE("a staff id shaped like a device's key locks only itself, never that console") {
    HubFixture hub;
    add_staff(*hub.staff_store(), "kari", kari_pin);
    const auto a = hub.enrol(Role::reception, "reception-a");
    const auto b = hub.enrol(Role::reception, "reception-b");
    for (int i = 0; i < free_attempts; ++i)
        CHECK(sign_in(hub, {a.token, "device:reception-b", "000000"}).status == 401);
    CHECK(sign_in(hub, {a.token, "device:reception-b", "000000"}).status == 429);
    CHECK(sign_in(hub, {b.token, "kari", kari_pin}).status == 200);
}

TEST_CASE("10,000 distinct unknown staff ids at once from one console: five are checked, memory stays small") {
    TempDir dir;
    add_staff(dir / "staff.db", "kari", kari_pin);
    auto staff = hub::StaffStore::open(dir / "staff.db");
    REQUIRE(staff.ok());
    hub::StaffStore& store = **staff;
    const std::int64_t now = wall_clock_ms();

    const Tally tally = fire(10'000, 8, [&](int i) {
        return outcome_status(store.sign_in("nobody-" + std::to_string(i), "000000", "reception-a", "2", now));
    });
    CHECK(tally.other == 0);
    CHECK(tally.signed_in == 0);
    CHECK(tally.checked >= 1);
    CHECK(tally.checked <= free_attempts);
    CHECK(tally.locked == 10'000 - tally.checked);
    // One count per checked id, one for the console: the rest never reached the map.
    CHECK(store.tracked_attempts() <= static_cast<std::size_t>(free_attempts) + 1);
}

TEST_CASE("the attempt map is capped and forgets old counts, without a flood of new ids lifting a lock") {
    TempDir dir;
    add_staff(dir / "staff.db", "kari", kari_pin);
    PinAttemptPolicy policy;
    policy.max_tracked = 16;
    policy.forget_after_ms = 60'000;
    auto staff = hub::StaffStore::open(dir / "staff.db", policy);
    REQUIRE(staff.ok());
    hub::StaffStore& store = **staff;
    const std::int64_t t0 = wall_clock_ms();

    // kari is locked by wrong PINs from five consoles (each console stays under its own limit).
    for (int i = 0; i < free_attempts; ++i)
        CHECK(outcome_status(store.sign_in("kari", "000000", "desk-" + std::to_string(i), "2", t0)) == 401);
    CHECK(outcome_status(store.sign_in("kari", kari_pin, "desk-x", "2", t0)) == 429);

    // 40 more consoles each try an unknown id (every one checked): the map never passes its cap.
    for (int i = 0; i < 40; ++i) {
        const std::string n = std::to_string(i);
        CHECK(outcome_status(store.sign_in("nobody-" + n, "000000", "console-" + n, "2", t0 + 1 + i)) == 401);
        CHECK(store.tracked_attempts() <= policy.max_tracked);
    }
    // The flood evicted unlocked counts, not kari's lock.
    CHECK(outcome_status(store.sign_in("kari", kari_pin, "desk-y", "2", t0 + 100)) == 429);

    // A day later every count has expired: the next attempt finds the map nearly empty.
    const std::int64_t later = t0 + 24LL * 3600 * 1000;
    CHECK(outcome_status(store.sign_in("kari", kari_pin, "desk-z", "2", later)) == 200);
    CHECK(outcome_status(store.sign_in("ola", "000000", "desk-z", "2", later)) == 401);
    CHECK(store.tracked_attempts() == 2);  // ola and desk-z
}

TEST_CASE("PinAttempts: 10,000 distinct ids stay within the cap; a count is made before the check and cleared by a right PIN") {
    PinAttempts attempts;  // the hub's policy
    const std::int64_t t = 1'000'000;
    for (int i = 0; i < free_attempts; ++i) CHECK(attempts.begin_check({"staff:kari", "device:desk-1"}, t) == 0);
    CHECK(attempts.begin_check({"staff:kari", "device:desk-2"}, t) == 30'000);  // counted before any check
    CHECK(attempts.locked_for_ms("device:desk-2", t) == 0);  // a refused attempt counts nothing
    const std::size_t cap = PinAttemptPolicy{}.max_tracked;
    for (int i = 0; i < 10'000; ++i) {
        const std::string n = std::to_string(i);
        CHECK(attempts.begin_check({"staff:nobody-" + n, "device:d-" + n}, t + i) == 0);
        if (attempts.tracked() > cap) FAIL("tracked " << attempts.tracked() << " keys after " << i);
    }
    CHECK(attempts.locked_for_ms("staff:kari", t + 10'000) > 0);
    CHECK(attempts.locked_for_ms("device:desk-1", t + 10'000) > 0);

    CHECK(attempts.begin_check({"staff:ola", "device:desk-3"}, t) == 0);
    attempts.record_success("staff:ola");
    attempts.record_success("device:desk-3");
    CHECK(attempts.locked_for_ms("staff:ola", t) == 0);
    for (int i = 0; i < free_attempts - 1; ++i) CHECK(attempts.begin_check({"staff:ola", "device:desk-3"}, t) == 0);
    CHECK(attempts.locked_for_ms("staff:ola", t) == 0);  // four counted since the right PIN: not locked
}
