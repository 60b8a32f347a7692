// Who may talk to the hub: one-time enrolment codes, enrolled devices (role, token hash,
// revocation) and each device's health as its requests show it.
// A token is checked without waiting for the writer: through the registry's own reading
// connection, with known tokens remembered and unknown ones remembered for a while, so a
// flood of bad tokens costs no read of the file. A revocation written by another process
// (skranke-hub device-revoke) is seen at the next request: PRAGMA data_version tells when
// anyone has written the file since the last look.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hub/hub_file.hpp"
#include "protocol/protocol.hpp"

namespace skranke::hub {

struct AuthDevice {
    std::string device_id;
    protocol::Role role = protocol::Role::display;
};

// A token's check: the device let in, or why not, in words for IT (the 401's message).
struct Admission {
    std::optional<AuthDevice> device;
    std::string refusal;
};

struct Enrolment {
    std::string device_id;
    protocol::Role role = protocol::Role::display;
    std::string token;  // shown once; only its hash is kept
};

// What a device says about its health (PROTOCOL.md section 3's X-Skranke-... headers);
// nothing where it said nothing. Times are on the hub's clock.
struct HealthReport {
    std::optional<std::int64_t> outbox_depth;
    std::optional<std::string> program_version;
    std::optional<std::int64_t> uptime_s;
    std::optional<std::int64_t> last_sync_ms;  // its last successful push or log read
    std::optional<std::int64_t> dead_letters;
    std::optional<std::int64_t> disk_free_bytes;
    std::optional<std::string> printer;
};

struct DeviceHealth {
    std::string device_id;
    protocol::Role role = protocol::Role::display;
    std::int64_t enrolled_ms = 0;
    std::optional<std::int64_t> last_seen_ms;
    std::optional<std::int64_t> clock_offset_ms;
    HealthReport report;  // as its newest requests said
    // Since when its outbox has held events without going down (nothing: empty, or unknown).
    std::optional<std::int64_t> outbox_stuck_since_ms;
    std::optional<std::int64_t> revoked_ms;
};

// What the device said about itself on one request.
struct Contact {
    std::int64_t hub_now_ms = 0;
    std::optional<std::int64_t> clock_offset_ms;  // device clock minus hub clock
    HealthReport report;
};

class DeviceRegistry {
public:
    // Writes go through writer; reads through reader (a connection of open_hub_reader).
    static StoreResult<std::unique_ptr<DeviceRegistry>> open(HubWriter& writer, Connection reader);
    ~DeviceRegistry();
    DeviceRegistry(const DeviceRegistry&) = delete;
    DeviceRegistry& operator=(const DeviceRegistry&) = delete;

    // A one-time enrolment code for one device of this role, valid for valid_ms.
    StoreResult<std::string> create_enrol_code(protocol::Role role, std::int64_t now_ms, std::int64_t valid_ms);
    // Uses the code up and returns the device's token; nothing when the code is unknown,
    // used or expired. Enrolling a device again replaces its token and ends a revocation.
    StoreResult<std::optional<Enrolment>> enrol(const std::string& code, const std::string& device_id,
                                                std::int64_t now_ms);
    // The role a code was made for, without using it; nothing when it is unknown, used or
    // expired (a device that asks for another role is refused before anything is stored).
    StoreResult<std::optional<protocol::Role>> role_of_code(const std::string& code, std::int64_t now_ms);
    StoreResult<Admission> authenticate(const std::string& token);
    // Why the device is refused now, as the last token check saw it (nothing: it is not), without
    // any lock: a long-poll asks again before it answers.
    std::optional<std::string> refusal_of(const std::string& device_id) const;
    // Remembers the device's health (a report's values replace the ones before, what it does
    // not say stays); written to the file at most once a minute per device, and only when no
    // other write is running, so a request never waits for a batch.
    void note_contact(const std::string& device_id, const Contact& contact);
    StoreResult<std::vector<DeviceHealth>> devices();
    // Every request with the device's token is refused from now on, here and in a running
    // hub on the same file, until it is enrolled again. False: no such device.
    StoreResult<bool> revoke(const std::string& device_id, std::int64_t now_ms);

private:
    DeviceRegistry(HubWriter& writer, Connection reader);
    StoreResult<Done> notice_revocations();
    // Device ids revoked, changed under mutex_ (a new set each time).
    void change_revoked(const std::function<void(std::set<std::string>&)>& change);
    void forget_unknown_expired(std::int64_t now_ms);
    DeviceHealth saved_health(const std::string& device_id);

    HubWriter& writer_;
    struct Statements;
    std::unique_ptr<Statements> statements_;  // on the writer's connection, used only inside writer_.run
    std::mutex mutex_;  // reader_ and everything below
    Connection reader_;
    struct ReadStatements;
    std::unique_ptr<ReadStatements> reads_;
    std::int64_t data_version_ = -1;  // of reader_ when revoked_ was read
    // Looks at data_version begun, counted before each; the last one's outcome. Changed under
    // mutex_; read before it, so one look serves every request that came before it began.
    std::atomic<std::uint64_t> looks_ = 0;
    bool last_look_ok_ = false;
    std::atomic<std::shared_ptr<const std::set<std::string>>> revoked_;  // device ids
    std::atomic<bool> any_revoked_ = false;  // spares the usual case the shared pointer's lock
    std::map<std::string, AuthDevice> known_;  // by token hash
    std::map<std::string, std::int64_t> unknown_;  // token hash: until when (steady ms) it is taken as unknown
    // Health as requests told it since the start, newer than the file; a device's entry is
    // begun from its row, so what the file knew (the outbox's stuck time) carries on.
    std::map<std::string, DeviceHealth> contacts_;
    std::map<std::string, std::int64_t> contact_saved_ms_;
};

}  // namespace skranke::hub
