#include "hub/device_registry.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>

#include "store/sqlite_util.hpp"

namespace skranke::hub {

using protocol::Role;
using protocol::role_from_string;

namespace registry {

std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string random_code() {
    // No 0/o, 1/l/i: read aloud or typed on a kiosk's on-screen keyboard without mistakes.
    static constexpr char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
    std::string code;
    for (int i = 0; i < 12; ++i) code += alphabet[randombytes_uniform(sizeof alphabet - 1)];
    return code;
}

// One request's word on top of what was known: what it says replaces, what it leaves out
// stays. The outbox counts as stuck from the report where it held events and had not gone
// down, until a report where it went down (from then) or was empty.
void take_contact(DeviceHealth& known, const Contact& contact) {
    known.last_seen_ms = std::max(known.last_seen_ms.value_or(contact.hub_now_ms), contact.hub_now_ms);
    if (contact.clock_offset_ms) known.clock_offset_ms = contact.clock_offset_ms;
    const HealthReport& said = contact.report;
    HealthReport& report = known.report;
    if (const auto depth = said.outbox_depth) {
        if (*depth == 0) known.outbox_stuck_since_ms.reset();
        else if (!known.outbox_stuck_since_ms || !report.outbox_depth || *depth < *report.outbox_depth)
            known.outbox_stuck_since_ms = contact.hub_now_ms;
        report.outbox_depth = depth;
    }
    const auto take = [](auto& value, const auto& told) {
        if (told) value = told;
    };
    take(report.program_version, said.program_version);
    take(report.uptime_s, said.uptime_s);
    take(report.last_sync_ms, said.last_sync_ms);
    take(report.dead_letters, said.dead_letters);
    take(report.disk_free_bytes, said.disk_free_bytes);
    take(report.printer, said.printer);
}

}  // namespace registry

using namespace registry;

namespace {


DeviceHealth health_of(const sql::Statement& q) {
    return health_from(
        [&](int column) { return q.is_null(column) ? std::nullopt : std::optional(q.int64(column)); },
        [&](int column) { return q.is_null(column) ? std::nullopt : std::optional(q.text(column)); });
}

void bind_text(sql::Statement& q, int index, const std::optional<std::string>& text) {
    if (text) q.bind(index, *text);
    else q.bind_null(index);
}

}  // namespace

struct DeviceRegistry::Statements {
    sql::Statement note_contact;
};

struct DeviceRegistry::ReadStatements {
    sql::Statement find_token;
    sql::Statement data_version;
    sql::Statement revoked;
    sql::Statement list;
    sql::Statement one;
};

StoreResult<std::unique_ptr<DeviceRegistry>> DeviceRegistry::open(HubWriter& writer, Connection reader) {
    std::unique_ptr<DeviceRegistry> registry(new DeviceRegistry(writer, std::move(reader)));
    auto prepared = writer.run([&](sqlite3* db) -> StoreResult<Done> {
        auto s = std::make_unique<Statements>();
        s->note_contact = sql::Statement(db,
            "UPDATE devices SET last_seen_ms = ?2, clock_offset_ms = coalesce(?3, clock_offset_ms),"
            " outbox_depth = coalesce(?4, outbox_depth), program_version = coalesce(?5, program_version),"
            " uptime_s = coalesce(?6, uptime_s), last_sync_ms = coalesce(?7, last_sync_ms),"
            " dead_letters = coalesce(?8, dead_letters), disk_free_bytes = coalesce(?9, disk_free_bytes),"
            " printer = coalesce(?10, printer), outbox_stuck_since_ms = ?11 WHERE device_id = ?1");
        if (!s->note_contact.valid()) return sql::error_from(db, s->note_contact.prepare_code(), "prepare registry");
        registry->statements_ = std::move(s);
        return Done{};
    });
    if (!prepared) return prepared.error();
    sqlite3* db = registry->reader_.get();
    auto r = std::make_unique<ReadStatements>();
    r->find_token = sql::Statement(db, "SELECT device_id, role, revoked_ms FROM devices WHERE token_hash = ?1");
    r->data_version = sql::Statement(db, "PRAGMA data_version");
    r->revoked = sql::Statement(db, "SELECT device_id FROM devices WHERE revoked_ms IS NOT NULL");
    r->list = sql::Statement(db, std::string("SELECT ") + health_columns + " FROM devices ORDER BY device_id");
    r->one = sql::Statement(db, std::string("SELECT ") + health_columns + " FROM devices WHERE device_id = ?1");
    for (sql::Statement* st : {&r->find_token, &r->data_version, &r->revoked, &r->list, &r->one})
        if (!st->valid()) return sql::error_from(db, st->prepare_code(), "prepare registry reads");
    registry->reads_ = std::move(r);
    std::lock_guard lock(registry->mutex_);
    if (auto noticed = registry->notice_revocations(); !noticed) return noticed.error();
    return registry;
}

DeviceRegistry::DeviceRegistry(HubWriter& writer, Connection reader)
    : writer_(writer), reader_(std::move(reader)), revoked_(std::make_shared<const std::set<std::string>>()) {}

DeviceRegistry::~DeviceRegistry() = default;

// Reads the revoked devices again when anyone (this hub's writer, skranke-hub
// device-revoke) has written the file since the last look. Under mutex_.
StoreResult<Done> DeviceRegistry::notice_revocations() {
    sql::Statement& version = reads_->data_version;
    int c = version.step();
    const std::int64_t now = c == SQLITE_ROW ? version.int64(0) : 0;
    version.reset();
    if (c != SQLITE_ROW) return sql::error_from(reader_.get(), c, "check for revocations");
    if (now == data_version_) return Done{};
    std::set<std::string> revoked;
    sql::Statement& q = reads_->revoked;
    while ((c = q.step()) == SQLITE_ROW) revoked.insert(q.text(0));
    q.reset();
    if (c != SQLITE_DONE) return sql::error_from(reader_.get(), c, "read revocations");
    change_revoked([&](std::set<std::string>& ids) { ids = std::move(revoked); });
    data_version_ = now;
    return Done{};
}

void DeviceRegistry::forget_unknown_expired(std::int64_t now_ms) {
    if (unknown_.size() < unknown_token_capacity) return;
    std::erase_if(unknown_, [&](const auto& entry) { return entry.second <= now_ms; });
    if (unknown_.size() >= unknown_token_capacity) unknown_.clear();  // a flood of new ones: start again
}

StoreResult<std::string> DeviceRegistry::create_enrol_code(Role role, std::int64_t now_ms, std::int64_t valid_ms) {
    const std::string code = random_code();
    return writer_.run([&](sqlite3* db) -> StoreResult<std::string> {
        sql::Statement insert(db, "INSERT INTO enrol_codes (code_hash, role, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4)");
        insert.bind(1, hash_hex(code)).bind(2, protocol::to_string(role)).bind(3, now_ms).bind(4, now_ms + valid_ms);
        if (int c = insert.step(); c != SQLITE_DONE) return sql::error_from(db, c, "store enrolment code");
        return code;
    });
}

StoreResult<std::optional<Enrolment>> DeviceRegistry::enrol(const std::string& code, const std::string& device_id,
                                                            std::int64_t now_ms) {
    auto enrolled = writer_.run([&](sqlite3* db) -> StoreResult<std::optional<Enrolment>> {
        sql::WriteTransaction tx(db);
        if (tx.begin_code() != SQLITE_OK) return sql::error_from(db, tx.begin_code(), "begin enrolment");
        sql::Statement use(db,
            "UPDATE enrol_codes SET used_ms = ?2, used_by = ?3 WHERE code_hash = ?1 AND used_ms IS NULL"
            " AND expires_ms > ?2 RETURNING role");
        use.bind(1, hash_hex(code)).bind(2, now_ms).bind(3, device_id);
        int c = use.step();
        if (c == SQLITE_DONE) return std::optional<Enrolment>();
        if (c != SQLITE_ROW) return sql::error_from(db, c, "use enrolment code");
        Enrolment enrolment{device_id, role_from_string(use.text(0)).value_or(Role::display), random_token()};
        if (c = use.step(); c != SQLITE_DONE) return sql::error_from(db, c, "use enrolment code");
        // Enrolling again (a replaced PC keeping its id, a revoked one let in again) replaces the old token.
        sql::Statement device(db,
            "INSERT INTO devices (device_id, role, token_hash, enrolled_ms) VALUES (?1, ?2, ?3, ?4)"
            " ON CONFLICT (device_id) DO UPDATE SET role = ?2, token_hash = ?3, enrolled_ms = ?4, revoked_ms = NULL");
        device.bind(1, device_id).bind(2, protocol::to_string(enrolment.role)).bind(3, hash_hex(enrolment.token)).bind(4, now_ms);
        if (c = device.step(); c != SQLITE_DONE) return sql::error_from(db, c, "store device");
        if (c = tx.commit(); c != SQLITE_OK) return sql::error_from(db, c, "commit enrolment");
        return std::optional<Enrolment>(std::move(enrolment));
    });
    if (!enrolled || !*enrolled) return enrolled;
    // After the commit: a token check that read the file before it is forgotten here, and
    // one after it finds only the new token.
    std::lock_guard lock(mutex_);
    std::erase_if(known_, [&](const auto& entry) { return entry.second.device_id == device_id; });
    unknown_.erase(hash_hex((*enrolled)->token));
    change_revoked([&](std::set<std::string>& ids) { ids.erase(device_id); });
    return enrolled;
}

StoreResult<std::optional<Role>> DeviceRegistry::role_of_code(const std::string& code, std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    sql::Statement q(reader_.get(), "SELECT role FROM enrol_codes WHERE code_hash = ?1 AND used_ms IS NULL AND expires_ms > ?2");
    q.bind(1, hash_hex(code)).bind(2, now_ms);
    const int c = q.step();
    if (c == SQLITE_DONE) return std::optional<Role>();
    if (c != SQLITE_ROW) return sql::error_from(reader_.get(), c, "look up enrolment code");
    return role_from_string(q.text(0));
}

StoreResult<Admission> DeviceRegistry::authenticate(const std::string& token) {
    const std::string hash = hash_hex(token);
    const std::uint64_t looks_before = looks_.load();
    std::lock_guard lock(mutex_);
    // A look begun after this request came sees every revocation written before it; it costs
    // a few system calls, so hundreds of long-polls woken at once share one.
    if (looks_.load() == looks_before || !last_look_ok_) {
        looks_.fetch_add(1);
        last_look_ok_ = false;
        if (auto noticed = notice_revocations(); !noticed) return noticed.error();
        last_look_ok_ = true;
    }
    std::optional<AuthDevice> device;
    if (const auto it = known_.find(hash); it != known_.end()) {
        device = it->second;
    } else {
        const std::int64_t now = steady_ms();
        if (const auto unknown = unknown_.find(hash); unknown != unknown_.end() && unknown->second > now)
            return Admission{std::nullopt, unknown_refusal};
        sql::Statement& q = reads_->find_token;
        q.bind(1, hash);
        int c = q.step();
        if (c == SQLITE_ROW) {
            device = AuthDevice{q.text(0), role_from_string(q.text(1)).value_or(Role::display)};
            if (!q.is_null(2))  // newer than the last look
                change_revoked([&](std::set<std::string>& ids) { ids.insert(device->device_id); });
            c = SQLITE_DONE;
        }
        q.reset();
        if (c != SQLITE_DONE) return sql::error_from(reader_.get(), c, "check token");
        if (!device) {
            forget_unknown_expired(now);
            unknown_[hash] = now + unknown_token_ms;
            return Admission{std::nullopt, unknown_refusal};
        }
        known_.emplace(hash, *device);
    }
    if (refusal_of(device->device_id)) return Admission{std::nullopt, revoked_refusal};
    return Admission{std::move(device), ""};
}

std::optional<std::string> DeviceRegistry::refusal_of(const std::string& device_id) const {
    if (any_revoked_.load() && revoked_.load()->count(device_id) != 0) return std::string(revoked_refusal);
    return std::nullopt;
}

void DeviceRegistry::change_revoked(const std::function<void(std::set<std::string>&)>& change) {
    auto ids = std::make_shared<std::set<std::string>>(*revoked_.load());
    change(*ids);
    any_revoked_.store(!ids->empty());
    revoked_.store(std::move(ids));
}

void DeviceRegistry::note_contact(const std::string& device_id, const Contact& contact) {
    DeviceHealth to_save;
    {
        std::lock_guard lock(mutex_);
        auto known = contacts_.find(device_id);
        if (known == contacts_.end()) known = contacts_.emplace(device_id, saved_health(device_id)).first;
        take_contact(known->second, contact);
        if (contact.hub_now_ms - contact_saved_ms_[device_id] < contact_save_ms) return;
        to_save = known->second;
    }
    const HealthReport& r = to_save.report;
    const bool saved = writer_.try_run([&](sqlite3*) {
        sql::Statement& q = statements_->note_contact;
        q.bind(1, device_id).bind(2, to_save.last_seen_ms).bind(3, to_save.clock_offset_ms).bind(4, r.outbox_depth);
        bind_text(q, 5, r.program_version);
        q.bind(6, r.uptime_s).bind(7, r.last_sync_ms).bind(8, r.dead_letters).bind(9, r.disk_free_bytes);
        bind_text(q, 10, r.printer);
        q.bind(11, to_save.outbox_stuck_since_ms);
        q.step();  // health bookkeeping only: a failure here must not fail the request
        q.reset();
    });
    if (!saved) return;  // a write is running: a later request saves it
    std::lock_guard lock(mutex_);
    auto& saved_ms = contact_saved_ms_[device_id];
    saved_ms = std::max(saved_ms, to_save.last_seen_ms.value_or(0));
}

// The device's row as the file holds it (only its id when it cannot be read). Under mutex_.
DeviceHealth DeviceRegistry::saved_health(const std::string& device_id) {
    sql::Statement& q = reads_->one;
    q.bind(1, device_id);
    DeviceHealth health = q.step() == SQLITE_ROW ? health_of(q) : DeviceHealth{};
    q.reset();
    health.device_id = device_id;
    return health;
}

StoreResult<std::vector<DeviceHealth>> DeviceRegistry::devices() {
    std::lock_guard lock(mutex_);
    sql::Statement& q = reads_->list;
    std::vector<DeviceHealth> list;
    int c;
    while ((c = q.step()) == SQLITE_ROW) {
        DeviceHealth d = health_of(q);
        if (const auto it = contacts_.find(d.device_id); it != contacts_.end()) {  // newer than the file
            const DeviceHealth& known = it->second;
            d.last_seen_ms = known.last_seen_ms;
            d.clock_offset_ms = known.clock_offset_ms;
            d.report = known.report;
            d.outbox_stuck_since_ms = known.outbox_stuck_since_ms;
        }
        list.push_back(std::move(d));
    }
    q.reset();
    if (c != SQLITE_DONE) return sql::error_from(reader_.get(), c, "list devices");
    return list;
}

StoreResult<bool> DeviceRegistry::revoke(const std::string& device_id, std::int64_t now_ms) {
    auto found = writer_.run([&](sqlite3* db) -> StoreResult<bool> {
        sql::Statement q(db, "UPDATE devices SET revoked_ms = coalesce(revoked_ms, ?2) WHERE device_id = ?1");
        q.bind(1, device_id).bind(2, now_ms);
        if (int c = q.step(); c != SQLITE_DONE) return sql::error_from(db, c, "revoke device");
        return sqlite3_changes(db) > 0;
    });
    if (found && *found) {
        std::lock_guard lock(mutex_);
        change_revoked([&](std::set<std::string>& ids) { ids.insert(device_id); });
    }
    return found;
}

}  // namespace skranke::hub
