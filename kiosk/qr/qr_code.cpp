#include "qr/qr_code.hpp"

#include <memory>
#include <string>

#include <qrencode.h>

namespace skranke::qr {

std::optional<QrCode> encode(std::string_view text) {
    const std::string input(text);
    const std::unique_ptr<QRcode, void (*)(QRcode*)> code(QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M),
                                                          QRcode_free);
    if (!code) return std::nullopt;
    QrCode out;
    out.size = code->width + 2 * quiet_modules;
    out.dark.assign(static_cast<std::size_t>(out.size * out.size), false);
    for (int y = 0; y < code->width; ++y)
        for (int x = 0; x < code->width; ++x)
            out.dark[static_cast<std::size_t>((y + quiet_modules) * out.size + x + quiet_modules)] =
                (code->data[y * code->width + x] & 1) != 0;
    return out;
}

}  // namespace skranke::qr
