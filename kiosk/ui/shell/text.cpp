#include "shell/text.hpp"

#include <vector>

namespace skranke::ui {

namespace {

struct Line {
    const char* begin;
    const char* end;
};

std::vector<Line> wrap_lines(ImFont* font, const std::string& text, float width) {
    std::vector<Line> lines;
    std::size_t start = 0;
    for (int paragraphs = 0; start <= text.size() && paragraphs < 200; ++paragraphs) {
        std::size_t newline = text.find('\n', start);
        if (newline == std::string::npos) newline = text.size();
        const char* s = text.data() + start;
        const char* const end = text.data() + newline;
        if (s == end) lines.push_back({s, s});
        for (int guard = 0; s < end && guard < 1000; ++guard) {  // bounded: at most 1000 lines
            const char* wrap = font->CalcWordWrapPositionA(1.0f, s, end, width);
            if (wrap <= s) {  // a word wider than the line: break inside it, on a code point
                wrap = s + 1;
                while (wrap < end && (static_cast<unsigned char>(*wrap) & 0xC0) == 0x80) ++wrap;
            }
            const char* line_end = wrap;
            while (line_end > s && line_end[-1] == ' ') --line_end;
            lines.push_back({s, line_end});
            s = wrap;
            while (s < end && *s == ' ') ++s;
        }
        start = newline + 1;
    }
    return lines;
}

}  // namespace

float text_height(ImFont* font, const std::string& text, float width) {
    return static_cast<float>(wrap_lines(font, text, width).size()) * font->FontSize;
}

float draw_text(Ui& ui, ImFont* font, const std::string& text, const Rect& rect, unsigned int colour, Align align,
                bool speak) {
    const auto lines = wrap_lines(font, text, rect.width());
    float y = rect.y0;
    for (const Line& line : lines) {
        float x = rect.x0;
        if (align == Align::centre) {
            const float w = font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, line.begin, line.end).x;
            x = rect.x0 + (rect.width() - w) / 2;
        }
        ui.draw->AddText(font, font->FontSize, ImVec2(x, y), colour, line.begin, line.end);
        y += font->FontSize;
    }
    if (speak) ui.say(text);
    return y - rect.y0;
}

}  // namespace skranke::ui
