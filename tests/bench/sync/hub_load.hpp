// hub_load: the real skranke-hub process under many long-polling devices while events
// arrive at a steady rate, and beside idle sockets.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace skranke {
class ServiceCatalogue;
}

namespace skranke::bench {

struct HubLoad {
    std::vector<double> delivery_ms;  // push sent -> each subscriber has the event
    int errors = 0;                   // failed or refused calls, pushes and polls
    double peak_rss_mb = 0;           // the hub process's VmHWM
};

HubLoad run_hub_load(const std::filesystem::path& dir, int devices, int events_per_s, int seconds);

struct HubScale {
    std::vector<double> push_ms;   // each push's round trip, sent to answered
    double rss_mb = 0;             // the hub's largest resident memory while it ran
    bool idle_sockets_ok = false;  // with 300 idle sockets open, a push and a read each answered within 1 s
    int errors = 0;                // failed or refused calls
};

// devices long-poll the log; pushers of them (kiosks) push events_per_s between them, one
// event a push; then 300 idle sockets open beside the long-polls. database_url set: hubs hub
// processes serve one office of that office database, and the devices are spread over them.
HubScale run_hub_scale(const std::filesystem::path& dir, int devices, int pushers, int events_per_s, int seconds,
                       const std::string& database_url = "", int hubs = 1);

// A kiosk's sync engine given two hubs of one office (database_url); rounds times, the hub it
// uses is SIGKILLed and a ticket issued at once: the seconds from the kill to that ticket
// stored in the office's log through the other hub, each round.
std::vector<double> run_pg_failover(const std::filesystem::path& dir, const std::string& database_url,
                                    const ServiceCatalogue& catalogue, int rounds);

}  // namespace skranke::bench
