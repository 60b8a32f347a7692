// A QR code's modules (libqrencode, error correction M), with the quiet zone scanners need
// around them: the hub draws enrolment codes in a terminal with it, the kiosk prints the
// status page's address on the paper ticket.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace skranke::qr {

inline constexpr int quiet_modules = 4;  // light modules on every side

struct QrCode {
    int size = 0;             // modules per side, quiet zone included
    std::vector<bool> dark;   // size * size, row by row

    bool dark_at(int x, int y) const {
        return x >= 0 && y >= 0 && x < size && y < size && dark[static_cast<std::size_t>(y * size + x)];
    }
};

// The QR code of text; nothing when the text does not fit in one.
std::optional<QrCode> encode(std::string_view text);

}  // namespace skranke::qr
