#include "printer/escpos.hpp"

#include <algorithm>

namespace skranke::printer {

namespace {

constexpr char esc = 0x1B, gs = 0x1D;
constexpr int band_rows = 256;
constexpr int feed_lines = 4;  // past the cutter, so the last line is not cut

// Every status byte has bit 1 and bit 4 set, bits 0 and 7 clear.
bool is_status_byte(std::uint8_t b) { return (b & 0x93) == 0x12; }

}  // namespace

std::string_view to_string(PrinterState state) {
    switch (state) {
        case PrinterState::ok: return "ok";
        case PrinterState::paper_low: return "paper_low";
        case PrinterState::paper_out: return "paper_out";
        case PrinterState::cover_open: return "cover_open";
        case PrinterState::offline: return "offline";
    }
    return "offline";
}

std::string ticket_commands(const Raster& raster) {
    const int row_bytes = (raster.width + 7) / 8;
    std::string out{esc, '@'};
    for (int top = 0; top < raster.height; top += band_rows) {
        const int rows = std::min(band_rows, raster.height - top);
        out += {gs, 'v', '0', 0, static_cast<char>(row_bytes & 0xFF), static_cast<char>(row_bytes >> 8),
                static_cast<char>(rows & 0xFF), static_cast<char>(rows >> 8)};
        for (int y = top; y < top + rows; ++y)
            for (int byte = 0; byte < row_bytes; ++byte) {
                unsigned bits = 0;
                for (int bit = 0; bit < 8; ++bit)
                    if (raster.dot(byte * 8 + bit, y)) bits |= 0x80u >> bit;
                out += static_cast<char>(bits);
            }
    }
    out += {esc, 'd', static_cast<char>(feed_lines)};
    out += {gs, 'V', 66, 0};
    return out;
}

std::optional<PrinterState> state_from_status(std::uint8_t printer, std::uint8_t offline_cause, std::uint8_t paper) {
    if (!is_status_byte(printer) || !is_status_byte(offline_cause) || !is_status_byte(paper)) return std::nullopt;
    if (offline_cause & 0x04) return PrinterState::cover_open;
    if ((paper & 0x60) || (offline_cause & 0x20)) return PrinterState::paper_out;
    if (printer & 0x08) return PrinterState::offline;
    if (paper & 0x0C) return PrinterState::paper_low;
    return PrinterState::ok;
}

std::optional<Raster> raster_of(std::string_view c) {
    Raster r;
    std::size_t i = 0;
    const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(c[at]); };
    while (i < c.size()) {
        if (c.compare(i, 2, "\x1B@") == 0) {
            i += 2;
        } else if (c.compare(i, 2, "\x1B" "d") == 0 && i + 2 < c.size()) {
            i += 3;
        } else if (c.compare(i, 3, "\x1DV\x42") == 0 && i + 3 < c.size()) {
            i += 4;
        } else if (c.compare(i, 4, std::string_view("\x1Dv0\0", 4)) == 0 && i + 7 < c.size()) {
            const int row_bytes = byte(i + 4) | byte(i + 5) << 8;
            const int rows = byte(i + 6) | byte(i + 7) << 8;
            i += 8;
            const std::size_t size = static_cast<std::size_t>(row_bytes) * static_cast<std::size_t>(rows);
            if (row_bytes == 0 || (r.width != 0 && r.width != row_bytes * 8) || c.size() - i < size) return std::nullopt;
            r.width = row_bytes * 8;
            for (int y = 0; y < rows; ++y)
                for (int x = 0; x < r.width; ++x)
                    r.dots.push_back((byte(i + static_cast<std::size_t>(y * row_bytes + x / 8)) >> (7 - x % 8)) & 1);
            r.height += rows;
            i += size;
        } else {
            return std::nullopt;
        }
    }
    return r;
}

}  // namespace skranke::printer
