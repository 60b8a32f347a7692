// Which devices IT should look at, by one rule for skranke-hub devices and GET /v1/devices
// (docs/hub.md, "Device health"):
//   SILENT        no request for more than N minutes (never any: since its enrolment);
//   NOT DRAINING  in touch, its outbox holds events, and for more than N minutes either that
//                 number has not gone down or no push or log read of it has got through.
// Revoked devices are not expected to call, so they are never flagged.
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "hub/device_registry.hpp"

namespace skranke::hub {

inline constexpr std::int64_t default_silent_minutes = 10;
inline constexpr std::int64_t max_silent_minutes = 7 * 24 * 60;  // a week

struct FleetFlags {
    std::int64_t silent_for_ms = 0;  // since its last request (or enrolment), 0 or more
    bool silent = false;
    bool not_draining = false;
};

// silent_minutes: 1 to max_silent_minutes (clamped).
FleetFlags fleet_flags(const DeviceHealth& device, std::int64_t now_ms, std::int64_t silent_minutes);

// One device in GET /v1/devices: everything for IT (admin), or for reception only its id,
// role, last contact and whether (and how long) it is silent.
nlohmann::json device_health_json(const DeviceHealth& device, const FleetFlags& flags, bool full);

}  // namespace skranke::hub
