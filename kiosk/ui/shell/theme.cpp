#include "shell/theme.hpp"

#include <algorithm>
#include <cmath>

namespace skranke::ui {

unsigned int Rgb::packed() const {
    return 0xFF000000u | (static_cast<unsigned int>(b) << 16) | (static_cast<unsigned int>(g) << 8) | r;
}

namespace {

constexpr Rgb hex(unsigned int value) {
    return Rgb{static_cast<std::uint8_t>((value >> 16) & 0xFF), static_cast<std::uint8_t>((value >> 8) & 0xFF),
               static_cast<std::uint8_t>(value & 0xFF)};
}

Theme make_default() {
    Theme t;
    t.name = "default";
    t.background = hex(0xF5F3EE);  // warm off-white: less glare than pure white
    t.text = hex(0x111111);
    t.error_text = hex(0x9B0000);
    t.bar = hex(0xE3E8EF);
    t.bar_text = hex(0x111111);
    t.normal = {{hex(0xFFFFFF), hex(0x111111), hex(0x3A3A3A)}, {hex(0xC9D6EA), hex(0x111111), hex(0x111111)}};
    t.primary = {{hex(0x0A3D78), hex(0xFFFFFF), hex(0x0A3D78)}, {hex(0x06284F), hex(0xFFFFFF), hex(0x111111)}};
    t.selected = {{hex(0x111111), hex(0xFFFFFF), hex(0x111111)}, {hex(0x333333), hex(0xFFFFFF), hex(0x111111)}};
    t.emergency = {{hex(0x8A0F0F), hex(0xFFFFFF), hex(0x5E0A0A)}, {hex(0x5E0A0A), hex(0xFFFFFF), hex(0x111111)}};
    t.field = {hex(0xFFFFFF), hex(0x111111), hex(0x0A3D78)};
    t.overlay = {hex(0xFFFFFF), hex(0x111111), hex(0x111111)};
    return t;
}

Theme make_high_contrast() {
    Theme t;
    t.name = "high_contrast";
    t.background = hex(0x000000);
    t.text = hex(0xFFFFFF);
    t.error_text = hex(0xFFE14D);
    t.bar = hex(0x000000);
    t.bar_text = hex(0xFFFFFF);
    t.normal = {{hex(0x000000), hex(0xFFFF00), hex(0xFFFF00)}, {hex(0xFFFF00), hex(0x000000), hex(0xFFFFFF)}};
    t.primary = {{hex(0xFFFF00), hex(0x000000), hex(0xFFFFFF)}, {hex(0xFFFFFF), hex(0x000000), hex(0xFFFF00)}};
    t.selected = {{hex(0xFFFFFF), hex(0x000000), hex(0xFFFF00)}, {hex(0xFFFF00), hex(0x000000), hex(0xFFFFFF)}};
    t.emergency = {{hex(0xFF9999), hex(0x000000), hex(0xFFFFFF)}, {hex(0xFFFFFF), hex(0x000000), hex(0xFF9999)}};
    t.field = {hex(0x000000), hex(0xFFFFFF), hex(0xFFFF00)};
    t.overlay = {hex(0x000000), hex(0xFFFFFF), hex(0xFFFF00)};
    t.border_mm = 1.2f;
    return t;
}

double channel(std::uint8_t value) {
    const double c = value / 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

}  // namespace

const Theme& default_theme() {
    static const Theme theme = make_default();
    return theme;
}

const Theme& high_contrast_theme() {
    static const Theme theme = make_high_contrast();
    return theme;
}

double relative_luminance(Rgb colour) {
    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b);
}

double contrast_ratio(Rgb a, Rgb b) {
    const double la = relative_luminance(a), lb = relative_luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

std::vector<ColourPair> text_pairs(const Theme& t) {
    std::vector<ColourPair> pairs = {
        {t.text, t.background, "text on background"},     {t.error_text, t.background, "error text on background"},
        {t.bar_text, t.bar, "bar text on bar"},           {t.field.text, t.field.fill, "typed text in a field"},
        {t.overlay.text, t.overlay.fill, "overlay text"},
    };
    const std::pair<const ButtonColours*, const char*> buttons[] = {{&t.normal, "normal button"},
                                                                    {&t.primary, "primary button"},
                                                                    {&t.selected, "selected button"},
                                                                    {&t.emergency, "emergency button"}};
    for (const auto& [colours, what] : buttons) {
        pairs.push_back({colours->rest.text, colours->rest.fill, std::string(what) + " at rest"});
        pairs.push_back({colours->pressed.text, colours->pressed.fill, std::string(what) + " pressed"});
    }
    return pairs;
}

}  // namespace skranke::ui
