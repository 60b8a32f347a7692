// One office's staff and their sessions on a real PostgreSQL server, through two PgStaffStore
// objects on the same database (as two hubs of one office would have): what one hub writes the
// other sees at once, each office apart from the others, only hashes stored, and the database
// going away and coming back.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "domain/staff_pin.hpp"
#include "hub/hub_file.hpp"
#include "hub/pg/pg_connection.hpp"
#include "hub/pg/pg_staff_store.hpp"
#include "hub/staff_store.hpp"
#include "support/pg_server.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::hub;
using skranke::test::wait_until;

namespace {

constexpr std::int64_t t0 = 1'700'000'000'000;
constexpr const char* kari_pin = "246813";
constexpr const char* ola_pin = "135792";

// The value of a call that must succeed; the test stops with the error's detail otherwise.
template <class T, class E>
T ok(Result<T, E> result) {
    REQUIRE_MESSAGE(result, (result ? std::string() : result.error().detail));
    return std::move(result).value();
}

std::unique_ptr<StaffStore> open_staff(const std::string& url, const std::string& office) {
    return ok(pg::PgStaffStore::open(ok(pg::ReadyOffice::prepare(url, office, t0))));
}

void add(StaffStore& store, const std::string& id, const std::string& name, const std::string& pin,
         StaffRole role = StaffRole::reception) {
    ok(store.add({id, name, role}, pin, t0));
}

SignInResult sign_in(StaffStore& store, const std::string& id, const std::string& pin,
                     const std::string& device = "reception-1", std::int64_t now_ms = t0) {
    return ok(store.sign_in(id, pin, device, "2", now_ms));
}

SignInOutcome outcome(StaffStore& store, const std::string& id, const std::string& pin,
                      const std::string& device = "reception-1", std::int64_t now_ms = t0) {
    return sign_in(store, id, pin, device, now_ms).outcome;
}

// The new session's token (the sign-in must succeed).
std::string signed_in(StaffStore& store, const std::string& id, const std::string& pin,
                      const std::string& device = "reception-1") {
    const SignInResult result = sign_in(store, id, pin, device);
    REQUIRE(result.outcome == SignInOutcome::signed_in);
    REQUIRE(result.session.has_value());
    CHECK(result.session->token.size() == 64);
    return result.session->token;
}

std::optional<StaffSession> session_of(StaffStore& store, const std::string& token, std::int64_t now_ms = t0 + 1) {
    return ok(store.session(token, now_ms));
}

std::vector<std::string> listed_ids(StaffStore& store) {
    std::vector<std::string> ids;
    for (const StaffMember& m : ok(store.list())) ids.push_back(m.staff_id);
    return ids;
}

// One value a query gives, read straight from the database.
std::string query(const std::string& url, const std::string& sql) {
    auto rows = ok(ok(pg::Connection::open(url)).run(sql));
    REQUIRE(rows.count() == 1);
    return std::string(rows.text(0, 0));
}

// A new office database on the test's own server, and a first hub of office oslo on it.
struct Oslo {
    test::PgServer server;
    const std::string url = server.new_database("office");
    std::unique_ptr<StaffStore> a = open_staff(url, "oslo");
};

}  // namespace

TEST_CASE("staff added through one hub sign in through another, and only hashes of PINs and tokens are stored") {
    test::PgServer server;
    // A database sorting text by a language's rules (ICU puts '_' before '-' and digits).
    ok(ok(pg::Connection::open(server.url("postgres")))
           .exec("CREATE DATABASE office TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"));
    const std::string url = server.url("office");
    auto a = open_staff(url, "oslo");
    auto b = open_staff(url, "oslo");

    add(*a, "kari", "Kari N.", kari_pin);
    add(*a, "ola", "Ola H.", ola_pin, StaffRole::admin);
    add(*a, "a_b", "Underscore", "1234");
    add(*a, "a1", "Digit", "1234");
    add(*a, "a-b", "Dash", "1234");
    // Byte order whatever the database's collation, as staff.db lists them.
    const auto members = ok(b->list());
    CHECK(listed_ids(*b) == std::vector<std::string>{"a-b", "a1", "a_b", "kari", "ola"});
    REQUIRE(members.size() == 5);
    CHECK(members[4].role == StaffRole::admin);
    CHECK(members[4].name == "Ola H.");

    const SignInResult result = sign_in(*b, "kari", kari_pin, "reception-7");
    REQUIRE(result.outcome == SignInOutcome::signed_in);
    REQUIRE(result.session.has_value());
    CHECK(result.session->staff.name == "Kari N.");
    CHECK(result.session->expires_ms == t0 + b->session_ms);
    const std::string token = result.session->token;

    const auto seen = session_of(*a, token);
    REQUIRE(seen.has_value());
    CHECK(seen->staff.staff_id == "kari");
    CHECK(seen->staff.name == "Kari N.");
    CHECK(seen->staff.role == StaffRole::reception);
    CHECK(seen->device_id == "reception-7");
    CHECK(seen->counter == "2");
    CHECK(seen->expires_ms == t0 + b->session_ms);
    CHECK_FALSE(session_of(*a, token, t0 + b->session_ms).has_value());  // expired
    CHECK_FALSE(session_of(*a, token + "0").has_value());

    // Only hashes: the PIN's Argon2id and the token's hash_hex, nothing in clear.
    const std::string pin_hash = query(url, "SELECT pin_hash FROM staff WHERE staff_id = 'kari'");
    CHECK(pin_hash.rfind("$argon2id$", 0) == 0);
    CHECK(pin_hash.find(kari_pin) == std::string::npos);
    CHECK(pin_matches(kari_pin, pin_hash));
    CHECK(query(url, "SELECT token_hash FROM staff_sessions") == hash_hex(token));
    CHECK(query(url, "SELECT count(*) FROM staff_sessions s WHERE s::text LIKE '%" + token + "%'") == "0");
    CHECK(query(url, "SELECT office_id || ' ' || staff_id FROM staff_sessions") == "oslo kari");

    // A new name, role and PIN given through b are what a signs in with.
    add(*b, "kari", "Kari Nordmann", "97531", StaffRole::admin);
    CHECK(outcome(*a, "kari", kari_pin) == SignInOutcome::wrong_pin);
    const SignInResult again = sign_in(*a, "kari", "97531");
    REQUIRE(again.outcome == SignInOutcome::signed_in);
    CHECK(again.session->staff.name == "Kari Nordmann");
    CHECK(again.session->staff.role == StaffRole::admin);
    CHECK(listed_ids(*a).size() == 5);
}

TEST_CASE("a member or PIN the rules refuse is not stored, and an office id not valid opens no store") {
    Oslo oslo;
    const auto refused = [&](const StaffMember& member, const std::string& pin) {
        auto added = oslo.a->add(member, pin, t0);
        REQUIRE_FALSE(added);
        CHECK(added.error().kind == StoreErrorKind::invalid_request);
        CHECK(added.error().message_key == "error.staff");
    };
    refused({"kari", "Kari N.", StaffRole::reception}, "123");
    refused({"kari", "Kari N.", StaffRole::reception}, "12a4");
    refused({"Kari", "Kari N.", StaffRole::reception}, "1234");
    refused({"kari:x", "Kari N.", StaffRole::reception}, "1234");
    refused({"kari", "", StaffRole::reception}, "1234");
    CHECK(listed_ids(*oslo.a).empty());

    auto bad_office = pg::ReadyOffice::prepare(oslo.url, "Oslo Office", t0);
    REQUIRE_FALSE(bad_office);
    CHECK(bad_office.error().kind == StoreErrorKind::invalid_request);
}

TEST_CASE("wrong PINs and unknown staff ids are refused, and the lockout locks after the allowance") {
    Oslo oslo;
    auto b = open_staff(oslo.url, "oslo");
    add(*oslo.a, "kari", "Kari N.", kari_pin);

    const SignInResult wrong = sign_in(*b, "kari", "000000", "desk-1");
    CHECK(wrong.outcome == SignInOutcome::wrong_pin);
    CHECK_FALSE(wrong.session.has_value());
    const SignInResult unknown = sign_in(*b, "nobody", kari_pin, "desk-2");
    CHECK(unknown.outcome == SignInOutcome::wrong_pin);
    CHECK_FALSE(unknown.session.has_value());
    CHECK(query(oslo.url, "SELECT count(*) FROM staff_sessions") == "0");
    CHECK(b->tracked_attempts() == 4);  // kari, nobody, desk-1, desk-2

    // kari's allowance used up at b from several consoles: locked there, even for the right PIN.
    const PinAttemptPolicy policy;
    for (int i = 1; i < policy.free_attempts; ++i)
        CHECK(outcome(*b, "kari", "000000", "desk-" + std::to_string(i + 2)) == SignInOutcome::wrong_pin);
    const SignInResult locked = sign_in(*b, "kari", kari_pin, "desk-9");
    CHECK(locked.outcome == SignInOutcome::locked);
    CHECK(locked.retry_after_ms == policy.first_lock_ms);
    CHECK_FALSE(locked.session.has_value());
    // The counts are each hub's own, in its memory: a counts none of b's attempts.
    CHECK(oslo.a->tracked_attempts() == 0);
    CHECK(outcome(*oslo.a, "kari", kari_pin, "desk-9") == SignInOutcome::signed_in);
    // After the lock has run out, b lets the right PIN in and forgets kari's count.
    const std::int64_t later = t0 + policy.first_lock_ms;
    CHECK(outcome(*b, "kari", kari_pin, "desk-9", later) == SignInOutcome::signed_in);
    CHECK(outcome(*b, "kari", "000000", "desk-10", later) == SignInOutcome::wrong_pin);
}

TEST_CASE("a sign-out through one hub ends the session at every hub, and a removal ends all of the member's") {
    Oslo oslo;
    auto b = open_staff(oslo.url, "oslo");
    add(*oslo.a, "kari", "Kari N.", kari_pin);
    add(*oslo.a, "ola", "Ola H.", ola_pin);

    const std::string first = signed_in(*oslo.a, "kari", kari_pin, "reception-1");
    const std::string second = signed_in(*b, "kari", kari_pin, "reception-2");
    const std::string olas = signed_in(*oslo.a, "ola", ola_pin, "reception-3");
    REQUIRE(session_of(*b, first).has_value());
    REQUIRE(session_of(*oslo.a, second).has_value());

    ok(b->sign_out(first));
    CHECK_FALSE(session_of(*oslo.a, first).has_value());
    CHECK_FALSE(session_of(*b, first).has_value());
    CHECK(session_of(*oslo.a, second).has_value());

    CHECK(ok(b->remove("kari")));
    CHECK_FALSE(session_of(*oslo.a, second).has_value());
    CHECK_FALSE(session_of(*b, second).has_value());
    CHECK(outcome(*oslo.a, "kari", kari_pin) == SignInOutcome::wrong_pin);
    CHECK(listed_ids(*oslo.a) == std::vector<std::string>{"ola"});
    CHECK_FALSE(ok(oslo.a->remove("kari")));
    // The sessions are gone from the database, not only hidden: kari added again gets none back.
    CHECK(query(oslo.url, "SELECT count(*) FROM staff_sessions WHERE staff_id = 'kari'") == "0");
    add(*oslo.a, "kari", "Kari N.", kari_pin);
    CHECK_FALSE(session_of(*b, second).has_value());
    // Ola's session was not touched.
    const auto ola = session_of(*b, olas);
    REQUIRE(ola.has_value());
    CHECK(ola->staff.staff_id == "ola");
}

TEST_CASE("a member removed through another hub while their PIN is being checked gets no session") {
    Oslo oslo;
    add(*oslo.a, "kari", "Kari N.", kari_pin);

    // Another hub's removal, not yet committed, as the sign-in reads kari's row and checks the PIN.
    auto other = ok(pg::Connection::open(oslo.url));
    ok(
        other.exec("BEGIN; DELETE FROM staff WHERE office_id = 'oslo' AND staff_id = 'kari';"
                   " DELETE FROM staff_sessions WHERE office_id = 'oslo' AND staff_id = 'kari'"));
    auto watcher = ok(pg::Connection::open(oslo.url));
    std::optional<StoreResult<SignInResult>> result;
    std::thread signing([&] { result.emplace(oslo.a->sign_in("kari", kari_pin, "reception-1", "2", t0)); });
    // The sign-in's session waits for the removal's row lock (at most ten seconds are waited for).
    const bool waiting = wait_until(
        [&] {
            auto rows = watcher.run(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND query LIKE '%INSERT INTO staff_sessions%'");
            return rows && rows->text(0, 0) != "0";
        },
        std::chrono::seconds(10), std::chrono::milliseconds(20));
    auto committed = other.exec("COMMIT");  // no REQUIRE before the join
    signing.join();
    CHECK(waiting);
    ok(std::move(committed));
    REQUIRE(result.has_value());
    const SignInResult signed_in = ok(std::move(*result));
    CHECK(signed_in.outcome == SignInOutcome::wrong_pin);
    CHECK_FALSE(signed_in.session.has_value());
    CHECK(query(oslo.url, "SELECT count(*) FROM staff_sessions") == "0");
}

TEST_CASE("two offices on one database see nothing of each other's staff and sessions") {
    Oslo oslo;
    auto bergen = open_staff(oslo.url, "bergen");
    add(*oslo.a, "kari", "Kari in Oslo", kari_pin);
    add(*oslo.a, "ola", "Ola H.", ola_pin);
    add(*bergen, "kari", "Kari in Bergen", "97531");

    // list: each its own.
    const auto in_oslo = ok(oslo.a->list());
    REQUIRE(in_oslo.size() == 2);
    CHECK(in_oslo[0].name == "Kari in Oslo");
    CHECK(in_oslo[1].staff_id == "ola");
    const auto in_bergen = ok(bergen->list());
    REQUIRE(in_bergen.size() == 1);
    CHECK(in_bergen[0].name == "Kari in Bergen");

    // sign_in: Oslo's staff and PINs are unknown in Bergen.
    CHECK(outcome(*bergen, "ola", ola_pin) == SignInOutcome::wrong_pin);
    CHECK(outcome(*bergen, "kari", kari_pin) == SignInOutcome::wrong_pin);
    const std::string oslo_token = signed_in(*oslo.a, "kari", kari_pin);
    const std::string bergen_token = signed_in(*bergen, "kari", "97531");
    CHECK(session_of(*bergen, bergen_token)->staff.name == "Kari in Bergen");

    // session: a token of one office is no session in the other.
    CHECK_FALSE(session_of(*bergen, oslo_token).has_value());
    CHECK_FALSE(session_of(*oslo.a, bergen_token).has_value());
    // sign_out: Bergen cannot end Oslo's session.
    ok(bergen->sign_out(oslo_token));
    CHECK(session_of(*oslo.a, oslo_token).has_value());

    // remove: Bergen removes its own kari only, and knows no ola.
    CHECK_FALSE(ok(bergen->remove("ola")));
    CHECK(ok(bergen->remove("kari")));
    CHECK(listed_ids(*bergen).empty());
    CHECK(listed_ids(*oslo.a) == std::vector<std::string>{"kari", "ola"});
    const auto still = session_of(*oslo.a, oslo_token);
    REQUIRE(still.has_value());
    CHECK(still->staff.name == "Kari in Oslo");
    CHECK(outcome(*oslo.a, "kari", kari_pin) == SignInOutcome::signed_in);
    CHECK_FALSE(session_of(*bergen, bergen_token).has_value());
    CHECK(query(oslo.url, "SELECT count(*) FROM staff_sessions WHERE office_id = 'bergen'") == "0");
}

TEST_CASE("the database stopped is an error in time, and the store carries on once it is back") {
    Oslo oslo;
    StaffStore& store = *oslo.a;
    add(store, "kari", "Kari N.", kari_pin);
    const std::string token = signed_in(store, "kari", kari_pin);

    oslo.server.stop();
    const auto began = std::chrono::steady_clock::now();
    const auto io_error = [&](const StoreError& e) {
        CHECK(e.kind == StoreErrorKind::io);
        CHECK(e.detail.find("127.0.0.1:" + std::to_string(oslo.server.port())) != std::string::npos);
    };
    for (int i = 0; i < 2; ++i) {  // the connection lost, then a new one refused
        CAPTURE(i);
        auto session = store.session(token, t0 + 1);
        REQUIRE_FALSE(session);
        io_error(session.error());
        auto list = store.list();
        REQUIRE_FALSE(list);
        io_error(list.error());
        auto signing_in = store.sign_in("kari", kari_pin, "reception-2", "2", t0);
        REQUIRE_FALSE(signing_in);
        io_error(signing_in.error());
        auto adding = store.add({"ola", "Ola H.", StaffRole::reception}, ola_pin, t0);
        REQUIRE_FALSE(adding);
        io_error(adding.error());
        auto removing = store.remove("kari");
        REQUIRE_FALSE(removing);
        io_error(removing.error());
        auto signing_out = store.sign_out(token);
        REQUIRE_FALSE(signing_out);
        io_error(signing_out.error());
    }
    auto unreachable = pg::ReadyOffice::prepare(oslo.url, "oslo", t0);
    REQUIRE_FALSE(unreachable);
    io_error(unreachable.error());
    const auto waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count();
    CHECK(waited < 5000);

    oslo.server.start();
    const auto back = session_of(store, token);
    REQUIRE(back.has_value());
    CHECK(back->staff.staff_id == "kari");
    CHECK(listed_ids(store) == std::vector<std::string>{"kari"});
    add(store, "ola", "Ola H.", ola_pin);
    const std::string olas = signed_in(store, "ola", ola_pin, "reception-2");
    CHECK(session_of(*open_staff(oslo.url, "oslo"), olas).has_value());

    // A restart between two calls is not seen: the first call after it runs on a new connection.
    oslo.server.stop();
    oslo.server.start();
    CHECK(session_of(store, olas).has_value());
    oslo.server.stop();
    oslo.server.start();
    CHECK(ok(store.remove("ola")));
    CHECK_FALSE(session_of(store, olas).has_value());
}
