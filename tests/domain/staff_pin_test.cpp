// Staff PINs: hashed with Argon2id, checked in constant time, and rate-limited.
#include <doctest/doctest.h>

#include "domain/staff_pin.hpp"

using namespace skranke;

TEST_CASE("a PIN is stored only as an Argon2id hash and checks only against itself") {
    const std::string hash = hash_pin("482915");
    REQUIRE_FALSE(hash.empty());
    CHECK(hash.rfind("$argon2id$", 0) == 0);
    CHECK(hash.find("482915") == std::string::npos);
    CHECK(pin_matches("482915", hash));
    CHECK_FALSE(pin_matches("482916", hash));
    CHECK_FALSE(pin_matches("", hash));
    CHECK_FALSE(pin_matches("482915", ""));
    CHECK_FALSE(pin_matches("482915", "not a hash"));
    CHECK(hash_pin("482915") != hash);  // salted: the same PIN hashes differently
}

TEST_CASE("a PIN must be 4 to 12 digits") {
    CHECK(pin_problem("1234") == std::nullopt);
    CHECK(pin_problem("123456789012") == std::nullopt);
    CHECK(pin_problem("123") == "error.pin_length");
    CHECK(pin_problem("1234567890123") == "error.pin_length");
    CHECK(pin_problem("12a4") == "error.pin_digits");
    CHECK(pin_problem(std::string("12\0" "4", 4)) == "error.pin_digits");
}

TEST_CASE("repeated wrong PINs lock the staff id for a growing, capped time") {
    PinAttempts attempts;
    const std::int64_t t = 1'000'000;
    for (int i = 0; i < 4; ++i) {
        attempts.record_failure("kari", t);
        CHECK(attempts.locked_for_ms("kari", t) == 0);
    }
    attempts.record_failure("kari", t);  // fifth wrong PIN
    CHECK(attempts.locked_for_ms("kari", t) == 30'000);
    CHECK(attempts.locked_for_ms("kari", t + 30'000) == 0);
    CHECK(attempts.locked_for_ms("ola", t) == 0);  // others are not affected
    attempts.record_failure("kari", t + 30'000);
    CHECK(attempts.locked_for_ms("kari", t + 30'000) == 60'000);
    for (int i = 0; i < 20; ++i) attempts.record_failure("kari", t + 100'000);
    CHECK(attempts.locked_for_ms("kari", t + 100'000) == 15 * 60 * 1000);
    attempts.record_success("kari");
    CHECK(attempts.locked_for_ms("kari", t + 100'000) == 0);
}
