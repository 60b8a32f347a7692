// A QR code drawn in a terminal, for IT to carry an enrolment code to a device with a phone:
// two rows of modules per line in half-block characters, light modules drawn (a terminal's
// background is dark), with the quiet zone around it that scanners need.
#pragma once

#include <string>
#include <string_view>

namespace skranke::hub {

// The QR (error correction M) of text as lines of ' ', '▀', '▄' and '█'; empty when the
// text does not fit in a QR code.
std::string terminal_qr(std::string_view text);

}  // namespace skranke::hub
