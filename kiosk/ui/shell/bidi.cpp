#include "shell/bidi.hpp"

#include <fribidi.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace skranke::ui {

namespace {

// FriBiDi's ligatures leave the second letter as this filler, which is not drawn.
constexpr FriBidiChar filler = 0xFEFF;
constexpr FriBidiChar tatweel = 0x0640;  // joins on both sides: shows a letter's joined forms

std::vector<FriBidiChar> to_code_points(std::string_view text) {
    std::vector<FriBidiChar> out(text.size() + 1);
    const FriBidiStrIndex n = fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, text.data(),
                                                         static_cast<FriBidiStrIndex>(text.size()), out.data());
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string to_utf8(std::vector<FriBidiChar> points) {
    // Neither the filler nor the directional marks are drawn.
    std::erase_if(points, [](FriBidiChar c) {
        return c == filler || (c >= 0x2066 && c <= 0x2069) || (c >= 0x202A && c <= 0x202E) || c == 0x200E || c == 0x200F;
    });
    std::string out(points.size() * 4 + 1, '\0');
    const FriBidiStrIndex n = fribidi_unicode_to_charset(FRIBIDI_CHAR_SET_UTF8, points.data(),
                                                         static_cast<FriBidiStrIndex>(points.size()), out.data());
    out.resize(static_cast<std::size_t>(n));
    return out;
}

constexpr FriBidiChar left_to_right_isolate = 0x2066;
constexpr FriBidiChar pop_directional_isolate = 0x2069;

bool is_digit(FriBidiChar c) { return c >= '0' && c <= '9'; }

// A phone number written in groups ("+47 22 33 44 55", "22-33-44-55") is one left-to-right
// piece: the bidirectional algorithm alone would put its groups in right-to-left order.
// Each run of digits joined by spaces, hyphens or full stops is isolated as left to right.
std::vector<FriBidiChar> isolate_numbers(const std::vector<FriBidiChar>& in) {
    std::vector<FriBidiChar> out;
    out.reserve(in.size() + 8);
    for (std::size_t i = 0; i < in.size();) {
        const bool plus = in[i] == '+' && i + 1 < in.size() && is_digit(in[i + 1]);
        if (!plus && !is_digit(in[i])) {
            out.push_back(in[i++]);
            continue;
        }
        std::size_t end = i + 1;
        bool grouped = plus;
        for (;;) {
            while (end < in.size() && is_digit(in[end])) ++end;
            const bool joins = end + 1 < in.size() && (in[end] == ' ' || in[end] == '-' || in[end] == '.') &&
                               is_digit(in[end + 1]);
            if (!joins) break;
            grouped = grouped || in[end] != '.';
            ++end;
        }
        if (grouped) out.push_back(left_to_right_isolate);
        out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(i), in.begin() + static_cast<std::ptrdiff_t>(end));
        if (grouped) out.push_back(pop_directional_isolate);
        i = end;
    }
    return out;
}

// The bidirectional algorithm's levels for one paragraph, and its letters joined.
struct Analysed {
    std::vector<FriBidiChar> points;
    std::vector<FriBidiCharType> types;
    std::vector<FriBidiLevel> levels;
    FriBidiParType base = FRIBIDI_PAR_LTR;
    bool ok = false;
};

Analysed analyse(std::string_view text, bool rtl_paragraph, FriBidiFlags shape_flags, bool numbers_isolated) {
    Analysed a;
    a.points = numbers_isolated ? isolate_numbers(to_code_points(text)) : to_code_points(text);
    const auto n = static_cast<FriBidiStrIndex>(a.points.size());
    a.types.resize(a.points.size());
    a.levels.resize(a.points.size());
    std::vector<FriBidiBracketType> brackets(a.points.size());
    std::vector<FriBidiArabicProp> joining(a.points.size());
    // Not on a right-to-left page: the line's first letter decides (a visitor's Arabic text
    // on a Norwegian console reads from the right, "Kari" followed by Arabic from the left).
    a.base = rtl_paragraph ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_ON;
    if (n == 0) return a;
    fribidi_get_bidi_types(a.points.data(), n, a.types.data());
    fribidi_get_bracket_types(a.points.data(), n, a.types.data(), brackets.data());
    if (fribidi_get_par_embedding_levels_ex(a.types.data(), brackets.data(), n, &a.base, a.levels.data()) == 0)
        return a;
    fribidi_get_joining_types(a.points.data(), n, joining.data());
    fribidi_join_arabic(a.types.data(), n, a.levels.data(), joining.data());
    fribidi_shape(shape_flags, a.levels.data(), n, joining.data(), a.points.data());
    a.ok = true;
    return a;
}

// Lines are measured many times a frame while they are wrapped: each thread (the screen's,
// the printer's) keeps what it shaped, forgetting all of it when it grows large.
std::string cached(std::unordered_map<std::string, std::string>& cache, std::string_view text,
                   std::string (*make)(std::string_view)) {
    std::string key(text);
    if (auto found = cache.find(key); found != cache.end()) return found->second;
    if (cache.size() > 4096) cache.clear();
    return cache.emplace(std::move(key), make(text)).first->second;
}

std::string shape_now(std::string_view text) {
    // Joining only: mirroring belongs to the visual line, which is made from this text again.
    Analysed a = analyse(text, false, FRIBIDI_FLAGS_ARABIC, false);
    return a.ok ? to_utf8(std::move(a.points)) : std::string(text);
}

template <bool Rtl>
std::string visual_now(std::string_view text) {
    Analysed a = analyse(text, Rtl, FRIBIDI_FLAGS_DEFAULT | FRIBIDI_FLAGS_ARABIC, true);
    if (!a.ok) return std::string(text);
    const auto n = static_cast<FriBidiStrIndex>(a.points.size());
    if (fribidi_reorder_line(FRIBIDI_FLAGS_DEFAULT | FRIBIDI_FLAGS_ARABIC, a.types.data(), n, 0, a.base,
                             a.levels.data(), a.points.data(), nullptr) == 0)
        return std::string(text);
    return to_utf8(std::move(a.points));
}

}  // namespace

bool has_rtl(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        // U+0590-08FF: lead bytes D6-DF (Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, ...).
        if (c >= 0xD6 && c <= 0xDF) return true;
        // U+FB1D-FDFF and U+FE70-FEFF: EF AC 9D .. EF B7 BF and EF B9 B0 .. EF BB BF.
        if (c == 0xEF && i + 2 < text.size()) {
            const auto c1 = static_cast<unsigned char>(text[i + 1]);
            const auto c2 = static_cast<unsigned char>(text[i + 2]);
            const unsigned int cp = 0xF000u | ((c1 & 0x3Fu) << 6) | (c2 & 0x3Fu);
            if ((cp >= 0xFB1D && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFE)) return true;
        }
    }
    return false;
}

std::string shape_logical(std::string_view text) {
    if (!has_rtl(text)) return std::string(text);
    thread_local std::unordered_map<std::string, std::string> cache;
    return cached(cache, text, shape_now);
}

std::string visual_line(std::string_view line, bool rtl_paragraph) {
    if (!has_rtl(line)) return std::string(line);
    thread_local std::unordered_map<std::string, std::string> ltr_cache, rtl_cache;
    return rtl_paragraph ? cached(rtl_cache, line, visual_now<true>) : cached(ltr_cache, line, visual_now<false>);
}

std::vector<std::string> joined_forms(std::string_view letters) {
    std::vector<std::string> out;
    for (const FriBidiChar letter : to_code_points(letters)) {
        if (!has_rtl(to_utf8({letter}))) continue;
        for (const std::vector<FriBidiChar>& context : {std::vector<FriBidiChar>{letter},
                                                        {tatweel, letter},
                                                        {letter, tatweel},
                                                        {tatweel, letter, tatweel}}) {
            std::string shaped = shape_now(to_utf8(context));
            out.push_back(std::move(shaped));
        }
    }
    return out;
}

}  // namespace skranke::ui
