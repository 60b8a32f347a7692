#include "hub/terminal_qr.hpp"

#include "qr/qr_code.hpp"

namespace skranke::hub {

std::string terminal_qr(std::string_view text) {
    const auto code = qr::encode(text);
    if (!code) return {};
    std::string out;
    for (int y = 0; y < code->size; y += 2) {
        for (int x = 0; x < code->size; ++x) {
            const bool top = !code->dark_at(x, y), bottom = !code->dark_at(x, y + 1);
            out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
        }
        out += '\n';
    }
    return out;
}

}  // namespace skranke::hub
