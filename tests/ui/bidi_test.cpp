// Right-to-left text: the visual order of a line and its joined letters, checked against
// strings whose order is known, and lines drawn from the right on a right-to-left page.
#include <doctest/doctest.h>

#include <imgui.h>
#include <imgui_internal.h>  // ImDrawListSharedData: a draw list without a frame

#include <algorithm>

#include "shell/bidi.hpp"
#include "shell/fonts.hpp"
#include "shell/text.hpp"
#include "support/headless_kiosk.hpp"

using namespace skranke::ui;

namespace {

// "Salaam" in reading order: seen, lam, alef, meem.
const std::string salaam = "\u0633\u0644\u0627\u0645";
// As it is drawn from the left: meem alone, lam-alef joined on its right, seen joined on its
// left (initial). The word's letters run right to left.
const std::string salaam_drawn = "\uFEE1\uFEFC\uFEB3";

}  // namespace

TEST_CASE("a right-to-left line is drawn in visual order with its letters joined") {
    CHECK(visual_line(salaam, true) == salaam_drawn);
    // Numbers and phone numbers keep their left-to-right order inside right-to-left text,
    // and the number that comes first in reading comes last from the left.
    CHECK(visual_line("2026 " + salaam, true) == salaam_drawn + " 2026");
    CHECK(visual_line(salaam + " 22 33 44 55", true) == "22 33 44 55 " + salaam_drawn);
    CHECK(visual_line(salaam + " +47 22-33-44-55.", true) == ".+47 22-33-44-55 " + salaam_drawn);
    CHECK(visual_line(salaam + " 10:30", true) == "10:30 " + salaam_drawn);
    // A Latin name typed on an Arabic page stays as typed.
    CHECK(visual_line("Kari " + salaam, true) == salaam_drawn + " Kari");
    // On a left-to-right page the Arabic word is turned, the rest stays; a line that starts
    // in Arabic there (a visitor's text on the console) still reads from the right.
    CHECK(visual_line("Kari " + salaam, false) == "Kari " + salaam_drawn);
    CHECK(visual_line(salaam + " 2026.", false) == ".2026 " + salaam_drawn);
    // Brackets are mirrored in right-to-left runs, so they still open before the word.
    CHECK(visual_line("(" + salaam + ")", true) == "(" + salaam_drawn + ")");
    // Persian letters join too: "pedar" (father) is peh initial, dal final, reh alone.
    CHECK(visual_line("\u067E\u062F\u0631", true) == "\uFEAD\uFEAA\uFB58");
}

TEST_CASE("text without right-to-left letters is left as it is") {
    CHECK_FALSE(has_rtl("Kari Nordmann, tlf. 22 33 44 55 æøå ąę ґ"));
    CHECK(has_rtl(salaam));
    CHECK(has_rtl(salaam_drawn));
    CHECK(visual_line("Kari (nav.no)", false) == "Kari (nav.no)");
    // Also on a right-to-left page: a Latin line keeps its order, punctuation included.
    CHECK(visual_line("Urgent help today:", true) == "Urgent help today:");
    CHECK(visual_line("Unemployment benefit and lay-offs", true) == "Unemployment benefit and lay-offs");
    CHECK(shape_logical("Kari") == "Kari");
}

TEST_CASE("a line is measured on its joined letters, in reading order") {
    CHECK(shape_logical(salaam) == "\uFEB3\uFEFC\uFEE1");
    // Each letter's four forms, for what a visitor may type: beh alone, final, initial, medial.
    const auto forms = joined_forms("\u0628");
    for (const char* form : {"\uFE8F", "\uFE90", "\uFE91", "\uFE92"})
        CHECK(std::find_if(forms.begin(), forms.end(),
                           [&](const std::string& f) { return f.find(form) != std::string::npos; }) != forms.end());
}

TEST_CASE("on a right-to-left page a line starts at the right edge, and Arabic is measured joined") {
    const FontSet& fonts = skranke::test::shared_fonts(skranke::test::test_dpi, "ar");
    ImFont* font = fonts.body[0];
    // Joined, lam and alef are one glyph: narrower than the letters apart.
    const std::string apart = "\u0633 \u0644 \u0627 \u0645";
    CHECK(text_width(font, salaam.data(), salaam.data() + salaam.size()) <
          text_width(font, apart.data(), apart.data() + apart.size()));
    for (const unsigned int cp : {0xFEE1u, 0xFEFCu, 0xFEB3u})
        CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(cp)) != nullptr);

    ImDrawListSharedData shared;
    shared.Font = font;
    shared.FontSize = font->FontSize;
    shared.TexUvWhitePixel = font->ContainerAtlas->TexUvWhitePixel;
    shared.ClipRectFullscreen = ImVec4(-8192, -8192, 8192, 8192);
    for (const bool rtl : {false, true}) {
        ImDrawList draw(&shared);
        draw._ResetForNewFrame();
        draw.PushClipRectFullScreen();
        draw.PushTextureID(font->ContainerAtlas->TexID);
        Ui ui;
        ui.draw = &draw;
        ui.fonts = &fonts;
        ui.rtl = rtl;
        const Rect rect{100, 100, 900, 400};
        draw_text(ui, font, salaam, rect, 0xFFFFFFFF);
        REQUIRE(draw.VtxBuffer.Size > 0);
        float left = 1e9f, right = -1e9f;
        for (const ImDrawVert& v : draw.VtxBuffer) {
            left = std::min(left, v.pos.x);
            right = std::max(right, v.pos.x);
        }
        CAPTURE(rtl);
        if (rtl) {
            CHECK(right > rect.x1 - font->FontSize);
            CHECK(left > rect.x0 + rect.width() / 2);
        } else {
            CHECK(left < rect.x0 + font->FontSize);
            CHECK(right < rect.x0 + rect.width() / 2);
        }
    }
}
