// Physical sizes on the screens a kiosk is sold with: at 92, 96 and 102 dpi (the 21.5"
// 1080x1920 panel), upright and on its side, every on-screen letter keyboard keeps each row
// on one line with keys of at least 20 mm and gaps of at least 3 mm, the whole keyboard
// (shift, space and backspace too) is on screen without scrolling, with larger text too,
// and body text capitals are at least 7.3 mm tall.
#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include <imgui.h>

#include "shell/fonts.hpp"
#include "shell/keyboard.hpp"
#include "support/headless_kiosk.hpp"

using namespace skranke;
using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;

namespace {

constexpr float shipped_dpis[] = {92.0f, 96.0f, 102.0f};
constexpr float tolerance_mm = 0.01f;  // float arithmetic, not rounding to whole pixels

struct Shape {
    std::string name;
    float width, height;
};
const Shape shapes[] = {{"portrait", 1080, 1920}, {"landscape", 1920, 1080}};

// The first shipped language for each keyboard layout.
std::map<std::string, std::string> language_per_layout() {
    std::map<std::string, std::string> out;
    for (const auto& lang : skranke::test::shipped_translations().languages()) out.emplace(lang.keyboard, lang.code);
    return out;
}

// "key.<row>.<index>" of a letter row; false for shift, space and backspace.
bool letter_key(const std::string& id, int& row) {
    int index = 0;
    return std::sscanf(id.c_str(), "key.%d.%d", &row, &index) == 2;
}

struct Measured {
    float narrowest_key_mm = 1e9f;
    float smallest_gap_mm = 1e9f;
    std::size_t longest_line = 0;  // most keys side by side
};

// Checks the keyboard on screen; problems are written down with where.
void check_keyboard(const HeadlessKiosk& kiosk, const ui::KeyboardLayout& layout, const std::string& where, float width,
                    float height, Measured& measured, std::vector<std::string>& problems) {
    const ui::PhysicalScale scale = kiosk.scale();
    const auto& targets = kiosk.targets().targets();
    const auto note = [&](const std::string& what) { problems.push_back(where + ": " + what); };
    std::map<int, std::map<float, std::size_t>> lines;  // row -> top edge -> keys on it
    std::size_t keys = 0;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const auto& a = targets[i];
        if (a.id.rfind("key.", 0) != 0) continue;
        ++keys;
        const float side_mm = scale.mm(std::min(a.rect.width(), a.rect.height()));
        measured.narrowest_key_mm = std::min(measured.narrowest_key_mm, side_mm);
        std::ostringstream out;
        if (side_mm < ui::min_target_mm - tolerance_mm) out << a.id << " is " << side_mm << " mm; ";
        if (a.rect.x0 < 0 || a.rect.y0 < 0 || a.rect.x1 > width || a.rect.y1 > height)
            out << a.id << " is outside the window; ";
        if (a.visible.height() < a.rect.height() - 0.5f || a.visible.width() < a.rect.width() - 0.5f)
            out << a.id << " is not wholly on screen without scrolling; ";
        if (!out.str().empty()) note(out.str());
        for (std::size_t j = 0; j < targets.size(); ++j) {
            if (j == i || targets[j].visible.empty()) continue;  // scrolled out of view
            const float gap_mm = scale.mm(ui::gap_between(a.visible, targets[j].visible));
            if (targets[j].id.rfind("key.", 0) == 0)
                measured.smallest_gap_mm = std::min(measured.smallest_gap_mm, gap_mm);
            if (gap_mm < ui::min_gap_mm - tolerance_mm) {
                std::ostringstream gap;
                gap << a.id << " and " << targets[j].id << " are " << gap_mm << " mm apart";
                note(gap.str());
            }
        }
        if (int row = 0; letter_key(a.id, row)) ++lines[row][a.rect.y0];
    }
    const bool forms_open = !kiosk.state().keyboard.consonant.empty();
    for (const char* id : {"key.space", "key.backspace"})
        if (!kiosk.targets().find(id)) note(std::string(id) + " is not drawn");
    if (ui::has_capitals(layout) && !kiosk.targets().find("key.shift")) note("key.shift is not drawn");
    if (forms_open) {  // a consonant's forms in place of the rows, and the way back
        if (!kiosk.targets().find("key.all_letters")) note("key.all_letters is not drawn");
        if (!kiosk.targets().find("key.form.0")) note("no forms");
        return;
    }
    for (std::size_t row = 0; row < layout.rows.size(); ++row) {
        const std::size_t wanted = ui::utf8_characters(layout.rows[row].first).size();
        const auto found = lines.find(static_cast<int>(row));
        const std::size_t drawn = found == lines.end() ? 0 : found->second.size();
        if (drawn != 1) note("row " + std::to_string(row) + " is on " + std::to_string(drawn) + " lines");
        if (drawn == 1) {
            const std::size_t on_line = found->second.begin()->second;
            measured.longest_line = std::max(measured.longest_line, on_line);
            if (on_line != wanted) note("row " + std::to_string(row) + " has " + std::to_string(on_line) + " keys");
        }
    }
    if (keys == 0) note("no keyboard");
}

// The capitals' height in pixels inked all through: the rows of 'H' in the atlas where some
// pixel is (nearly) fully covered. Stricter than the glyph's box, which counts the top row
// that the cap's edge only partly covers.
float inked_cap_px(const ImFont* font) {
    const ImFontGlyph* h = font->FindGlyphNoFallback('H');
    const ImFontAtlas* atlas = font->ContainerAtlas;
    REQUIRE(h != nullptr);
    REQUIRE(atlas->TexPixelsAlpha8 != nullptr);
    const int x0 = static_cast<int>(h->U0 * static_cast<float>(atlas->TexWidth) + 0.5f);
    const int x1 = static_cast<int>(h->U1 * static_cast<float>(atlas->TexWidth) + 0.5f);
    const int y0 = static_cast<int>(h->V0 * static_cast<float>(atlas->TexHeight) + 0.5f);
    const int y1 = static_cast<int>(h->V1 * static_cast<float>(atlas->TexHeight) + 0.5f);
    int rows = 0;
    for (int y = y0; y < y1; ++y) {
        unsigned char most = 0;
        for (int x = x0; x < x1; ++x) most = std::max(most, atlas->TexPixelsAlpha8[y * atlas->TexWidth + x]);
        if (most >= 250) ++rows;
    }
    return static_cast<float>(rows);
}

// The keyboard on the kiosk's page, in lower case and after shift (a script with capitals),
// or with a consonant's forms open (a syllable keyboard: the one with the most forms).
void check_both_cases(HeadlessKiosk& kiosk, const ui::KeyboardLayout& layout, const std::string& at, const Shape& shape,
                      Measured& measured, std::vector<std::string>& problems) {
    const std::string where = at + " " + kiosk.page();
    check_keyboard(kiosk, layout, where, shape.width, shape.height, measured, problems);
    if (!layout.forms.empty()) {
        std::string most, key;
        std::size_t most_forms = 0;
        for (const auto& [consonant, forms] : layout.forms)
            if (const std::size_t n = ui::utf8_characters(forms).size(); n > most_forms) {
                most = consonant;
                most_forms = n;
            }
        for (const auto& t : kiosk.targets().targets())
            if (t.label == most && t.id.rfind("key.", 0) == 0) key = t.id;
        if (key.empty() || !kiosk.tap(key)) {
            problems.push_back(where + ": the consonant " + most + " cannot be tapped");
            return;
        }
        check_keyboard(kiosk, layout, where + " forms of " + most, shape.width, shape.height, measured, problems);
        if (!kiosk.tap("key.all_letters")) problems.push_back(where + ": All letters cannot be tapped");
        return;
    }
    if (!ui::has_capitals(layout)) return;
    if (!kiosk.tap("key.shift")) {
        problems.push_back(where + ": shift cannot be tapped");
        return;
    }
    check_keyboard(kiosk, layout, where + " shift", shape.width, shape.height, measured, problems);
}

}  // namespace

TEST_CASE("every letter keyboard keeps its rows whole, 20 mm keys and 3 mm gaps, on screen at 92, 96 and 102 dpi") {
    const auto languages = language_per_layout();
    for (const auto& name : ui::keyboard_layout_names()) CHECK_MESSAGE(languages.count(name) == 1, name);
    // Digits first, on every layout: appointment references and addresses need them.
    for (const auto& name : ui::keyboard_layout_names())
        CHECK(ui::keyboard_layout(name).rows.front() ==
              std::pair<std::string, std::string>{"1234567890", "1234567890"});

    std::vector<std::string> problems;
    std::set<std::string> checked;
    for (const float dpi : shipped_dpis)
        for (const Shape& shape : shapes) {
            Measured measured;
            for (const auto& [layout_name, lang] : languages) {
                const ui::KeyboardLayout& layout = ui::keyboard_layout(layout_name);
                HeadlessOptions options;
                options.width = shape.width;
                options.height = shape.height;
                options.config.dpi = dpi;
                std::ostringstream at;
                at << shape.name << " " << dpi << " dpi " << layout_name;
                // The pages with a letter keyboard: the details (description, name) and the
                // appointment's (name, reference), in lower and upper case.
                for (const bool larger : {false, true}) {
                    // Larger text makes the page taller, never the keyboard: it stays in place
                    // below or beside the page, and the page above it scrolls.
                    HeadlessKiosk kiosk(options);
                    if (larger) REQUIRE(kiosk.tap("bar.text_size"));
                    REQUIRE(kiosk.walk_in(lang, "social_rent"));
                    REQUIRE(kiosk.tap("nav.next"));
                    REQUIRE(kiosk.page() == "details");
                    check_both_cases(kiosk, layout, at.str() + (larger ? " larger text" : ""), shape, measured, problems);
                    REQUIRE(kiosk.type("1"));  // the digit row types
                    CHECK(kiosk.state().form.description.find('1') != std::string::npos);
                }
                {
                    HeadlessKiosk kiosk(options);
                    REQUIRE(kiosk.scroll_and_tap("language." + lang, ""));
                    REQUIRE(kiosk.tap("appointment.yes"));
                    REQUIRE(kiosk.tap("appointment_time.unknown"));
                    REQUIRE(kiosk.page() == "appointment_details");
                    check_both_cases(kiosk, layout, at.str(), shape, measured, problems);
                }
                checked.insert(at.str());
            }
            MESSAGE(shape.name << " at " << dpi << " dpi: keys " << measured.narrowest_key_mm << " mm or wider, gaps "
                               << measured.smallest_gap_mm << " mm or more, " << measured.longest_line
                               << " keys on the longest line");
            CHECK(measured.narrowest_key_mm >= ui::min_target_mm - tolerance_mm);
            CHECK(measured.smallest_gap_mm >= ui::min_gap_mm - tolerance_mm);
            // The widest rows (Norwegian, Ukrainian) have 11 keys: on the 21.5" panel upright
            // they stay on one line.
            if (dpi == 102.0f && shape.width == 1080) CHECK(measured.longest_line == 11);
        }
    CHECK(checked.size() == std::size(shipped_dpis) * std::size(shapes) * languages.size());
    for (const auto& p : problems) FAIL_CHECK(p);
}

TEST_CASE("body text capitals are at least 7.3 mm tall, in wholly inked pixels, at every dpi") {
    // 92, 96 and 102: the shipped screens; 60 and 72: where whole pixels once took 7.6 mm
    // capitals below 7.3 mm.
    for (const float dpi : {92.0f, 96.0f, 102.0f, 60.0f, 72.0f}) {
        const ui::FontSet& fonts = skranke::test::shared_fonts(dpi);
        const ui::PhysicalScale scale{dpi};
        for (const ImFont* font : {fonts.body[0], fonts.body[1], fonts.title[0]}) {
            const float inked = scale.mm(inked_cap_px(font));
            const float box = scale.mm(ui::cap_height_px(font));
            if (font == fonts.body[0])
                MESSAGE("body capitals at " << dpi << " dpi: " << inked << " mm wholly inked, " << box
                                            << " mm with the partly inked row");
            CHECK(inked >= ui::min_body_cap_mm);
            CHECK(box >= ui::min_body_cap_mm);
        }
    }
}
