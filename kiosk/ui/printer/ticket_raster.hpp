// The paper ticket as an image: drawn with the fonts the screens use, so that every script
// the kiosk shows also prints, whatever code pages the printer has (escpos.hpp sends it as a
// raster). One dot per byte here; escpos packs them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "domain/result.hpp"

struct ImFontAtlas;

namespace skranke::printer {

// The common 80 mm thermal printer: 203 dots per inch, 72 mm of the paper printable.
inline constexpr float dots_per_mm = 8.0f;
inline constexpr int paper_dots = 576;

struct Raster {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> dots;  // width * height, row by row: 1 printed, 0 blank

    bool dot(int x, int y) const {
        return x >= 0 && y >= 0 && x < width && y < height && dots[static_cast<std::size_t>(y * width + x)] != 0;
    }
};

// The raster as a black-on-white PNG, to look at a ticket without paper. False with error.
bool write_png(const Raster& raster, const std::filesystem::path& file, std::string& error);

struct PrintedLine {
    std::string text;
    bool bold = false;
};

// What the ticket says, composed by the kiosk in the visitor's language (and in Norwegian
// for staff). No name, phone or description: a ticket may be left behind on a chair.
struct PrintedTicket {
    std::string office;                // the office's name, at the top
    std::string number;                // "A 017", very large
    std::vector<PrintedLine> visitor;  // need, time, people ahead, wait, what happens next
    bool visitor_rtl = false;          // the visitor's language is written right to left
    std::string status_url;            // the QR code's address; empty: no QR code
    std::string status_caption;        // under the QR code
    std::vector<PrintedLine> staff;    // for staff, in Norwegian; empty when the visitor's is
};

// Draws tickets. Holds its own font atlas (built once, on the thread that prints): the
// screen's atlas belongs to the UI thread.
class TicketRenderer {
public:
    // texts: every text a ticket may hold (the translations and the office's texts), so
    // the atlas has their characters. Fails with a message naming a missing font.
    static Result<std::unique_ptr<TicketRenderer>, std::string> create(const std::vector<std::string>& texts,
                                                                       const std::vector<std::filesystem::path>& font_dirs,
                                                                       int width_dots = paper_dots);
    ~TicketRenderer();
    TicketRenderer(const TicketRenderer&) = delete;
    TicketRenderer& operator=(const TicketRenderer&) = delete;

    // Whether the atlas holds every character of the ticket (office texts from the hub can
    // bring new ones: then make a new renderer).
    bool covers(const PrintedTicket& ticket) const;
    Raster render(const PrintedTicket& ticket) const;

private:
    struct Fonts;
    TicketRenderer() = default;
    std::unique_ptr<ImFontAtlas> atlas_;
    std::unique_ptr<Fonts> fonts_;
    std::vector<unsigned int> glyphs_;
    int width_ = paper_dots;
};

}  // namespace skranke::printer
