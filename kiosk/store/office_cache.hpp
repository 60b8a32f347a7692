// The office's configuration as a device last received it from the hub (GET /v1/config):
// the service catalogue's and the office file's texts under the hub's version, one row
// written whole. The kiosk reads it at start and whenever the sync engine stores a new
// one, so it keeps the office's settings with the hub away (sync/PROTOCOL.md section 9).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/store.hpp"

namespace skranke {

struct CachedOfficeConfig {
    std::string version;           // office_config_version of the two texts
    std::string services_toml;     // empty: the hub serves no catalogue (the kiosk keeps its own)
    std::string office_toml;       // empty: the hub has no office file (the kiosk keeps its own)
    std::int64_t received_ms = 0;  // device clock
};

// Replaces the cached configuration (one statement, so one transaction).
StoreResult<Done> save_office_config(Store& store, const CachedOfficeConfig& config);
// Nothing until the device has received one.
StoreResult<std::optional<CachedOfficeConfig>> cached_office_config(Store& store);

}  // namespace skranke
