// skranke-hub's HTTP(S) front: routes of sync/PROTOCOL.md over a HubStore, the long-poll
// wake-up, and the retention sweep. Runs in-process (tests) or from sync/hub/main.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "hub/hub_store.hpp"

namespace skranke::hub {

struct HubOptions {
    std::string host = "127.0.0.1";
    int port = 0;                             // 0: any free port (see Hub::port)
    std::filesystem::path data_dir;           // hub.db lives here
    std::filesystem::path cert_file;          // both set: HTTPS; neither: HTTP on loopback only
    std::filesystem::path key_file;
    std::filesystem::path services_file;      // served by /v1/config; empty: none
    std::int64_t retention_ms = 30LL * 24 * 3600 * 1000;  // personal fields kept this long
    std::int64_t retention_sweep_ms = 3600 * 1000;         // how often the sweep runs
    std::int64_t max_wait_ms = 25000;         // longest long-poll
    std::int64_t follow_wait_ms = 5000;       // how long a push waits for the one it follows
    std::size_t max_body_bytes = protocol::max_body_bytes;
    int threads = 256;                        // one per open connection (long-polls hold one)
};

class Hub {
public:
    // Opens the store, binds and starts serving on a background thread.
    static Result<std::unique_ptr<Hub>, std::string> start(const HubOptions& options);
    ~Hub();  // stops serving and wakes every long-poll
    Hub(const Hub&) = delete;
    Hub& operator=(const Hub&) = delete;

    int port() const;
    bool tls() const;
    HubStore& store();
    // Runs the retention sweep now with the given clock (tests use a future time).
    StoreResult<std::int64_t> sweep_retention(std::int64_t now_ms);

    struct Impl;

private:
    explicit Hub(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

bool is_loopback_host(const std::string& host);

}  // namespace skranke::hub
