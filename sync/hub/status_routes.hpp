// GET /status/<token>: the page a visitor opens from the QR code on the paper ticket
// (hub/status_page.hpp). Public: no device token; a reverse proxy may serve it on the office's
// public address (docs/hub.md, "The status page"). Every token that opens nothing (unknown,
// malformed, from an earlier office day, another office's) gets the same 404 page. Requests
// are limited per client address; the token is never logged.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <httplib.h>

#include "domain/result.hpp"
#include "hub/hub_store.hpp"
#include "hub/status_page.hpp"

namespace skranke::hub {

// At most `limit` requests per client address in each minute; memory bounded whatever the
// number of addresses.
class RequestLimiter {
public:
    explicit RequestLimiter(int limit, std::int64_t window_ms = 60'000) : limit_(limit), window_ms_(window_ms) {}
    // Nothing: allowed (and counted). Else the milliseconds until this address may ask again.
    std::optional<std::int64_t> refuse(const std::string& address, std::int64_t now_ms);
    static constexpr std::size_t max_addresses = 65536;

private:
    struct Window {
        std::int64_t start_ms = 0;
        int count = 0;
    };
    int limit_;
    std::int64_t window_ms_;
    std::mutex mutex_;
    std::map<std::string, Window> windows_;
};

// The address a request counts against: the peer's, or, when the peer is a reverse proxy on
// this machine (loopback), the last address it added to X-Forwarded-For.
std::string client_address(const httplib::Request& req);

class StatusRoutes {
public:
    // Reads the page's texts from translations_dir (assets/translations). logs: each office the
    // hub serves; a token opens the ticket of whichever office has it.
    static Result<std::unique_ptr<StatusRoutes>, std::string> create(std::vector<HubStore*> logs,
                                                                     const std::filesystem::path& translations_dir,
                                                                     int requests_per_minute);
    void add_to(httplib::Server& server);

private:
    StatusRoutes(std::vector<HubStore*> logs, StatusTexts texts, int requests_per_minute)
        : logs_(std::move(logs)), figures_(logs_.size()), texts_(std::move(texts)), limiter_(requests_per_minute) {}
    void serve(const httplib::Request& req, httplib::Response& res);
    // Recent service durations and counters calling, for the wait estimate.
    struct WaitFigures {
        std::vector<std::int64_t> recent_service_ms;
        int open_counters = 0;
    };
    // One office's figures, as last read from its log.
    struct KeptFigures {
        WaitFigures figures;
        std::int64_t read_ms = 0;
        std::int64_t seq = -1;
    };
    WaitFigures wait_figures(std::size_t office, std::int64_t now_ms);

    std::vector<HubStore*> logs_;
    std::vector<KeptFigures> figures_;  // one per log
    StatusTexts texts_;
    RequestLimiter limiter_;
    std::mutex figures_mutex_;  // one reading of a day's log at a time; the rest use its result
};

}  // namespace skranke::hub
