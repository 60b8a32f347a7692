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

// What every registry does alike.
namespace registry {
// An unknown token is answered from memory this long: a device enrolled meanwhile got a new
// token (never one tried before), so only a hub sharing its data with another could differ.
inline constexpr std::int64_t unknown_token_ms = 60 * 1000;
inline constexpr std::size_t unknown_token_capacity = 4096;
inline constexpr std::int64_t contact_save_ms = 60 * 1000;  // a device's health written at most this often
inline constexpr const char* unknown_refusal = "unknown device token; enrol the device again";
inline constexpr const char* revoked_refusal =
    "this device was revoked at the hub; IT must enrol it again (skranke-hub enrol-code, then skranke-sync enrol)";
std::int64_t steady_ms();
// A one-time enrolment code: 12 characters without 0/o, 1/l/i.
std::string random_code();
// One request's word on top of what was known: what it says replaces, what it leaves out
// stays; the outbox counts as stuck from a report where it held events and had not gone down.
void take_contact(DeviceHealth& known, const Contact& contact);

// The devices table's columns that health_from reads, in its order (the same in hub.db and in
// the office database).
inline constexpr const char* health_columns =
    "device_id, role, enrolled_ms, last_seen_ms, clock_offset_ms, outbox_depth, revoked_ms, program_version, uptime_s,"
    " last_sync_ms, dead_letters, disk_free_bytes, printer, outbox_stuck_since_ms";
// One row of health_columns, read through number(c) and text(c): a column's value, or nothing
// for NULL.
template <typename Number, typename Text>
DeviceHealth health_from(const Number& number, const Text& text) {
    DeviceHealth d;
    d.device_id = text(0).value_or("");
    d.role = protocol::role_from_string(text(1).value_or("")).value_or(protocol::Role::display);
    d.enrolled_ms = number(2).value_or(0);
    d.last_seen_ms = number(3);
    d.clock_offset_ms = number(4);
    d.report = HealthReport{number(5), text(7), number(8), number(9), number(10), number(11), text(12)};
    d.revoked_ms = number(6);
    d.outbox_stuck_since_ms = number(13);
    return d;
}
}  // namespace registry

// Who may talk to the hub, wherever that is kept: DeviceRegistry (hub.db, below) or
// pg::PgDeviceRegistry (one office of the office database, hub/pg/pg_device_registry.hpp).
class Registry {
public:
    virtual ~Registry() = default;
    // A one-time enrolment code for one device of this role, valid for valid_ms.
    virtual StoreResult<std::string> create_enrol_code(protocol::Role role, std::int64_t now_ms,
                                                       std::int64_t valid_ms) = 0;
    // Uses the code up and returns the device's token; nothing when the code is unknown,
    // used or expired. Enrolling a device again replaces its token and ends a revocation.
    virtual StoreResult<std::optional<Enrolment>> enrol(const std::string& code, const std::string& device_id,
                                                        std::int64_t now_ms) = 0;
    // The role a code was made for, without using it; nothing when it is unknown, used or
    // expired (a device that asks for another role is refused before anything is stored).
    virtual StoreResult<std::optional<protocol::Role>> role_of_code(const std::string& code, std::int64_t now_ms) = 0;
    virtual StoreResult<Admission> authenticate(const std::string& token) = 0;
    // Why the device is refused now, as the last token check saw it (nothing: it is not),
    // without any lock: a long-poll asks again before it answers.
    virtual std::optional<std::string> refusal_of(const std::string& device_id) const = 0;
    // Remembers the device's health (a report's values replace the ones before, what it does
    // not say stays); written at most once a minute per device, and only when no other write
    // is running, so a request never waits for a batch.
    virtual void note_contact(const std::string& device_id, const Contact& contact) = 0;
    virtual StoreResult<std::vector<DeviceHealth>> devices() = 0;
    // Every request with the device's token is refused from now on, here and in a running
    // hub on the same data, until it is enrolled again. False: no such device.
    virtual StoreResult<bool> revoke(const std::string& device_id, std::int64_t now_ms) = 0;
};

class DeviceRegistry final : public Registry {
public:
    // Writes go through writer; reads through reader (a connection of open_hub_reader).
    static StoreResult<std::unique_ptr<DeviceRegistry>> open(HubWriter& writer, Connection reader);
    ~DeviceRegistry() override;
    DeviceRegistry(const DeviceRegistry&) = delete;
    DeviceRegistry& operator=(const DeviceRegistry&) = delete;

    StoreResult<std::string> create_enrol_code(protocol::Role role, std::int64_t now_ms,
                                               std::int64_t valid_ms) override;
    StoreResult<std::optional<Enrolment>> enrol(const std::string& code, const std::string& device_id,
                                                std::int64_t now_ms) override;
    StoreResult<std::optional<protocol::Role>> role_of_code(const std::string& code, std::int64_t now_ms) override;
    StoreResult<Admission> authenticate(const std::string& token) override;
    std::optional<std::string> refusal_of(const std::string& device_id) const override;
    void note_contact(const std::string& device_id, const Contact& contact) override;
    StoreResult<std::vector<DeviceHealth>> devices() override;
    StoreResult<bool> revoke(const std::string& device_id, std::int64_t now_ms) override;

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
