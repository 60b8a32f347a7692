#include "printer/ticket_raster.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8

#include <stb_image_write.h>  // implementation comes from libstb.so

#include "qr/qr_code.hpp"
#include "shell/bidi.hpp"
#include "shell/fonts.hpp"
#include "shell/text.hpp"

namespace skranke::printer {

namespace {

// Sizes on paper (cap heights, mm): larger than a shop receipt's, for poor sight. The
// number is as large as a four-digit number allows on 72 mm.
constexpr float office_mm = 4.0f;
constexpr float number_mm = 13.0f;
constexpr float text_mm = 3.2f;
constexpr float staff_mm = 2.4f;
constexpr int qr_module_dots = 6;       // 0.75 mm: read by an old phone's camera
constexpr std::uint8_t ink_alpha = 110;  // anti-aliased edges at least this dark print

int dots(float mm) { return static_cast<int>(std::lround(mm * dots_per_mm)); }

}  // namespace

bool write_png(const Raster& raster, const std::filesystem::path& file, std::string& error) {
    std::vector<std::uint8_t> grey(raster.dots.size());
    for (std::size_t i = 0; i < grey.size(); ++i) grey[i] = raster.dots[i] ? 0 : 255;
    if (raster.width <= 0 || raster.height <= 0 ||
        !stbi_write_png(file.c_str(), raster.width, raster.height, 1, grey.data(), raster.width)) {
        error = "could not write " + file.string();
        return false;
    }
    return true;
}

struct TicketRenderer::Fonts {
    ImFont* office = nullptr;
    ImFont* number = nullptr;
    ImFont* text = nullptr;
    ImFont* text_bold = nullptr;
    ImFont* staff = nullptr;
    const unsigned char* alpha = nullptr;  // the atlas texture, one byte per pixel
    int texture_width = 0;
    int texture_height = 0;
};

namespace {

// Draws on a raster of fixed width that grows downwards as lines are added.
class Canvas {
public:
    Canvas(int width, const unsigned char* alpha, int texture_width, int texture_height)
        : alpha_(alpha), texture_width_(texture_width), texture_height_(texture_height) {
        raster_.width = width;
        // A ticket is 10-30 cm: room for 30 cm at once, not a copy of the image per line.
        raster_.dots.reserve(static_cast<std::size_t>(width) * static_cast<std::size_t>(300 * dots_per_mm));
    }

    int y = 0;  // top of the next line

    Raster finish(int bottom_margin) {
        grow(y + bottom_margin);
        return std::move(raster_);
    }

    // Text wrapped within the paper's width by the screen's rule (words stay whole), from the
    // start of the line (the right in a right-to-left language, rtl) or centred, in the order
    // and with the joined letters the screen draws. A single word wider than the paper is cut
    // at the edge: the raster draws glyphs at the font's size only.
    void text(ImFont* font, const std::string& text, bool centred, int margin, bool rtl = false) {
        const float width = static_cast<float>(raster_.width - 2 * margin);
        const int line_height = static_cast<int>(std::ceil(font->FontSize * 1.1f));
        for (const ui::TextLine& line : ui::wrap_text(font, text, width)) {
            const float line_width = ui::text_width(font, line.begin, line.end);
            float x = static_cast<float>(margin);
            if (centred) x = std::max(0.0f, (static_cast<float>(raster_.width) - line_width) / 2);
            else if (rtl) x = std::max(0.0f, static_cast<float>(raster_.width - margin) - line_width);
            grow(y + line_height);
            const std::string drawn = ui::visual_line(std::string_view(line.begin, static_cast<std::size_t>(line.end - line.begin)), rtl);
            draw_run(font, drawn.data(), drawn.data() + drawn.size(), x);
            y += line_height;
        }
    }

    void qr_code(const qr::QrCode& code) {
        const int side = code.size * qr_module_dots;
        const int x0 = (raster_.width - side) / 2;
        grow(y + side);
        for (int my = 0; my < code.size; ++my)
            for (int mx = 0; mx < code.size; ++mx)
                if (code.dark_at(mx, my)) fill(x0 + mx * qr_module_dots, y + my * qr_module_dots, qr_module_dots, qr_module_dots);
        y += side;
    }

    // A dashed line across the paper: below it, the part for staff.
    void dashed_rule(int margin) {
        grow(y + 2);
        for (int x = margin; x < raster_.width - margin; x += dots(3.0f)) fill(x, y, dots(1.5f), 2);
        y += 2;
    }

private:
    void grow(int height) {
        if (height <= raster_.height) return;
        raster_.height = height;
        raster_.dots.resize(static_cast<std::size_t>(raster_.width * raster_.height), 0);
    }

    void fill(int x0, int y0, int w, int h) {
        for (int yy = std::max(0, y0); yy < std::min(raster_.height, y0 + h); ++yy)
            for (int xx = std::max(0, x0); xx < std::min(raster_.width, x0 + w); ++xx)
                raster_.dots[static_cast<std::size_t>(yy * raster_.width + xx)] = 1;
    }

    void draw_run(ImFont* font, const char* s, const char* end, float x) {
        while (s < end) {
            unsigned int c = 0;
            const int n = ImTextCharFromUtf8(&c, s, end);
            s += n > 0 ? n : 1;
            if (c == '\n') continue;
            const ImFontGlyph* g = font->FindGlyph(static_cast<ImWchar>(c));
            if (g == nullptr) continue;
            if (g->Visible) draw_glyph(*g, x);
            x += g->AdvanceX;
        }
    }

    void draw_glyph(const ImFontGlyph& g, float pen_x) {
        const int u0 = static_cast<int>(std::lround(g.U0 * static_cast<float>(texture_width_)));
        const int v0 = static_cast<int>(std::lround(g.V0 * static_cast<float>(texture_height_)));
        const int w = static_cast<int>(std::lround((g.U1 - g.U0) * static_cast<float>(texture_width_)));
        const int h = static_cast<int>(std::lround((g.V1 - g.V0) * static_cast<float>(texture_height_)));
        const int dx = static_cast<int>(std::lround(pen_x + g.X0));
        const int dy = y + static_cast<int>(std::lround(g.Y0));
        for (int gy = 0; gy < h; ++gy) {
            const int ty = dy + gy;
            if (ty < 0 || ty >= raster_.height) continue;
            for (int gx = 0; gx < w; ++gx) {
                const int tx = dx + gx;
                if (tx < 0 || tx >= raster_.width) continue;
                if (alpha_[(v0 + gy) * texture_width_ + u0 + gx] >= ink_alpha)
                    raster_.dots[static_cast<std::size_t>(ty * raster_.width + tx)] = 1;
            }
        }
    }

    Raster raster_;
    const unsigned char* alpha_;
    int texture_width_;
    int texture_height_;
};

std::vector<std::string> ticket_texts(const PrintedTicket& t) {
    std::vector<std::string> texts{t.office, t.status_caption};
    for (const auto& l : t.visitor) texts.push_back(l.text);
    for (const auto& l : t.staff) texts.push_back(l.text);
    return texts;
}

}  // namespace

Result<std::unique_ptr<TicketRenderer>, std::string> TicketRenderer::create(
    const std::vector<std::string>& texts, const std::vector<std::filesystem::path>& font_dirs, int width_dots) {
    std::unique_ptr<TicketRenderer> r(new TicketRenderer);
    r->width_ = width_dots;
    r->atlas_ = std::make_unique<ImFontAtlas>();
    r->fonts_ = std::make_unique<Fonts>();
    // The screen's five fonts at paper sizes: body = staff text, body large = the visitor's
    // text, title = the visitor's bold lines, title large = the office's name.
    ui::FontSizes sizes;
    sizes.body_mm = staff_mm;
    sizes.body_large_mm = text_mm;
    sizes.title_mm = text_mm;
    sizes.title_large_mm = office_mm;
    sizes.number_mm = number_mm;
    ui::FontSet set;
    std::string error;
    if (!ui::build_fonts(*r->atlas_, ui::PhysicalScale{dots_per_mm * 25.4f}, texts, font_dirs, set, error,
                         " -0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", sizes))
        return "the paper ticket's fonts: " + error;
    Fonts& f = *r->fonts_;
    f.staff = set.body[0];
    f.text = set.body[1];
    f.text_bold = set.title[0];
    f.office = set.title[1];
    f.number = set.number;
    unsigned char* pixels = nullptr;
    r->atlas_->GetTexDataAsAlpha8(&pixels, &f.texture_width, &f.texture_height);
    f.alpha = pixels;
    r->glyphs_ = ui::glyphs_for(texts);
    return r;
}

TicketRenderer::~TicketRenderer() = default;

bool TicketRenderer::covers(const PrintedTicket& ticket) const { return !ui::glyphs_lack(glyphs_, ticket_texts(ticket)); }

Raster TicketRenderer::render(const PrintedTicket& t) const {
    const Fonts& f = *fonts_;
    const int margin = dots(2.0f);
    Canvas c(width_, f.alpha, f.texture_width, f.texture_height);
    c.y = dots(2.0f);
    c.text(f.office, t.office, true, margin);
    c.y += dots(3.0f);
    c.text(f.number, t.number, true, 0);
    c.y += dots(3.0f);
    for (const PrintedLine& line : t.visitor) {
        c.text(line.bold ? f.text_bold : f.text, line.text, false, margin, t.visitor_rtl);
        c.y += dots(1.5f);
    }
    if (!t.status_url.empty()) {
        if (const auto code = qr::encode(t.status_url)) {
            c.y += dots(2.0f);
            c.qr_code(*code);
            c.text(f.text, t.status_caption, true, margin, t.visitor_rtl);
        }
    }
    if (!t.staff.empty()) {
        c.y += dots(4.0f);
        c.dashed_rule(margin);
        c.y += dots(2.0f);
        for (const PrintedLine& line : t.staff) {
            c.text(line.bold ? f.text_bold : f.staff, line.text, false, margin);
            c.y += dots(1.0f);
        }
    }
    return c.finish(dots(6.0f));
}

}  // namespace skranke::printer
