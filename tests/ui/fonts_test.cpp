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

TEST_CASE("each language's atlas has every character of its texts, its keyboard and every language's name") {
    const auto& translations = skranke::test::shipped_translations();
    for (const auto& lang : translations.languages()) {
        CAPTURE(lang.code);
        const FontSet& fonts = skranke::test::shared_fonts(skranke::test::test_dpi, lang.code);
        auto texts = translations.screen_texts(lang.code);
        for (auto& k : keyboard_characters(keyboard_layout(lang.keyboard))) texts.push_back(k);
        for (const auto& other : translations.languages()) texts.push_back(other.native_name);
        for (unsigned int cp : glyphs_for(texts)) {
            CAPTURE(cp);
            CHECK(fonts.body[0]->FindGlyphNoFallback(static_cast<ImWchar>(cp)) != nullptr);
        }
    }
    // One language at a time: Norwegian's atlas holds no Arabic or Ethiopic letter.
    const FontSet& nb = skranke::test::shared_fonts(skranke::test::test_dpi, "nb");
    CHECK(nb.body[0]->FindGlyphNoFallback(0x0628) == nullptr);  // ب
    CHECK(nb.body[0]->FindGlyphNoFallback(0x1200) == nullptr);  // ሀ
    for (const char* word : {"æøåÆØÅ", "ąćęłńóśźż", "ґєіїҐЄІЇ"})
        for (const auto& ch : utf8_characters(word)) CHECK(glyphs_for({ch}).size() == glyphs_for({}).size() + 1);
}

TEST_CASE("text typed on one language's keyboard is still drawn after the visitor changes language") {
    skranke::test::HeadlessKiosk kiosk;
    REQUIRE(kiosk.walk_in("ar", "social_rent"));
    REQUIRE(kiosk.tap("children.no"));
    REQUIRE(kiosk.tap("interpreter.no"));
    REQUIRE(kiosk.tap("nav.next"));
    REQUIRE(kiosk.page() == "details");
    REQUIRE(kiosk.tap(skranke::test::text_fields(kiosk).front()));
    const std::string typed = "\u0628\u0627\u0628";  // باب, typed on the Arabic keyboard
    REQUIRE(kiosk.type(typed));
    REQUIRE(kiosk.state().form.description + kiosk.state().form.name == typed);
    REQUIRE(kiosk.tap("bar.language"));
    REQUIRE(kiosk.scroll_and_tap("menu.language.nb", ""));
    kiosk.frame();
    REQUIRE(kiosk.state().language == "nb");
    CHECK(kiosk.said(typed));
    std::set<std::string> missing;
    note_missing(kiosk.fonts().body[0], kiosk.spoken(), "nb after ar", missing);
    for (const auto& m : missing) FAIL_CHECK(m);
    // Not Norwegian's own atlas: that one has no Arabic letter.
    CHECK(&kiosk.fonts() != &skranke::test::shared_fonts(skranke::test::test_dpi, "nb"));
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
                note_missing(kiosk->fonts().body[0], kiosk->spoken(), where, missing);
                // The title fonts hold the titles' characters only: whatever is drawn in them.
                CHECK_FALSE(kiosk->titles().empty());
                note_missing(kiosk->fonts().title[0], kiosk->titles(), where, missing);
                note_missing(kiosk->fonts().title[1], kiosk->titles(), where, missing);
                if (kiosk->state().ticket) note_missing(kiosk->fonts().number, {kiosk->state().ticket->number}, where, missing);
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
                    note_missing(kiosk->fonts().body[0], kiosk->spoken(), where + " long text", missing);
                }
                if (kiosk->tap("bar.language")) {
                    pages.insert(kiosk->page());
                    note_missing(kiosk->fonts().body[0], kiosk->spoken(), where + " language menu", missing);
                    note_missing(kiosk->fonts().title[0], kiosk->titles(), where + " language menu", missing);
                }
            }
        }
    }
    for (const auto& m : missing) FAIL_CHECK(m);
    CHECK(pages.size() >= 14);  // the walk really went through the flow
    CHECK(cut_in.size() == skranke::test::shipped_translations().languages().size());
}
