// Telling systemd how a long-running Skranke program is doing (sd_notify): READY=1 once it
// serves, WATCHDOG=1 while its own loop still turns, STOPPING=1 on the way out. Outside
// systemd (no NOTIFY_SOCKET) every call does nothing, so programs call these unconditionally.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace skranke::service {

// READY=1 with a one-line status for `systemctl status`.
void notify_ready(std::string_view status);
// STATUS= only: what the program is doing now (no personal data).
void notify_status(std::string_view status);
void notify_stopping();

// The watchdog interval the unit asks for (WatchdogSec=), when it asks; the program must
// call ping_watchdog at least this often, from the loop whose progress it vouches for.
std::optional<std::chrono::milliseconds> watchdog_interval();
void ping_watchdog();

}  // namespace skranke::service
