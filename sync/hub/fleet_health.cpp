#include "hub/fleet_health.hpp"

#include <algorithm>

namespace skranke::hub {

namespace {

// How long ago `then` was, 0 or more; saturates instead of overflowing (a file may hold anything).
std::int64_t elapsed_ms(std::int64_t now_ms, std::int64_t then_ms) {
    std::int64_t since = 0;
    if (__builtin_sub_overflow(now_ms, then_ms, &since)) return then_ms < 0 ? INT64_MAX : 0;
    return std::max<std::int64_t>(since, 0);
}

}  // namespace

FleetFlags fleet_flags(const DeviceHealth& device, std::int64_t now_ms, std::int64_t silent_minutes) {
    const std::int64_t limit_ms = std::clamp<std::int64_t>(silent_minutes, 1, max_silent_minutes) * 60000;
    FleetFlags flags;
    flags.silent_for_ms = elapsed_ms(now_ms, device.last_seen_ms.value_or(device.enrolled_ms));
    if (device.revoked_ms) return flags;
    flags.silent = flags.silent_for_ms > limit_ms;
    const HealthReport& r = device.report;
    const bool holds_events = r.outbox_depth.value_or(0) > 0;
    const bool stuck = device.outbox_stuck_since_ms && elapsed_ms(now_ms, *device.outbox_stuck_since_ms) > limit_ms;
    const bool unsynced = r.last_sync_ms && elapsed_ms(now_ms, *r.last_sync_ms) > limit_ms;
    flags.not_draining = !flags.silent && holds_events && (stuck || unsynced);
    return flags;
}

nlohmann::json device_health_json(const DeviceHealth& d, const FleetFlags& flags, bool full) {
    using nlohmann::json;
    const auto opt = [](const auto& v) { return v ? json(*v) : json(); };
    // Reception sees who is silent and whose printer needs a hand; IT sees everything.
    json out = {{"device_id", d.device_id},      {"role", protocol::to_string(d.role)},
                {"last_seen_ms", opt(d.last_seen_ms)}, {"silent", flags.silent},
                {"silent_for_ms", flags.silent_for_ms}, {"printer", opt(d.report.printer)}};
    if (!full) return out;
    const HealthReport& r = d.report;
    out.update({{"enrolled_ms", d.enrolled_ms}, {"clock_offset_ms", opt(d.clock_offset_ms)},
                {"program_version", opt(r.program_version)}, {"uptime_s", opt(r.uptime_s)},
                {"outbox_depth", opt(r.outbox_depth)}, {"outbox_stuck_since_ms", opt(d.outbox_stuck_since_ms)},
                {"last_sync_ms", opt(r.last_sync_ms)}, {"dead_letters", opt(r.dead_letters)},
                {"disk_free_bytes", opt(r.disk_free_bytes)},
                {"revoked_ms", opt(d.revoked_ms)}, {"not_draining", flags.not_draining}});
    return out;
}

}  // namespace skranke::hub
