// skranke-hub's main loop under systemd: READY=1 once it serves, then until a stop signal
// WATCHDOG=1 each half watchdog interval, but only after the hub answered its own health
// request through its listening socket (a hub that stopped accepting or answering is
// restarted by systemd, not kept alive by a loop that merely still runs).
#pragma once

#include <chrono>
#include <csignal>
#include <string>

namespace skranke::hub {

// Whether GET /v1/health at host:port answers 200 within the timeout (TLS when tls: the
// hub's own certificate is not checked, it is the hub asking itself).
bool answers_health(const std::string& host, int port, bool tls, std::chrono::milliseconds timeout);

// Blocks until one of stop_signals arrives (they must be blocked in every thread) and
// returns it; meanwhile notifies systemd as above. status: the one-line READY status.
int serve_until_signal(const std::string& host, int port, bool tls, const sigset_t& stop_signals,
                       const std::string& status);

}  // namespace skranke::hub
