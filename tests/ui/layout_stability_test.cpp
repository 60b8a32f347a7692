// Nothing on a screen with typing moves under the visitor's finger because of what they
// typed: every touch target keeps its rectangle while the text grows, while a validation
// message shows (too long, bad phone number, phone required, ...) and after it goes. The
// input screens are found by tapping through the flow (support/explore.hpp), so a new one
// is checked as soon as a button leads to it.
#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include "shell/keyboard.hpp"
#include "shell/text.hpp"
#include "support/explore.hpp"
#include "visitor/screen_context.hpp"

using namespace skranke;
using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;
using skranke::test::Route;

namespace {

struct Placed {
    std::string id;
    ui::Rect rect;
};
using Layout = std::vector<Placed>;

Layout layout_of(const HeadlessKiosk& kiosk) {
    Layout out;
    for (const auto& target : kiosk.targets().targets()) out.push_back({target.id, target.rect});
    return out;
}

std::string describe(const ui::Rect& r) {
    char text[96];
    std::snprintf(text, sizeof text, "(%.1f, %.1f)-(%.1f, %.1f)", static_cast<double>(r.x0), static_cast<double>(r.y0),
                  static_cast<double>(r.x1), static_cast<double>(r.y1));
    return text;
}

bool same(const ui::Rect& a, const ui::Rect& b) {
    return a.x0 == b.x0 && a.y0 == b.y0 && a.x1 == b.x1 && a.y1 == b.y1;
}

// The first difference between a layout and the targets drawn now; empty when every target
// is where it was. Compared in drawing order (no copies: it runs after every key).
std::string difference(const Layout& before, const ui::TouchRecorder& now) {
    const auto& after = now.targets();
    for (std::size_t i = 0; i < before.size() && i < after.size(); ++i) {
        if (before[i].id == after[i].id && same(before[i].rect, after[i].rect)) continue;
        const ui::TouchTarget* moved = now.find(before[i].id);
        if (!moved) return before[i].id + " disappeared";
        if (!same(before[i].rect, moved->rect))
            return before[i].id + " moved from " + describe(before[i].rect) + " to " + describe(moved->rect);
    }
    if (before.size() > after.size()) return before[after.size()].id + " disappeared";
    if (after.size() > before.size())
        return after[before.size()].id + " appeared at " + describe(after[before.size()].rect);
    return {};
}

// A page with text fields, as first reached in some office situation.
struct InputPage {
    HeadlessOptions options;
    Route route;
};

std::vector<InputPage> input_pages() {
    std::vector<InputPage> pages;
    std::set<std::string> seen;
    for (const auto& situation : skranke::test::office_situations()) {
        skranke::test::RouteRunner runner(situation.options);
        for (const Route& route : skranke::test::reachable_pages(situation.options)) {
            const auto* kiosk = runner.run(route.taps);
            if (!kiosk) continue;
            if (!skranke::test::text_fields(*kiosk).empty() && seen.insert(route.page).second)
                pages.push_back({situation.options, route});
        }
    }
    return pages;
}

struct Variant {
    std::string name;
    bool landscape = false;
    std::string language;
    bool large_text = false;
};

std::vector<Variant> variants() {
    std::vector<Variant> out;
    // Every language in portrait (messages differ in length); the other shapes in one with
    // long words and another script.
    for (const auto& lang : skranke::test::shipped_translations().languages())
        out.push_back({"portrait " + lang.code, false, lang.code, false});
    out.push_back({"landscape uk", true, "uk", false});
    out.push_back({"portrait larger text uk", false, "uk", true});
    out.push_back({"landscape larger text uk", true, "uk", true});
    return out;
}

// Drives one input page in one variant and writes down everything that moved.
class PageProbe {
public:
    PageProbe(const InputPage& page, const Variant& variant, std::set<std::string>& messages,
              std::vector<std::string>& problems)
        : page_(page), variant_(variant), messages_(messages), problems_(problems), runner_(shaped(page, variant)) {
        if (variant.large_text) taps_.push_back("bar.text_size");
        for (const auto& tap : skranke::test::in_language(page.route.taps, variant.language)) taps_.push_back(tap);
    }

    void run() {
        auto* kiosk = open();
        if (!kiosk) return;
        const std::vector<std::string> fields = skranke::test::text_fields(*kiosk);
        // Where everything is with nothing typed, for each field being edited.
        for (const auto& field : fields) {
            kiosk->tap(field);
            resting_[field] = layout_of(*kiosk);
        }
        for (const auto& field : fields) {
            next_with_nothing(field);
            next_with_one_key(field);
            type_past_the_limit(field);
        }
    }

private:
    static HeadlessOptions shaped(const InputPage& page, const Variant& variant) {
        HeadlessOptions options = page.options;
        if (variant.landscape) std::swap(options.width, options.height);
        return options;
    }

    HeadlessKiosk* open() {
        auto* kiosk = runner_.run(taps_);
        if (!kiosk || kiosk->page() != page_.route.page) {
            problems_.push_back(where("") + "not reached by its route");
            return nullptr;
        }
        return kiosk;
    }

    std::string where(const std::string& step) const {
        return variant_.name + ", " + page_.route.page + (step.empty() ? "" : ", " + step) + ": ";
    }

    // Compares the layout with the resting one of the field being edited. False once the
    // kiosk has left the page (a valid entry goes on).
    bool still(const HeadlessKiosk& kiosk, const std::string& step) {
        if (kiosk.page() != page_.route.page) return false;
        const auto resting = resting_.find("field." + std::string(visitor::field_name(kiosk.state().editing)));
        if (resting == resting_.end()) {
            problems_.push_back(where(step) + "no field is being edited");
            return false;
        }
        const auto moved = difference(resting->second, kiosk.targets());
        if (!moved.empty() && reported_.insert(step.substr(0, step.find(' '))).second)  // once a field
            problems_.push_back(where(step) + moved +
                                (kiosk.state().error_key.empty() ? "" : " (showing " + kiosk.state().error_key + ")"));
        if (!kiosk.state().error_key.empty()) messages_.insert(kiosk.state().error_key);
        return true;
    }

    void next_with_nothing(const std::string& field) {
        auto* kiosk = open();
        if (!kiosk || !kiosk->tap(field)) return;
        if (kiosk->tap("nav.next")) still(*kiosk, field + " empty, Next");
    }

    void next_with_one_key(const std::string& field) {
        auto* kiosk = open();
        if (!kiosk || !kiosk->tap(field)) return;
        const std::string key = skranke::test::first_character_key(*kiosk);
        if (!kiosk->tap(key) || !still(*kiosk, field + " one key")) return;
        if (kiosk->tap("nav.next")) still(*kiosk, field + " one key, Next");
    }

    // Every field has a limit: type until the message says so, then one more, then delete.
    void type_past_the_limit(const std::string& field) {
        auto* kiosk = open();
        if (!kiosk || !kiosk->tap(field)) return;
        const std::string key = skranke::test::first_character_key(*kiosk);
        int typed = 0;
        for (; typed < 1000 && kiosk->state().error_key.empty(); ++typed)
            if (!kiosk->tap(key) || !still(*kiosk, field + " typing " + std::to_string(typed + 1) + " keys")) return;
        if (kiosk->state().error_key.empty()) {
            problems_.push_back(where(field) + "1000 keys typed and no message that the text is too long");
            return;
        }
        if (!kiosk->tap(key) || !still(*kiosk, field + " too long, one key more")) return;
        if (!kiosk->tap("key.backspace") || !still(*kiosk, field + " too long, backspace")) return;
        if (!kiosk->state().error_key.empty()) problems_.push_back(where(field) + "backspace kept the message");
        if (kiosk->tap("nav.next")) still(*kiosk, field + " at the limit, Next");
    }

    const InputPage& page_;
    const Variant& variant_;
    std::set<std::string>& messages_;
    std::vector<std::string>& problems_;
    skranke::test::RouteRunner runner_;
    std::vector<std::string> taps_;
    std::map<std::string, Layout> resting_;
    std::set<std::string> reported_;
};

}  // namespace

TEST_CASE("no touch target on a screen with typing moves because of what was typed or a message about it") {
    const auto pages = input_pages();
    std::set<std::string> page_names;
    for (const auto& page : pages) page_names.insert(page.route.page);
    INFO("input pages found by tapping: " << page_names.size());
    for (const char* expected : {"details", "appointment_details", "callback_phone"}) {
        CAPTURE(expected);
        CHECK(page_names.count(expected) == 1);
    }

    std::set<std::string> messages;
    std::vector<std::string> problems;
    for (const auto& variant : variants())
        for (const auto& page : pages) PageProbe(page, variant, messages, problems).run();

    // The probes did reach each kind of message (else this test would prove nothing).
    for (const char* expected : {"error.text_too_long", "error.phone_format", "error.phone_required"}) {
        CAPTURE(expected);
        CHECK(messages.count(expected) == 1);
    }
    for (std::size_t i = 0; i < problems.size() && i < 12; ++i) FAIL_CHECK(problems[i]);
    CHECK(problems.size() == 0);
}

TEST_CASE("a field too small for its text shows a full line of its end, after \"…\"") {
    ImFont* font = skranke::test::shared_fonts(skranke::test::test_dpi, "uk").body[0];
    const float width = 600;
    const std::string ellipsis = "\u2026";
    for (const std::string& text :
         {std::string(500, 'q'), std::string("one two three four five six seven eight nine ten"),
          std::string("Ґрунтовний опис того, що сталося вчора ввечері біля дверей")}) {
        CAPTURE(text);
        const std::string shown = ui::last_lines(font, text, width, 1);
        REQUIRE(shown.rfind(ellipsis, 0) == 0);
        CHECK(text.size() >= shown.size() - ellipsis.size());
        CHECK(text.substr(text.size() - (shown.size() - ellipsis.size())) == shown.substr(ellipsis.size()));
        CHECK(ui::text_height(font, shown, width, ui::LongWords::break_inside) == doctest::Approx(font->FontSize));
        // One more character would not fit: the line is as full as it can be.
        const std::size_t kept = shown.size() - ellipsis.size();
        std::size_t more = text.size() - kept - 1;
        while (more > 0 && (static_cast<unsigned char>(text[more]) & 0xC0) == 0x80) --more;
        CHECK(ui::text_height(font, ellipsis + text.substr(more), width, ui::LongWords::break_inside) > font->FontSize);
    }
    CHECK(ui::last_lines(font, "short", width, 1) == "short");
}

TEST_CASE("lines break between words, never inside one nor at a full stop inside an address") {
    ImFont* font = skranke::test::shared_fonts().body[0];
    const auto lines_of = [&](const std::string& text, float width) {
        std::vector<std::string> out;
        for (const ui::TextLine& line : ui::wrap_text(font, text, width)) out.emplace_back(line.begin, line.end);
        return out;
    };
    const auto width_of = [&](const std::string& text) {
        return font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, text.c_str()).x;
    };
    // "nav.no" fits only alone: it moves to the next line whole, never "nav." and "no".
    const std::string address = "Read more at nav.no";
    const float narrow = width_of("Read more at nav.") + 1;
    REQUIRE(narrow < width_of(address));
    CHECK(lines_of(address, narrow) == std::vector<std::string>{"Read more at", "nav.no"});
    // A word wider than the line stays whole on a line of its own, drawn smaller to fit.
    const std::string word = "Unemployment";
    const std::string sentence = "Help with " + word + " benefit";  // the lines point into it
    const auto lines = ui::wrap_text(font, sentence, width_of("Unemploym"));
    std::string joined;
    bool whole = false;
    for (const auto& line : lines) {
        const std::string text(line.begin, line.end);
        joined += (joined.empty() ? "" : " ") + text;
        if (text == word) {
            whole = true;
            CHECK(line.scale < 1.0f);
            CHECK(line.scale * width_of(word) <= width_of("Unemploym") + 0.5f);
        } else {
            CHECK(line.scale == 1.0f);
            CHECK(width_of(text) <= width_of("Unemploym"));
        }
    }
    CHECK(whole);
    CHECK(joined == sentence);  // nothing lost, nothing split
    // A compound word may break after its hyphen; the hyphen stays on the first line.
    CHECK(lines_of("sosial-stønad", width_of("sosial-stø")) == std::vector<std::string>{"sosial-", "stønad"});
    // Typed text is shown to its end: there a long word does break, on a code point.
    const std::string long_word = "Ґрунтовнийопис";
    const auto typed = ui::wrap_text(font, long_word, width_of("Ґрунт"), ui::LongWords::break_inside);
    REQUIRE(typed.size() > 1);
    for (const auto& line : typed) CHECK(ui::utf8_characters(std::string(line.begin, line.end)).size() > 0);
}
