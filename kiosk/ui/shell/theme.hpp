// Colours. The default theme keeps every text colour at 7:1 or more against what it is
// drawn on; the high-contrast theme goes further. tests/ui/contrast_test.cpp checks both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace skranke::ui {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
    unsigned int packed() const;  // ImU32 (ABGR, opaque)
};

// A filled surface with the text and border drawn on it.
struct Surface {
    Rgb fill;
    Rgb text;
    Rgb border;
};

// What a button looks like: at rest and while the finger is down.
struct ButtonColours {
    Surface rest;
    Surface pressed;
};

struct Theme {
    std::string name;
    Rgb background;
    Rgb text;
    Rgb error_text;
    Rgb bar;  // the tool bar and navigation bar strip
    Rgb bar_text;
    ButtonColours normal;     // ordinary choices
    ButtonColours primary;    // Next, Get ticket, Yes
    ButtonColours selected;   // a chosen yes/no or option
    ButtonColours emergency;  // acute needs, visibly distinct
    Surface field;            // a text field being typed into
    Surface overlay;          // idle warning, language picker
    float border_mm = 0.8f;
};

const Theme& default_theme();
const Theme& high_contrast_theme();

// WCAG 2.x relative luminance and contrast ratio.
double relative_luminance(Rgb colour);
double contrast_ratio(Rgb a, Rgb b);

// Every (foreground, background, what) pair of text a theme draws, for the contrast test.
struct ColourPair {
    Rgb foreground;
    Rgb background;
    std::string what;
};
std::vector<ColourPair> text_pairs(const Theme& theme);

}  // namespace skranke::ui
