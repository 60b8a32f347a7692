// One office's enrolment codes, devices, tokens, revocations and device health on the office
// database (PostgreSQL), as several hubs serving that office keep them: DeviceRegistry's
// operations and promises (hub/device_registry.hpp), for the one office given at open. Every
// statement names that office: another office's codes, tokens and devices are not seen here
// (its code is unknown, its token unknown, its device not listed and not revoked from here).
//
// Revocation across hubs: each token check is one indexed SELECT of the device by its token
// hash (devices' UNIQUE index on token_hash) on the registry's reading connection, so a
// revocation or a new enrolment committed by any hub is seen at the device's next request.
// Cost: one round trip to the database per request (0.12 ms with the server on the same
// host, in the sanitizer test build), never behind a write. No token is remembered as good: a
// memory of it could only be checked with the same round trip. Unknown tokens are remembered
// for a minute (at most 4096 of them), so a flood of bad tokens does not reach the database.
//
// Connections: one for writes, one for reads, each used by one call at a time. A call whose
// statement found the connection lost fails (StoreErrorKind::io); the next call opens a new
// connection (connect timeout 5 s), and a failure to open it is that call's error.
// Tokens and codes are kept only as hashes (hash_hex).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hub/device_registry.hpp"
#include "hub/pg/pg_connection.hpp"
#include "hub/pg/pg_office_log.hpp"

namespace skranke::hub::pg {

// A Registry (hub/device_registry.hpp), so the hub serves from either.
class PgDeviceRegistry final : public Registry {
public:
    // Connects to the office's database (both connections, so that one that cannot be made is
    // said at start, not at the first request). Token checks are answered from memory while the
    // office's devices are unchanged, which is looked at again when version_check_ms have passed
    // since the last look (0: at every check).
    static StoreResult<std::unique_ptr<PgDeviceRegistry>> open(const ReadyOffice& office,
                                                               std::int64_t version_check_ms = default_version_check_ms);
    static constexpr std::int64_t default_version_check_ms = 200;
    ~PgDeviceRegistry() override;
    PgDeviceRegistry(const PgDeviceRegistry&) = delete;
    PgDeviceRegistry& operator=(const PgDeviceRegistry&) = delete;

    const std::string& office_id() const { return office_id_; }

    // A one-time enrolment code for one device of this role in this office, valid for valid_ms.
    StoreResult<std::string> create_enrol_code(protocol::Role role, std::int64_t now_ms,
                                               std::int64_t valid_ms) override;
    // Uses the code up and returns the device's token; nothing when the code is unknown (also:
    // made for another office), used or expired. Enrolling a device again replaces its token and
    // ends a revocation. A device id enrolled in another office is refused with an error of kind
    // invalid_request whose detail names both offices; the code is then left unused.
    StoreResult<std::optional<Enrolment>> enrol(const std::string& code, const std::string& device_id,
                                                std::int64_t now_ms) override;
    // The role a code of this office was made for, without using it; nothing when it is unknown,
    // used or expired.
    StoreResult<std::optional<protocol::Role>> role_of_code(const std::string& code, std::int64_t now_ms) override;
    // The device of this office that holds the token, or why it is refused (unknown token,
    // revoked). A token this hub admitted is admitted again from memory as long as the office's
    // devices_version is the one read last; it is read again first when version_check_ms have
    // passed, so an enrolment or revocation made through another hub or a command holds here
    // within that time, one made through this registry at once.
    StoreResult<Admission> authenticate(const std::string& token) override;
    // Why the device is refused now, as the last token check (or this registry's revoke or enrol,
    // or the office's revoked devices read when its devices_version changed) saw it (nothing: it
    // is not), without any lock: a long-poll asks again before it answers.
    std::optional<std::string> refusal_of(const std::string& device_id) const override;
    // Remembers the device's health (a report's values replace the ones before, what it does not
    // say stays); written at most once a minute per device, only when the writing connection is
    // free at that moment, and never over newer health another hub wrote. Never waits.
    void note_contact(const std::string& device_id, const Contact& contact) override;
    // This office's devices, with the newest health this hub or the database knows.
    StoreResult<std::vector<DeviceHealth>> devices() override;
    // Every request with the device's token is refused from now on, by every hub on the
    // database, until it is enrolled again. False: no such device in this office.
    StoreResult<bool> revoke(const std::string& device_id, std::int64_t now_ms) override;

private:
    // A connection and the lock that lets one call use it.
    struct Line {
        Line(const std::string& url, int connect_timeout_s) : link(url, connect_timeout_s) {}
        std::mutex mutex;
        Link link;
    };

    PgDeviceRegistry(std::string url, std::string office_id, std::int64_t version_check_ms);
    // Reads the office's devices_version when version_check_ms have passed; when it changed,
    // forgets every admission and reads the revoked devices again.
    StoreResult<Done> look_at_version(std::int64_t now_ms);
    // Under memory_: every token is checked in the database again.
    void forget_admissions();
    // Runs work on the line's connection (pg::Link::run), one call at a time.
    template <class T, class Work>
    StoreResult<T> use(Line& line, Work&& work);
    // Under memory_: device ids revoked (a new set each time, read without a lock).
    void change_revoked(const std::string& device_id, bool revoked);
    void forget_unknown_expired(std::int64_t now_ms);

    const std::string url_;
    const std::string office_id_;
    Line writes_;
    Line reads_;
    std::mutex memory_;  // everything below
    std::atomic<std::shared_ptr<const std::set<std::string>>> revoked_;
    std::atomic<bool> any_revoked_ = false;        // spares the usual case the shared pointer's lock
    std::map<std::string, std::int64_t> unknown_;  // token hash: until when (steady ms) it is taken as unknown
    std::map<std::string, AuthDevice> admitted_;   // token hash: its device, while devices_version_ holds
    std::uint64_t generation_ = 0;                 // forget_admissions calls: a check begun before one is not kept
    std::int64_t devices_version_ = -1;
    std::int64_t version_read_ms_ = 0;  // steady ms of the last look (or one on its way)
    bool version_read_ = false;
    const std::int64_t version_check_ms_;
    // Health as requests told this hub, newer than the database's until it is written; begun from
    // the device's row, and begun again when another hub wrote newer health.
    std::map<std::string, DeviceHealth> contacts_;
    std::map<std::string, std::int64_t> contact_saved_ms_;  // hub time of the health last written
};

}  // namespace skranke::hub::pg
