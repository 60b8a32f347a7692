// Text is big enough to read at 600 mm (cap height >= 7.3 mm at the configured DPI), every
// glyph a language needs is in the atlas, and a missing font names its Debian package.
#include <doctest/doctest.h>

#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8: decodes as ImGui does when it draws

#include <cstdio>
#include <set>

#include "shell/bidi.hpp"
#include "shell/fonts.hpp"
#include "shell/keyboard.hpp"
#include "support/explore.hpp"
#include "support/headless_kiosk.hpp"
#include "support/temp_dir.hpp"

using namespace skranke::ui;

namespace {

// Writes down each character of texts that font cannot draw (ImGui would draw its fallback),
// as drawn: Arabic letters in their joined forms (shell/bidi.hpp).
void note_missing(const ImFont* font, const std::vector<std::string>& texts, const std::string& where,
                  std::set<std::string>& missing) {
    for (const auto& text : texts)
        for (const auto& ch : utf8_characters(has_rtl(text) ? visual_line(text, true) : text)) {
            unsigned int cp = 0;
            ImTextCharFromUtf8(&cp, ch.data(), ch.data() + ch.size());
            if (cp >= 0x20 && font->FindGlyphNoFallback(static_cast<ImWchar>(cp)) == nullptr) {
                char code[16];
                std::snprintf(code, sizeof code, "U+%04X", cp);
                missing.insert(where + ": " + code + " in \"" + text + "\"");
            }
        }
}

}  // namespace

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

TEST_CASE("every character drawn on every page, in every language, is in the atlas") {
    const FontSet& fonts = skranke::test::shared_fonts();
    std::set<std::string> missing;
    std::set<std::string> pages;
    std::set<std::string> cut_in;  // languages where a field showed only the end of its text
    for (const auto& situation : skranke::test::office_situations()) {
        skranke::test::RouteRunner runner(situation.options);
        const auto routes = skranke::test::reachable_pages(situation.options);
        for (const auto& lang : skranke::test::shipped_translations().languages()) {
            for (const auto& route : routes) {
                auto* kiosk = runner.run(skranke::test::in_language(route.taps, lang.code));
                if (!kiosk) continue;
                const std::string where = lang.code + " " + kiosk->page();
                pages.insert(kiosk->page());
                // Every text is drawn through the Ui, which hears it for read-aloud.
                note_missing(fonts.body[0], kiosk->spoken(), where, missing);
                note_missing(fonts.title[0], kiosk->spoken(), where, missing);
                if (kiosk->state().ticket) note_missing(fonts.number, {kiosk->state().ticket->number}, where, missing);
                // Before anyone types at length nothing is cut: an empty field's hint fits whole,
                // with larger text too.
                const auto none_cut = [&](const std::string& at) {
                    for (const auto& text : kiosk->spoken())
                        if (text.find("\u2026") != std::string::npos) FAIL_CHECK(at << ": cut to \"" << text << "\"");
                };
                none_cut(where);
                if (!skranke::test::text_fields(*kiosk).empty() && kiosk->tap("bar.text_size")) {
                    none_cut(where + " larger text");
                    REQUIRE(kiosk->tap("bar.text_size"));
                }
                // A field with more text than it shows: its end, after "…".
                const auto fields = skranke::test::text_fields(*kiosk);
                if (!fields.empty() && kiosk->tap(fields.front())) {
                    const std::string key = skranke::test::first_character_key(*kiosk);
                    bool cut = false;
                    for (int typed = 0; typed < 120 && !cut && kiosk->tap(key); ++typed)
                        for (const auto& text : kiosk->spoken()) cut = cut || text.find("\u2026") != std::string::npos;
                    if (cut) cut_in.insert(lang.code);
                    note_missing(fonts.body[0], kiosk->spoken(), where + " long text", missing);
                }
                if (kiosk->tap("bar.language")) {
                    pages.insert(kiosk->page());
                    note_missing(fonts.body[0], kiosk->spoken(), where + " language menu", missing);
                    note_missing(fonts.title[0], kiosk->spoken(), where + " language menu", missing);
                }
            }
        }
    }
    for (const auto& m : missing) FAIL_CHECK(m);
    CHECK(pages.size() >= 14);  // the walk really went through the flow
    CHECK(cut_in.size() == skranke::test::shipped_translations().languages().size());
}
