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

// The columns health_of reads, in its order.
constexpr const char* health_columns =
    "device_id, role, enrolled_ms, last_seen_ms, clock_offset_ms, outbox_depth, revoked_ms, program_version, uptime_s,"
    " last_sync_ms, dead_letters, disk_free_bytes, printer, outbox_stuck_since_ms";

DeviceHealth health_of(const Rows& rows, int r) {
    const auto number = [&](int c) { return rows.null(r, c) ? std::nullopt : std::optional(rows.int64(r, c)); };
    const auto text = [&](int c) {
        return rows.null(r, c) ? std::nullopt : std::optional(std::string(rows.text(r, c)));
    };
    DeviceHealth d;
    d.device_id = rows.text(r, 0);
    d.role = role_from_string(rows.text(r, 1)).value_or(Role::display);
    d.enrolled_ms = rows.int64(r, 2);
    d.last_seen_ms = number(3);
    d.clock_offset_ms = number(4);
    d.report = HealthReport{number(5), text(7), number(8), number(9), number(10), number(11), text(12)};
    d.revoked_ms = number(6);
    d.outbox_stuck_since_ms = number(13);
    return d;
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

PgDeviceRegistry::PgDeviceRegistry(std::string url, std::string office_id)
    : url_(std::move(url)),
      office_id_(std::move(office_id)),
      revoked_(std::make_shared<const std::set<std::string>>()) {}

PgDeviceRegistry::~PgDeviceRegistry() = default;

StoreResult<std::unique_ptr<PgDeviceRegistry>> PgDeviceRegistry::open(const std::string& url,
                                                                      const std::string& office_id) {
    if (auto ready = ready_for_office(office_id); !ready) return ready.error();
    std::unique_ptr<PgDeviceRegistry> registry(new PgDeviceRegistry(url, office_id));
    auto ready = registry->use<Done>(registry->writes_, [&](Connection& db) -> PgResult<Done> {
        if (auto migrated = migrate(db); !migrated) return migrated.error();
        if (auto made = ensure_office(db, office_id, wall_clock_ms()); !made) return made.error();
        return Done{};
    });
    if (!ready) return ready.error();
    // Opened now, so a database that cannot be read is said at start, not at the first request.
    auto reading = registry->use<Done>(registry->reads_, [](Connection&) -> PgResult<Done> { return Done{}; });
    if (!reading) return reading.error();
    return registry;
}

template <class T, class Work>
StoreResult<T> PgDeviceRegistry::use(Link& link, Work&& work) {
    std::lock_guard lock(link.mutex);
    if (!link.db) {
        auto opened = Connection::open(url_, connect_timeout_s);
        if (!opened) return store_error_of(opened.error());
        link.db = std::move(opened).value();
    }
    PgResult<T> done = work(*link.db);
    if (!done) {
        if (done.error().connection_lost) link.db.reset();  // the next call opens a new one
        return store_error_of(done.error());
    }
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
    unknown_.erase(hash_hex(tried->enrolment->token));
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

StoreResult<Admission> PgDeviceRegistry::authenticate(const std::string& token) {
    const std::string hash = hash_hex(token);
    const std::int64_t now = steady_ms();
    {
        std::lock_guard lock(memory_);
        if (const auto unknown = unknown_.find(hash); unknown != unknown_.end() && unknown->second > now)
            return Admission{std::nullopt, unknown_refusal};
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
    std::unique_lock link(writes_.mutex, std::try_to_lock);
    if (!link.owns_lock() || !writes_.db) return;  // busy, or lost (a call that may wait opens it): later
    const HealthReport& r = to_save.report;
    // Never over newer health: another hub the device talked to since may have written it.
    auto saved = writes_.db->run(
        "UPDATE devices SET last_seen_ms = $3, clock_offset_ms = coalesce($4, clock_offset_ms),"
        " outbox_depth = coalesce($5, outbox_depth), program_version = coalesce($6, program_version),"
        " uptime_s = coalesce($7, uptime_s), last_sync_ms = coalesce($8, last_sync_ms),"
        " dead_letters = coalesce($9, dead_letters), disk_free_bytes = coalesce($10, disk_free_bytes),"
        " printer = coalesce($11, printer), outbox_stuck_since_ms = $12"
        " WHERE device_id = $1 AND office_id = $2 AND (last_seen_ms IS NULL OR last_seen_ms <= $3)",
        {device_id, office_id_, number(to_save.last_seen_ms), number(to_save.clock_offset_ms), number(r.outbox_depth),
         r.program_version, number(r.uptime_s), number(r.last_sync_ms), number(r.dead_letters),
         number(r.disk_free_bytes), r.printer, number(to_save.outbox_stuck_since_ms)});
    if (!saved) {
        // Health bookkeeping only: a failure here must not fail the request; a later one tries again.
        if (saved.error().connection_lost) writes_.db.reset();
        return;
    }
    link.unlock();
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
        auto changed =
            db.run("UPDATE devices SET revoked_ms = coalesce(revoked_ms, $3) WHERE device_id = $1 AND office_id = $2",
                   {device_id, office_id_, number(now_ms)});
        if (!changed) return changed.error();
        return changed->affected() > 0;
    });
    if (found && *found) {
        std::lock_guard lock(memory_);
        change_revoked(device_id, true);
    }
    return found;
}

}  // namespace skranke::hub::pg
