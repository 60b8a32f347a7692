// skranke-hub enrol-code --qr: the code, and with --hub-url the whole enrolment command, as
// a QR code in the terminal that a phone can read. The test reads the printed blocks back
// into an image and decodes it with zbarimg, as a scanner would.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hub/terminal_qr.hpp"
#include "support/child_process.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;

namespace {

// The terminal's drawing as a grey image (light 255, dark 0), each module 4 pixels square.
void write_pgm(const std::vector<std::string>& qr_lines, const std::filesystem::path& file) {
    std::vector<std::vector<bool>> light;  // rows of modules
    for (const std::string& line : qr_lines) {
        std::vector<bool> top, bottom;
        for (std::size_t i = 0; i < line.size();) {
            if (line[i] == ' ') {
                top.push_back(false);
                bottom.push_back(false);
                ++i;
                continue;
            }
            const std::string glyph = line.substr(i, 3);  // U+2580, U+2584, U+2588: three bytes
            REQUIRE((glyph == "\u2580" || glyph == "\u2584" || glyph == "\u2588"));
            top.push_back(glyph != "\u2584");
            bottom.push_back(glyph != "\u2580");
            i += 3;
        }
        light.push_back(top);
        light.push_back(bottom);
    }
    constexpr int scale = 4;
    const std::size_t width = light.front().size();
    std::ofstream out(file, std::ios::binary);
    out << "P5\n" << width * scale << " " << light.size() * scale << "\n255\n";
    for (const auto& row : light) {
        REQUIRE(row.size() == width);
        for (int r = 0; r < scale; ++r)
            for (const bool module : row)
                for (int c = 0; c < scale; ++c) out.put(module ? static_cast<char>(255) : '\0');
    }
}

// What zbarimg reads in the image (its own complaints, such as no D-Bus, left out).
test::RanCommand zbar_reads(const std::filesystem::path& image) {
    return test::run_command("sh -c 'zbarimg --quiet --raw " + image.string() + " 2>/dev/null'");
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("an enrolment code drawn as a QR code in the terminal reads back as the enrolment command") {
    test::TempDir dir;
    const auto ran = test::run_hub_command("enrol-code --role kiosk --qr --hub-url https://hub.office.lan:8470",
                                           dir / "hub");
    REQUIRE(ran.status == 0);
    const auto lines = lines_of(ran.output);
    REQUIRE(lines.size() > 12);
    const std::string code = lines[0];
    CHECK(code.size() >= 8);
    const std::string command = "skranke-enrol --hub https://hub.office.lan:8470 --code " + code + " --role kiosk";
    CHECK(lines[1] == command);
    write_pgm({lines.begin() + 2, lines.end()}, dir / "qr.pgm");
    const auto decoded = zbar_reads(dir / "qr.pgm");
    REQUIRE(decoded.status == 0);
    CHECK(decoded.output == command + "\n");
}

TEST_CASE("a code alone is drawn when no hub URL is given, and nothing for text no QR code holds") {
    test::TempDir dir;
    const auto ran = test::run_hub_command("enrol-code --role display --qr", dir / "hub");
    REQUIRE(ran.status == 0);
    const auto lines = lines_of(ran.output);
    write_pgm({lines.begin() + 1, lines.end()}, dir / "qr.pgm");
    const auto decoded = zbar_reads(dir / "qr.pgm");
    CHECK(decoded.output == lines[0] + "\n");
    CHECK(hub::terminal_qr(std::string(4000, 'x')).empty());  // more than a QR code holds
}
