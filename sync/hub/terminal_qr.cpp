#include "hub/terminal_qr.hpp"

#include <memory>
#include <vector>

#include <qrencode.h>

namespace skranke::hub {

std::string terminal_qr(std::string_view text) {
    const std::string input(text);
    const std::unique_ptr<QRcode, void (*)(QRcode*)> code(
        QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
    if (!code) return {};
    constexpr int quiet = 4;  // modules of light around the code
    const int size = code->width + 2 * quiet;
    const auto light = [&](int x, int y) {
        x -= quiet;
        y -= quiet;
        if (x < 0 || y < 0 || x >= code->width || y >= code->width) return true;
        return (code->data[y * code->width + x] & 1) == 0;
    };
    std::string out;
    for (int y = 0; y < size; y += 2) {
        for (int x = 0; x < size; ++x) {
            const bool top = light(x, y), bottom = y + 1 < size ? light(x, y + 1) : true;
            out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
        }
        out += '\n';
    }
    return out;
}

}  // namespace skranke::hub
