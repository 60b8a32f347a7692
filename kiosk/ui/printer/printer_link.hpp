// How the kiosk reaches its printer: a network printer (raw TCP, usually port 9100), a USB
// printer-class device (/dev/usb/lp0), or a CUPS queue that passes bytes on raw. Each
// print first asks the printer's state where the connection can (not through CUPS).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "printer/escpos.hpp"

namespace skranke::printer {

struct PrinterSettings {
    enum class Connection { none, network, device, cups };
    Connection connection = Connection::none;
    std::string address = "127.0.0.1:9100";  // network: host:port
    std::string device = "/dev/usb/lp0";     // device
    std::string queue;                       // cups: a raw queue's name
    std::string lp_program = "lp";           // cups: the program that queues a job
    int timeout_ms = 3000;                   // to connect, to send a ticket, and per status answer
};

struct PrintOutcome {
    bool printed = false;
    std::optional<PrinterState> state;  // nothing: the connection cannot tell
    std::string error;                  // for IT's log: no ticket content
};

class PrinterLink {
public:
    virtual ~PrinterLink() = default;
    // The printer's state now; nothing when the connection cannot tell (CUPS).
    virtual std::optional<PrinterState> check() = 0;
    // Sends one ticket's commands if the printer can print.
    virtual PrintOutcome print(std::string_view commands) = 0;
};

// The link for settings; null for Connection::none.
std::unique_ptr<PrinterLink> open_link(const PrinterSettings& settings);

}  // namespace skranke::printer
