// skranke-hub's HTTP(S) front: routes of sync/PROTOCOL.md over a HubStore, the long-poll
// wake-up, and the retention sweep. Runs in-process (tests) or from sync/hub/main.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "hub/hub_store.hpp"
#include "hub/office_config.hpp"

namespace skranke::hub {

// Largest body of any request but a push (enrolment, staff sign-in: a few hundred bytes).
inline constexpr std::size_t small_body_bytes = 16 * 1024;

struct HubOptions {
    std::string host = "127.0.0.1";
    int port = 0;                             // 0: any free port (see Hub::port)
    std::filesystem::path data_dir;           // hub.db lives here (one hub a folder)
    std::string database_url;                 // set: the office's data is in this office database instead
    std::string office_id;                    // the office there (with database_url); several: comma-separated
    std::filesystem::path cert_file;          // both set: HTTPS; neither: HTTP on loopback only
    std::filesystem::path key_file;
    std::filesystem::path services_file;      // served by /v1/config; empty: none
    std::filesystem::path office_file;        // opening hours, phone, texts (hub/office_config.hpp); empty: none
    std::int64_t config_check_ms = 2000;      // how often both files are looked at for changes
    std::int64_t retention_ms = 30LL * 24 * 3600 * 1000;  // personal fields kept this long
    std::int64_t retention_sweep_ms = 3600 * 1000;         // how often the sweep runs
    std::int64_t max_wait_ms = 25000;         // longest long-poll
    std::int64_t follow_wait_ms = 5000;       // how long a push waits for the one it follows
    std::size_t max_body_bytes = protocol::max_body_bytes;  // a push; every other request: small_body_bytes
    int threads = 2048;                       // connections open at once (one address: half), a thread each
    std::int64_t head_timeout_ms = 10000;     // a request's line and headers must arrive whole within this
    std::int64_t idle_timeout_ms = 5000;      // keep-alive: an idle connection is closed after this
    std::filesystem::path translations_dir;   // the status page's texts; empty: <assets>/translations
    int status_requests_per_minute = 60;      // GET /status/<token>, per client address
};

// Where the options say the hub's data is (as one office_id, for the commands that name one).
HubData hub_data_of(const HubOptions& options);
// Each office the hub serves: hub.db's, or each office of office_id in the office database.
std::vector<HubData> offices_of(const HubOptions& options);

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
    // Looks at services.toml and the office file now, as the hub does every config_check_ms.
    OfficeConfig::Reload reload_office_config();

    struct Impl;

private:
    explicit Hub(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

bool is_loopback_host(const std::string& host);

}  // namespace skranke::hub
