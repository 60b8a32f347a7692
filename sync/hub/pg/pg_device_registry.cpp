#include "hub/pg/pg_device_registry.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>

#include "domain/office_time.hpp"
#include "hub/pg/move_office.hpp"
#include "hub/pg/pg_office_log.hpp"
#include "hub/pg/pg_schema.hpp"

namespace skranke::hub::pg {

using protocol::Role;
using protocol::role_from_string;
using namespace registry;

namespace {

constexpr int connect_timeout_s = 5;

Param number(std::int64_t value) {
    return std::to_string(value);
}
Param number(const std::optional<std::int64_t>& value) {
    return value ? Param(std::to_string(*value)) : std::nullopt;
}

DeviceHealth health_of(const Rows& rows, int r) {
    return health_from(
        [&](int c) { return rows.null(r, c) ? std::nullopt : std::optional(rows.int64(r, c)); },
        [&](int c) { return rows.null(r, c) ? std::nullopt : std::optional(std::string(rows.text(r, c))); });
}

// What a row of the database has that a hub's memory may not: health another hub wrote later.
bool newer_than(const DeviceHealth& row, const DeviceHealth& known) {
    return row.last_seen_ms.value_or(0) > known.last_seen_ms.value_or(0);
}

// An enrolment's outcome inside its transaction.
struct Tried {
    std::optional<Enrolment> enrolment;           // nothing: the code is unknown, used or expired
    std::optional<std::string> office_of_device;  // the device is enrolled in this other office
};

}  // namespace

PgDeviceRegistry::PgDeviceRegistry(std::string url, std::string office_id, std::int64_t version_check_ms)
    : url_(std::move(url)),
      office_id_(std::move(office_id)),
      writes_(url_, connect_timeout_s),
      reads_(url_, connect_timeout_s),
      revoked_(std::make_shared<const std::set<std::string>>()),
      version_check_ms_(version_check_ms) {}

PgDeviceRegistry::~PgDeviceRegistry() = default;

StoreResult<std::unique_ptr<PgDeviceRegistry>> PgDeviceRegistry::open(const ReadyOffice& office,
                                                                      std::int64_t version_check_ms) {
    std::unique_ptr<PgDeviceRegistry> registry(
        new PgDeviceRegistry(office.url(), office.office_id(), std::max<std::int64_t>(version_check_ms, 0)));
    for (Line* line : {&registry->writes_, &registry->reads_})
        if (auto opened = line->link.get(); !opened) return store_error_of(opened.error());
    return registry;
}

template <class T, class Work>
StoreResult<T> PgDeviceRegistry::use(Line& line, Work&& work) {
    std::lock_guard lock(line.mutex);
    auto done = line.link.run<T>(std::forward<Work>(work));
    if (!done) return store_error_of(done.error());
    return std::move(done).value();
}

void PgDeviceRegistry::change_revoked(const std::string& device_id, bool revoked) {
    const auto before = revoked_.load();
    if ((before->count(device_id) != 0) == revoked) return;
    auto ids = std::make_shared<std::set<std::string>>(*before);
    if (revoked)
        ids->insert(device_id);
    else
        ids->erase(device_id);
    any_revoked_.store(!ids->empty());
    revoked_.store(std::move(ids));
}

void PgDeviceRegistry::forget_unknown_expired(std::int64_t now_ms) {
    if (unknown_.size() < unknown_token_capacity) return;
    std::erase_if(unknown_, [&](const auto& entry) { return entry.second <= now_ms; });
    if (unknown_.size() >= unknown_token_capacity) unknown_.clear();  // a flood of new ones: start again
}

StoreResult<std::string> PgDeviceRegistry::create_enrol_code(Role role, std::int64_t now_ms, std::int64_t valid_ms) {
    std::string code = random_code();
    auto stored = use<Done>(writes_, [&](Connection& db) -> PgResult<Done> {
        auto inserted = db.run(
            "INSERT INTO enrol_codes (code_hash, office_id, role, created_ms, expires_ms) VALUES ($1, $2, $3, $4, $5)",
            {hash_hex(code), office_id_, std::string(protocol::to_string(role)), number(now_ms),
             number(now_ms + valid_ms)});
        if (!inserted) return inserted.error();
        return Done{};
    });
    if (!stored) return stored.error();
    return code;
}

StoreResult<std::optional<Enrolment>> PgDeviceRegistry::enrol(const std::string& code, const std::string& device_id,
                                                              std::int64_t now_ms) {
    auto tried = use<Tried>(writes_, [&](Connection& db) -> PgResult<Tried> {
        auto transaction = Transaction::begin(db);
        if (!transaction) return transaction.error();
        // Two hubs using one code at once: the second waits for the first's row lock, then finds it used.
        auto used = db.run(
            "UPDATE enrol_codes SET used_ms = $3, used_by = $4 WHERE code_hash = $1 AND office_id = $2"
            " AND used_ms IS NULL AND expires_ms > $3 RETURNING role",
            {hash_hex(code), office_id_, number(now_ms), device_id});
        if (!used) return used.error();
        if (used->count() == 0) return Tried{};  // rolled back: nothing was changed
        Enrolment enrolment{device_id, role_from_string(used->text(0, 0)).value_or(Role::display), random_token()};
        // Enrolling again (a replaced PC keeping its id, a revoked one let in again) replaces the
        // old token; a device of another office is left as it is (no row changed).
        auto stored = db.run(
            "INSERT INTO devices (device_id, office_id, role, token_hash, enrolled_ms) VALUES ($1, $2, $3, $4, $5)"
            " ON CONFLICT (device_id) DO UPDATE SET role = EXCLUDED.role, token_hash = EXCLUDED.token_hash,"
            " enrolled_ms = EXCLUDED.enrolled_ms, revoked_ms = NULL WHERE devices.office_id = EXCLUDED.office_id",
            {device_id, office_id_, std::string(protocol::to_string(enrolment.role)), hash_hex(enrolment.token),
             number(now_ms)});
        if (!stored) return stored.error();
        if (stored->affected() == 0) {
            auto other = db.run("SELECT office_id FROM devices WHERE device_id = $1", {device_id});
            if (!other) return other.error();
            return Tried{std::nullopt, other->count() == 0 ? std::string("?") : std::string(other->text(0, 0))};
        }
        auto bumped =
            db.run("UPDATE offices SET devices_version = devices_version + 1 WHERE office_id = $1", {office_id_});
        if (!bumped) return bumped.error();
        if (auto committed = transaction->commit(); !committed) return committed.error();
        return Tried{std::move(enrolment), std::nullopt};
    });
    if (!tried) return tried.error();
    if (tried->office_of_device)
        return StoreError{StoreErrorKind::invalid_request,
                          "error.go_to_reception",
                          "device " + device_id + " is enrolled in office " + *tried->office_of_device +
                              ", not in office " + office_id_ +
                              ": give this device another id, or enrol it at its own office's hub (the code was "
                              "not used)",
                          {}};
    if (!tried->enrolment) return std::optional<Enrolment>();
    std::lock_guard lock(memory_);
    forget_admissions();  // the device's old token among them
    change_revoked(device_id, false);
    return std::move(tried->enrolment);
}

StoreResult<std::optional<Role>> PgDeviceRegistry::role_of_code(const std::string& code, std::int64_t now_ms) {
    return use<std::optional<Role>>(reads_, [&](Connection& db) -> PgResult<std::optional<Role>> {
        auto found = db.run(
            "SELECT role FROM enrol_codes WHERE code_hash = $1 AND office_id = $2 AND used_ms IS NULL"
            " AND expires_ms > $3",
            {hash_hex(code), office_id_, number(now_ms)});
        if (!found) return found.error();
        if (found->count() == 0) return std::optional<Role>();
        return role_from_string(found->text(0, 0));
    });
}

void PgDeviceRegistry::forget_admissions() {
    admitted_.clear();
    ++generation_;
}

StoreResult<Done> PgDeviceRegistry::look_at_version(std::int64_t now_ms) {
    {
        std::lock_guard lock(memory_);
        if (version_read_ && now_ms - version_read_ms_ < version_check_ms_) return Done{};
        version_read_ = true;
        version_read_ms_ = now_ms;  // the checks meanwhile use what is known: one look at a time
    }
    struct Seen {
        std::int64_t version = 0;
        std::set<std::string> revoked;
    };
    auto seen = use<Seen>(reads_, [&](Connection& db) -> PgResult<Seen> {
        auto version = db.run("SELECT devices_version FROM offices WHERE office_id = $1", {office_id_});
        if (!version) return version.error();
        Seen s;
        s.version = version->count() == 0 ? 0 : version->int64(0, 0);
        {
            std::lock_guard lock(memory_);
            if (s.version == devices_version_) return s;
        }
        auto revoked =
            db.run("SELECT device_id FROM devices WHERE office_id = $1 AND revoked_ms IS NOT NULL", {office_id_});
        if (!revoked) return revoked.error();
        for (int r = 0; r < revoked->count(); ++r) s.revoked.emplace(revoked->text(r, 0));
        return s;
    });
    std::lock_guard lock(memory_);
    if (!seen) {
        version_read_ = false;  // the next check looks again
        return seen.error();
    }
    if (seen->version != devices_version_) {
        devices_version_ = seen->version;
        forget_admissions();
        any_revoked_.store(!seen->revoked.empty());
        revoked_.store(std::make_shared<const std::set<std::string>>(std::move(seen->revoked)));
    }
    return Done{};
}

StoreResult<Admission> PgDeviceRegistry::authenticate(const std::string& token) {
    const std::string hash = hash_hex(token);
    const std::int64_t now = steady_ms();
    {
        // A token found unknown stays unknown: an enrolment gives a new one, never one tried before.
        std::lock_guard lock(memory_);
        if (const auto unknown = unknown_.find(hash); unknown != unknown_.end() && unknown->second > now)
            return Admission{std::nullopt, unknown_refusal};
    }
    if (auto looked = look_at_version(now); !looked) return looked.error();
    std::uint64_t generation = 0;
    {
        std::lock_guard lock(memory_);
        if (const auto admitted = admitted_.find(hash); admitted != admitted_.end())
            return Admission{admitted->second, ""};
        generation = generation_;
    }
    auto found = use<std::optional<DeviceHealth>>(reads_, [&](Connection& db) -> PgResult<std::optional<DeviceHealth>> {
        auto rows =
            db.run(std::string("SELECT ") + health_columns + " FROM devices WHERE token_hash = $1 AND office_id = $2",
                   {hash, office_id_});
        if (!rows) return rows.error();
        if (rows->count() == 0) return std::optional<DeviceHealth>();
        return std::optional<DeviceHealth>(health_of(*rows, 0));
    });
    if (!found) return found.error();
    std::lock_guard lock(memory_);
    if (!*found) {
        forget_unknown_expired(now);
        unknown_[hash] = now + unknown_token_ms;
        return Admission{std::nullopt, unknown_refusal};
    }
    DeviceHealth& row = **found;
    const bool revoked = row.revoked_ms.has_value();
    change_revoked(row.device_id, revoked);
    AuthDevice device{row.device_id, row.role};
    // note_contact, which follows, then starts from what the database knows.
    if (auto known = contacts_.find(row.device_id); known == contacts_.end())
        contacts_.emplace(row.device_id, row);
    else if (newer_than(row, known->second))
        known->second = row;
    if (revoked) return Admission{std::nullopt, revoked_refusal};
    if (generation == generation_) {  // no enrolment or revocation seen since the row was read
        if (admitted_.size() >= unknown_token_capacity) admitted_.clear();
        admitted_.emplace(hash, device);
    }
    return Admission{std::move(device), ""};
}

std::optional<std::string> PgDeviceRegistry::refusal_of(const std::string& device_id) const {
    if (any_revoked_.load() && revoked_.load()->count(device_id) != 0) return std::string(revoked_refusal);
    return std::nullopt;
}

void PgDeviceRegistry::note_contact(const std::string& device_id, const Contact& contact) {
    DeviceHealth to_save;
    {
        std::lock_guard lock(memory_);
        auto known = contacts_.find(device_id);
        if (known == contacts_.end()) {
            known = contacts_.emplace(device_id, DeviceHealth{}).first;
            known->second.device_id = device_id;
        }
        take_contact(known->second, contact);
        if (contact.hub_now_ms - contact_saved_ms_[device_id] < contact_save_ms) return;
        to_save = known->second;
    }
    std::unique_lock line(writes_.mutex, std::try_to_lock);
    Connection* db = line.owns_lock() ? writes_.link.current() : nullptr;
    if (db == nullptr) return;  // busy, or lost (a call that may wait opens it): later
    const HealthReport& r = to_save.report;
    // Never over newer health: another hub the device talked to since may have written it.
    auto saved = db->run(
        "UPDATE devices SET last_seen_ms = $3, clock_offset_ms = coalesce($4, clock_offset_ms),"
        " outbox_depth = coalesce($5, outbox_depth), program_version = coalesce($6, program_version),"
        " uptime_s = coalesce($7, uptime_s), last_sync_ms = coalesce($8, last_sync_ms),"
        " dead_letters = coalesce($9, dead_letters), disk_free_bytes = coalesce($10, disk_free_bytes),"
        " printer = coalesce($11, printer), outbox_stuck_since_ms = $12"
        " WHERE device_id = $1 AND office_id = $2 AND (last_seen_ms IS NULL OR last_seen_ms <= $3)",
        {device_id, office_id_, number(to_save.last_seen_ms), number(to_save.clock_offset_ms), number(r.outbox_depth),
         r.program_version, number(r.uptime_s), number(r.last_sync_ms), number(r.dead_letters),
         number(r.disk_free_bytes), r.printer, number(to_save.outbox_stuck_since_ms)});
    if (!saved) return;  // health bookkeeping only: a failure must not fail the request; a later one tries again
    line.unlock();
    std::lock_guard lock(memory_);
    auto& saved_ms = contact_saved_ms_[device_id];
    saved_ms = std::max(saved_ms, to_save.last_seen_ms.value_or(0));
}

StoreResult<std::vector<DeviceHealth>> PgDeviceRegistry::devices() {
    auto listed = use<std::vector<DeviceHealth>>(reads_, [&](Connection& db) -> PgResult<std::vector<DeviceHealth>> {
        auto rows =
            db.run(std::string("SELECT ") + health_columns + " FROM devices WHERE office_id = $1 ORDER BY device_id",
                   {office_id_});
        if (!rows) return rows.error();
        std::vector<DeviceHealth> list;
        list.reserve(static_cast<std::size_t>(rows->count()));
        for (int r = 0; r < rows->count(); ++r) list.push_back(health_of(*rows, r));
        return list;
    });
    if (!listed) return listed;
    std::lock_guard lock(memory_);
    for (DeviceHealth& d : *listed) {
        const auto it = contacts_.find(d.device_id);
        if (it == contacts_.end() || newer_than(d, it->second)) continue;
        const DeviceHealth& known = it->second;  // not written yet, or written as it is
        d.last_seen_ms = known.last_seen_ms;
        d.clock_offset_ms = known.clock_offset_ms;
        d.report = known.report;
        d.outbox_stuck_since_ms = known.outbox_stuck_since_ms;
    }
    return listed;
}

StoreResult<bool> PgDeviceRegistry::revoke(const std::string& device_id, std::int64_t now_ms) {
    auto found = use<bool>(writes_, [&](Connection& db) -> PgResult<bool> {
        // One statement: the revocation and the bump of the office's devices_version together.
        auto changed = db.run(
            "WITH revoked AS (UPDATE devices SET revoked_ms = coalesce(revoked_ms, $3)"
            " WHERE device_id = $1 AND office_id = $2 RETURNING 1),"
            " bumped AS (UPDATE offices SET devices_version = devices_version + 1"
            " WHERE office_id = $2 AND EXISTS (SELECT 1 FROM revoked))"
            " SELECT count(*) FROM revoked",
            {device_id, office_id_, number(now_ms)});
        if (!changed) return changed.error();
        return changed->int64(0, 0) > 0;
    });
    if (found && *found) {
        std::lock_guard lock(memory_);
        forget_admissions();
        change_revoked(device_id, true);
    }
    return found;
}

}  // namespace skranke::hub::pg
