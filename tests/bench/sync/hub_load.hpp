// hub_load: the real skranke-hub process under many long-polling devices while events
// arrive at a steady rate.
#pragma once

#include <filesystem>
#include <vector>

namespace skranke::bench {

struct HubLoad {
    std::vector<double> delivery_ms;  // push sent -> each subscriber has the event
    int errors = 0;                   // failed or refused calls, pushes and polls
    double peak_rss_mb = 0;           // the hub process's VmHWM
};

HubLoad run_hub_load(const std::filesystem::path& dir, int devices, int events_per_s, int seconds);

}  // namespace skranke::bench
