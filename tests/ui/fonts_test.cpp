// Text is big enough to read at 600 mm (cap height >= 7.3 mm at the configured DPI), every
// glyph a language needs is in the atlas, and a missing font names its Debian package.
#include <doctest/doctest.h>

#include <imgui.h>

#include "shell/fonts.hpp"
#include "shell/keyboard.hpp"
#include "support/headless_kiosk.hpp"
#include "support/temp_dir.hpp"

using namespace skranke::ui;

TEST_CASE("body text has a cap height of at least 7.3 mm, larger text more") {
    const FontSet& fonts = skranke::test::shared_fonts();
    const PhysicalScale scale{skranke::test::test_dpi};
    CHECK(scale.mm(cap_height_px(fonts.body[0])) >= min_body_cap_mm);
    CHECK(scale.mm(cap_height_px(fonts.body[1])) > scale.mm(cap_height_px(fonts.body[0])) * 1.2f);
    CHECK(scale.mm(cap_height_px(fonts.title[0])) >= min_body_cap_mm);
    CHECK(scale.mm(cap_height_px(fonts.number)) >= 30.0f);
}

TEST_CASE("the atlas has every character of every language and keyboard") {
    const FontSet& fonts = skranke::test::shared_fonts();
    auto texts = skranke::test::shipped_translations().all_texts();
    for (auto& k : keyboard_characters()) texts.push_back(k);
    for (unsigned int cp : glyphs_for(texts)) {
        CAPTURE(cp);
        CHECK(fonts.body[0]->FindGlyphNoFallback(static_cast<ImWchar>(cp)) != nullptr);
    }
    for (const char* word : {"æøåÆØÅ", "ąćęłńóśźż", "ґєіїҐЄІЇ"})
        for (const auto& ch : utf8_characters(word)) CHECK(glyphs_for({ch}).size() == glyphs_for({}).size() + 1);
}

TEST_CASE("a missing font is a clear start-up error naming the package to install") {
    skranke::test::TempDir empty;
    ImFontAtlas atlas;
    FontSet fonts;
    std::string error;
    CHECK_FALSE(build_fonts(atlas, PhysicalScale{96}, {"abc"}, {empty.path()}, fonts, error));
    CHECK(error.find("DejaVuSans.ttf") != std::string::npos);
    CHECK(error.find("fonts-dejavu-core") != std::string::npos);
    CHECK(error.find("apt-get install") != std::string::npos);
}
