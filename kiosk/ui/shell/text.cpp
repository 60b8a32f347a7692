#include "shell/text.hpp"

#include <algorithm>
#include <vector>

#include "shell/bidi.hpp"

namespace skranke::ui {

namespace {

using Line = TextLine;

float width_of(ImFont* font, const char* begin, const char* end) { return text_width(font, begin, end); }

// Where a line may end: at a space, or after a hyphen inside a compound word. Never inside a
// word, and never at a full stop, comma or slash without a space ("nav.no" stays whole), as
// Dear ImGui's own wrapping would break them.
const char* next_break(const char* s, const char* end) {
    for (const char* p = s; p < end; ++p) {
        if (*p == ' ') return p;
        if (*p == '-' && p > s && p + 1 < end && p[1] != ' ') return p + 1;
    }
    return end;
}

// One paragraph (no newline) into lines no wider than width, each ending where next_break
// allows; a single word wider than the line gets a line of its own, scaled down to fit.
void wrap_paragraph(ImFont* font, const char* s, const char* const end, float width, LongWords long_words,
                    std::vector<Line>& lines) {
    for (int guard = 0; s < end && guard < 1000; ++guard) {  // bounded: at most 1000 lines
        const char* fits = nullptr;  // the furthest break whose line fits
        for (const char* p = s; p < end;) {
            const char* word_end = next_break(p, end);
            if (word_end == p) word_end = p + 1;  // never stand still
            if (width_of(font, s, word_end) > width) break;
            fits = word_end;
            p = word_end;
            while (p < end && *p == ' ') ++p;
        }
        if (!fits && long_words == LongWords::break_inside) {  // as much of the word as fits, on a code point
            const char* cut = s + 1;
            for (const char* p = s + 1; p <= end; ++p) {
                if (p < end && (static_cast<unsigned char>(*p) & 0xC0) == 0x80) continue;
                if (width_of(font, s, p) > width) break;
                cut = p;
            }
            while (cut < end && (static_cast<unsigned char>(*cut) & 0xC0) == 0x80) ++cut;
            fits = cut;
        }
        Line line{s, fits, 1.0f};
        if (!fits) {  // the first word alone is wider than the line
            line.end = next_break(s, end);
            if (line.end == s) line.end = s + 1;
            const float w = width_of(font, s, line.end);
            line.scale = w > 0 && width > 0 ? std::max(0.05f, width / w) : 1.0f;
        }
        while (line.end > s && line.end[-1] == ' ') --line.end;
        lines.push_back(line);
        s = fits ? fits : next_break(s, end);
        if (s == line.begin) ++s;  // never stand still
        while (s < end && *s == ' ') ++s;
    }
}

}  // namespace

float text_width(ImFont* font, const char* begin, const char* end) {
    const std::string_view piece(begin, static_cast<std::size_t>(end - begin));
    if (!has_rtl(piece)) return font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, begin, end).x;
    // Joining happens within a word, and lines break between words: a piece measured on
    // its own has the forms it has in its line.
    const std::string shaped = shape_logical(piece);
    return font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, shaped.data(), shaped.data() + shaped.size()).x;
}

void draw_line(ImDrawList* draw, ImFont* font, float size, ImVec2 pos, unsigned int colour, const char* begin,
               const char* end, bool rtl) {
    const std::string_view line(begin, static_cast<std::size_t>(end - begin));
    if (!has_rtl(line)) {
        draw->AddText(font, size, pos, colour, begin, end);
        return;
    }
    const std::string visual = visual_line(line, rtl);
    draw->AddText(font, size, pos, colour, visual.data(), visual.data() + visual.size());
}

std::vector<TextLine> wrap_text(ImFont* font, const std::string& text, float width, LongWords long_words) {
    std::vector<Line> lines;
    std::size_t start = 0;
    for (int paragraphs = 0; start <= text.size() && paragraphs < 200; ++paragraphs) {
        std::size_t newline = text.find('\n', start);
        if (newline == std::string::npos) newline = text.size();
        const char* s = text.data() + start;
        const char* const end = text.data() + newline;
        if (s == end) lines.push_back({s, s});
        wrap_paragraph(font, s, end, width, long_words, lines);
        start = newline + 1;
    }
    return lines;
}

float text_height(ImFont* font, const std::string& text, float width, LongWords long_words) {
    return static_cast<float>(wrap_text(font, text, width, long_words).size()) * font->FontSize;
}

std::string last_lines(ImFont* font, const std::string& text, float width, int lines) {
    const auto wrapped = wrap_text(font, text, width, LongWords::break_inside);
    if (lines < 1 || wrapped.size() <= static_cast<std::size_t>(lines)) return text;
    static const std::string ellipsis = "\u2026";
    const auto fits = [&](std::size_t from) {
        return wrap_text(font, ellipsis + text.substr(from), width, LongWords::break_inside).size() <=
               static_cast<std::size_t>(lines);
    };
    const auto step = [&](std::size_t at, bool forward) {  // to the next or previous code point
        at = forward ? at + 1 : at - 1;
        while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80)
            at = forward ? at + 1 : at - 1;
        return at;
    };
    // Start at the lines that fit, step forward until "…" fits too, then take back as much of
    // what came before as still fits.
    auto from = static_cast<std::size_t>(wrapped[wrapped.size() - static_cast<std::size_t>(lines)].begin - text.data());
    for (int guard = 0; from < text.size() && !fits(from) && guard < 10000; ++guard) from = step(from, true);
    for (int guard = 0; from > 0 && fits(step(from, false)) && guard < 10000; ++guard) from = step(from, false);
    return ellipsis + text.substr(from);
}

float draw_text(Ui& ui, ImFont* font, const std::string& text, const Rect& rect, unsigned int colour, Align align,
                bool speak, LongWords long_words) {
    const auto lines = wrap_text(font, text, rect.width(), long_words);
    float y = rect.y0;
    for (const Line& line : lines) {
        float x = rect.x0;
        const float size = font->FontSize * line.scale;
        if (align == Align::centre || ui.rtl) {
            const float w = width_of(font, line.begin, line.end) * line.scale;
            x = align == Align::centre ? rect.x0 + (rect.width() - w) / 2 : rect.x1 - w;
        }
        // A word drawn smaller sits on the line's baseline area, centred in its height.
        draw_line(ui.draw, font, size, ImVec2(x, y + (font->FontSize - size) / 2), colour, line.begin, line.end,
                  ui.rtl);
        y += font->FontSize;
    }
    const bool title = ui.fonts && (font == ui.fonts->title[0] || font == ui.fonts->title[1]);
    if (speak) ui.say(SpokenText{text, text, ui.shown(Rect{rect.x0, rect.y0, rect.x1, y}), title});
    return y - rect.y0;
}

}  // namespace skranke::ui
