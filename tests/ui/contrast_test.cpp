// Text contrast: at least 7:1 everywhere in both themes (WCAG 2.2 AAA, 1.4.6), and button
// borders at least 3:1 against the background (1.4.11).
#include <doctest/doctest.h>

#include "shell/theme.hpp"

using namespace skranke::ui;

TEST_CASE("the contrast formula matches WCAG's known values") {
    CHECK(contrast_ratio({0, 0, 0}, {255, 255, 255}) == doctest::Approx(21.0));
    CHECK(contrast_ratio({255, 255, 255}, {255, 255, 255}) == doctest::Approx(1.0));
    CHECK(contrast_ratio({0x76, 0x76, 0x76}, {255, 255, 255}) == doctest::Approx(4.54).epsilon(0.01));
}

TEST_CASE("every text colour has at least 7:1 contrast in both themes") {
    for (const Theme* theme : {&default_theme(), &high_contrast_theme()}) {
        for (const auto& pair : text_pairs(*theme)) {
            CAPTURE(theme->name);
            CAPTURE(pair.what);
            CHECK(contrast_ratio(pair.foreground, pair.background) >= 7.0);
        }
    }
}

TEST_CASE("button edges stand out from the background") {
    for (const Theme* theme : {&default_theme(), &high_contrast_theme()}) {
        CAPTURE(theme->name);
        CHECK(contrast_ratio(theme->normal.rest.border, theme->background) >= 3.0);
        CHECK(contrast_ratio(theme->primary.rest.fill, theme->background) >= 3.0);
        CHECK(contrast_ratio(theme->emergency.rest.fill, theme->background) >= 3.0);
    }
}

TEST_CASE("the high-contrast theme is stronger than the default") {
    CHECK(contrast_ratio(high_contrast_theme().text, high_contrast_theme().background) >=
          contrast_ratio(default_theme().text, default_theme().background));
}
