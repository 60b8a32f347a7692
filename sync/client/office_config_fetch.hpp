// The office's configuration on a device (sync/PROTOCOL.md section 11). Every log reply
// names the hub's configuration version; when it is not the one this device holds, the
// sync engine fetches GET /v1/config beside its other calls, checks that the service
// catalogue and the office file read with the same readers the hub used (and hash to the
// version), stores them in the device's store in one transaction and tells the app. The
// device then works with them offline, across restarts, until the hub has another.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/hub_client.hpp"
#include "store/store.hpp"

namespace skranke::sync {

class OfficeConfigFetch {
public:
    // held: the version the device's store holds (empty: none yet).
    OfficeConfigFetch(Store& store, std::string held, std::function<void()> stored)
        : store_(store), held_(std::move(held)), stored_(std::move(stored)) {}

    // What the next log read says it holds (config_version=): the hub then answers at once
    // when its own is another. The version last refused counts as held, so a broken
    // configuration is not fetched again and again; while a failed fetch waits out its
    // backoff nothing is said, and the log read waits as usual.
    std::optional<std::string> version_to_send(std::int64_t now_steady_ms) const;
    // The hub's version, from a log reply: starts the fetch on multi when it is needed.
    void hub_has(const std::string& version, CURLM* multi, const Connection& connection,
                 const std::vector<std::string>& headers, std::int64_t now_steady_ms);
    bool owns(CURL* easy) { return in_flight_ && easy == call_.handle(); }
    // The fetch's transfer ended with code (the handle is already out of multi).
    void finished(CURLcode code, std::int64_t now_steady_ms, std::int64_t device_now_ms);
    // The engine stops: a fetch on its way is dropped (it is made again after a restart).
    void cancel(CURLM* multi);

private:
    // Checks and stores a /v1/config reply; an error for IT's log when it cannot be used.
    std::optional<std::string> take(const std::string& body, std::int64_t device_now_ms);

    Store& store_;
    std::string held_;
    std::string refused_;  // a version whose content did not read: not fetched again
    std::function<void()> stored_;
    HttpCall call_;
    bool in_flight_ = false;
    int failures_ = 0;
    std::int64_t not_before_ = 0;  // steady clock: after a failed fetch
};

}  // namespace skranke::sync
