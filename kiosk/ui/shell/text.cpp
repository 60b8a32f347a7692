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

std::string last_lines(ImFont* font, const std::string& text, float width, int lines) {
    const auto wrapped = wrap_lines(font, text, width);
    if (lines < 1 || wrapped.size() <= static_cast<std::size_t>(lines)) return text;
    static const std::string ellipsis = "\u2026";
    const auto fits = [&](std::size_t from) {
        return wrap_lines(font, ellipsis + text.substr(from), width).size() <= static_cast<std::size_t>(lines);
    };
    const auto step = [&](std::size_t at, bool forward) {  // to the next or previous code point
        at = forward ? at + 1 : at - 1;
        while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80)
            at = forward ? at + 1 : at - 1;
        return at;
    };
    // Start at the lines that fit, step forward until "…" fits too, then take back as much of
    // what came before as still fits (a long word broken across lines leaves a short last one).
    auto from = static_cast<std::size_t>(wrapped[wrapped.size() - static_cast<std::size_t>(lines)].begin - text.data());
    for (int guard = 0; from < text.size() && !fits(from) && guard < 10000; ++guard) from = step(from, true);
    for (int guard = 0; from > 0 && fits(step(from, false)) && guard < 10000; ++guard) from = step(from, false);
    return ellipsis + text.substr(from);
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
