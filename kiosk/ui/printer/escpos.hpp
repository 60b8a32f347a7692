// ESC/POS, the command language of receipt printers: the ticket as a raster image (GS v 0,
// so no code page matters), paper feed and cut, and the real-time status queries (DLE EOT)
// that say whether the printer can print.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "printer/ticket_raster.hpp"

namespace skranke::printer {

enum class PrinterState { ok, paper_low, paper_out, cover_open, offline };

// The words of PROTOCOL.md's X-Skranke-Printer header: "ok", "paper_low", ...
std::string_view to_string(PrinterState state);
// Whether a ticket can be printed in this state (paper low still prints).
inline bool can_print(PrinterState state) { return state == PrinterState::ok || state == PrinterState::paper_low; }

// ESC @, the raster in bands of at most 256 rows, a feed past the cutter and a partial cut.
std::string ticket_commands(const Raster& raster);

// DLE EOT n: the three status queries a printer answers with one byte each, in this order:
// printer status (n=1), offline cause (n=2), paper roll sensor (n=4).
inline constexpr std::string_view status_queries[] = {"\x10\x04\x01", "\x10\x04\x02", "\x10\x04\x04"};

// The state the three answers tell; nothing when an answer is not a status byte (a printer
// that does not speak ESC/POS status, or noise).
std::optional<PrinterState> state_from_status(std::uint8_t printer, std::uint8_t offline_cause, std::uint8_t paper);

// What a printer would print of commands: the raster of every GS v 0 band, one under the
// other. Nothing when the bytes hold a command this encoder never sends, or a cut-off band.
// For tests and for looking at a ticket without paper (docs/printer.md).
std::optional<Raster> raster_of(std::string_view commands);

}  // namespace skranke::printer
