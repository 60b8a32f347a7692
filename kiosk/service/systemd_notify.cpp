#include "service/systemd_notify.hpp"

#include <cstdint>
#include <string>

#include <systemd/sd-daemon.h>

namespace skranke::service {

namespace {

void send(const std::string& state) { sd_notify(0, state.c_str()); }

// STATUS= is one line; a line break would end the assignment early.
std::string one_line(std::string_view text) {
    std::string line(text);
    for (char& c : line)
        if (c == '\n' || c == '\r') c = ' ';
    return line;
}

}  // namespace

void notify_ready(std::string_view status) { send("READY=1\nSTATUS=" + one_line(status)); }

void notify_status(std::string_view status) { send("STATUS=" + one_line(status)); }

void notify_stopping() { send("STOPPING=1"); }

std::optional<std::chrono::milliseconds> watchdog_interval() {
    std::uint64_t usec = 0;
    // WATCHDOG_PID, when set, must be this process: a unit whose main process is a launcher
    // (xinit for the kiosk session) unsets it for the program that pings (NotifyAccess=all).
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::microseconds(usec));
}

void ping_watchdog() { send("WATCHDOG=1"); }

}  // namespace skranke::service
