// Every touch target on every screen, in both orientations, every language and both text
// sizes, is at least 20 mm on its short side with at least 3 mm between targets, and its
// label fits inside it. The rectangles come from the one button wrapper all screens use.
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "support/headless_kiosk.hpp"
#include "support/store_fixture.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;

namespace {

struct Audit {
    std::set<std::string> pages;
    std::vector<std::string> problems;

    void check(HeadlessKiosk& kiosk, const std::string& where) {
        const auto scale = kiosk.scale();
        const auto& targets = kiosk.targets().targets();
        pages.insert(kiosk.page());
        if (targets.empty()) problems.push_back(where + " " + kiosk.page() + ": no touch targets at all");
        const float min_side = scale.px(skranke::ui::min_target_mm) - 0.5f;
        const float min_gap = scale.px(skranke::ui::min_gap_mm) - 0.5f;
        for (std::size_t i = 0; i < targets.size(); ++i) {
            const auto& a = targets[i];
            const float side = std::min(a.rect.width(), a.rect.height());
            if (side < min_side) {
                std::ostringstream out;
                out << where << " " << kiosk.page() << ": " << a.id << " is " << scale.mm(side) << " mm";
                problems.push_back(out.str());
            }
            if (!a.text_fits) problems.push_back(where + " " + kiosk.page() + ": the label of " + a.id + " is cut off");
            for (std::size_t j = i + 1; j < targets.size(); ++j) {
                const auto& b = targets[j];
                if (a.visible.empty() || b.visible.empty()) continue;
                const float gap = skranke::ui::gap_between(a.visible, b.visible);
                if (gap < min_gap) {
                    std::ostringstream out;
                    out << where << " " << kiosk.page() << ": " << a.id << " and " << b.id << " are " << scale.mm(gap)
                        << " mm apart";
                    problems.push_back(out.str());
                }
            }
        }
    }
};

HeadlessOptions shape(bool portrait) {
    HeadlessOptions options;
    options.width = portrait ? 1080.0f : 1920.0f;
    options.height = portrait ? 1920.0f : 1080.0f;
    return options;
}

// A room for one, with one waiting in it; sms_near_front as the office sets it.
HeadlessOptions room_full_options(bool portrait, int sms_near_front) {
    HeadlessOptions options = shape(portrait);
    options.config.office.room_capacity = 1;
    options.config.office.sms_near_front = sms_near_front;
    return options;
}

// Someone already waits inside; the visitor chooses a language and finds the room full.
void to_full_room(HeadlessKiosk& kiosk, bool large_text, const std::string& lang) {
    REQUIRE(kiosk.store()->issue_ticket(skranke::test::plain_request(), skranke::test::shipped_catalogue(),
                                        skranke::test::test_time_ms(0, -10)).ok());
    kiosk.store_written();
    if (large_text) REQUIRE(kiosk.tap("bar.text_size"));
    REQUIRE(kiosk.scroll_and_tap("language." + lang, ""));
    REQUIRE(kiosk.page() == "room_full");
}

void walk_every_screen(Audit& audit, bool portrait, bool large_text, const std::string& lang) {
    const std::string where =
        std::string(portrait ? "portrait" : "landscape") + (large_text ? " large" : "") + " " + lang;
    {
        HeadlessKiosk kiosk(shape(portrait));
        if (large_text) REQUIRE(kiosk.tap("bar.text_size"));
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("bar.language"));
        audit.check(kiosk, where);
        REQUIRE(kiosk.scroll_and_tap("menu.language." + lang, ""));
        REQUIRE(kiosk.scroll_and_tap("language." + lang, ""));
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("appointment.yes"));
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("appointment_time.unknown"));
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("nav.back"));
        REQUIRE(kiosk.tap("nav.back"));
        REQUIRE(kiosk.tap("appointment.no"));
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("need.emergency_food"));
        REQUIRE(kiosk.tap("interpreter.yes"));
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("nav.next"));
        // Under «Show more» in landscape with larger text; every layout has it, Shift only
        // a script with capitals.
        REQUIRE(kiosk.scroll_and_tap("key.backspace", ""));
        audit.check(kiosk, where);
        // A syllable keyboard's consonant opens its forms (Tigrinya): they are keys too.
        REQUIRE(kiosk.scroll_and_tap("key.1.0", ""));
        if (!kiosk.state().keyboard.consonant.empty()) {
            audit.check(kiosk, where + " forms");
            REQUIRE(kiosk.scroll_and_tap("key.all_letters", ""));
        }
        INFO(where);
        REQUIRE(kiosk.scroll_and_tap("field.phone", ""));  // below the fold with larger text
        audit.check(kiosk, where);
        kiosk.wait_seconds(61);
        REQUIRE(kiosk.page() == "details-idle");
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("idle.yes"));
        REQUIRE(kiosk.tap("nav.next"));
        audit.check(kiosk, where);
        REQUIRE(kiosk.scroll_and_tap("confirm.get_ticket", ""));  // under «Show more» with larger text
        REQUIRE(kiosk.page() == "ticket");
        audit.check(kiosk, where);
    }
    {
        HeadlessOptions options = shape(portrait);
        options.config.office.hours.week[5] = {};  // closed on Saturdays
        options.wall_ms = skranke::test::test_time_ms(5);
        options.config.office.entry_notice = true;
        HeadlessKiosk kiosk(options);
        if (large_text) REQUIRE(kiosk.tap("bar.text_size"));
        REQUIRE(kiosk.scroll_and_tap("language." + lang, ""));
        REQUIRE(kiosk.page() == "notice");
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("notice.continue"));
        REQUIRE(kiosk.page() == "closed");
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("closed.callback"));
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("need.social_rent"));
        audit.check(kiosk, where);
        REQUIRE(kiosk.type("91234567"));
        REQUIRE(kiosk.tap("nav.next"));
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("callback.send"));
        audit.check(kiosk, where);
    }
    {
        // The waiting room full: its screen, and the need screen with only the urgent needs.
        HeadlessKiosk kiosk(room_full_options(portrait, 0));
        to_full_room(kiosk, large_text, lang);
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("room_full.urgent"));
        REQUIRE(kiosk.page() == "need");
        audit.check(kiosk, where + " room full");
    }
    {
        // The office sends SMS and the room is full: the way to wait outside, the SMS question
        // (unanswered, with its message, with the phone pad), the need screen with every need,
        // and the summary and ticket that say so.
        HeadlessKiosk kiosk(room_full_options(portrait, 3));
        to_full_room(kiosk, large_text, lang);
        audit.check(kiosk, where + " sms");
        INFO(where);
        REQUIRE(kiosk.scroll_and_tap("room_full.outside", "room_full.appointment"));
        REQUIRE(kiosk.page() == "sms");
        audit.check(kiosk, where);
        REQUIRE(kiosk.tap("nav.next"));
        REQUIRE(kiosk.state().error_key == "error.sms_choose");
        audit.check(kiosk, where + " unanswered");
        REQUIRE(kiosk.scroll_and_tap("sms_consent.yes", ""));  // below the text with larger text
        REQUIRE(kiosk.state().form.sms == true);
        audit.check(kiosk, where + " phone pad");
        // Typed by intents: the pad may be below the fold beside the field in landscape.
        for (const char* digit : {"9", "1", "2", "3", "4", "5", "6", "7"})
            kiosk.app().apply({skranke::visitor::IntentKind::key, digit, false, skranke::ui::KeyKind::text}, {}, 1001.0);
        REQUIRE(kiosk.tap("nav.next"));
        REQUIRE(kiosk.page() == "need");
        audit.check(kiosk, where + " outside");
        REQUIRE(kiosk.tap("need.emergency_food"));
        REQUIRE(kiosk.skip_to_confirm());
        audit.check(kiosk, where + " sms");
        REQUIRE(kiosk.scroll_and_tap("confirm.get_ticket", ""));  // the SMS line pushes it below the fold
        REQUIRE(kiosk.page() == "ticket");
        audit.check(kiosk, where + " sms");
    }
    {
        HeadlessOptions options = shape(portrait);
        options.store = skranke::test::StoreMode::cannot_open;
        HeadlessKiosk kiosk(options);
        if (large_text) REQUIRE(kiosk.tap("bar.text_size"));
        REQUIRE(kiosk.scroll_and_tap("language." + lang, ""));
        REQUIRE(kiosk.page() == "reception");
        audit.check(kiosk, where);
    }
}

}  // namespace

TEST_CASE("on a dense screen (120 DPI) the keyboards split rows rather than shrink keys") {
    Audit audit;
    for (const std::string lang : {"nb", "uk", "pl"}) {
        HeadlessOptions options;
        options.config.dpi = 120;
        HeadlessKiosk kiosk(options);
        REQUIRE(kiosk.walk_in(lang, "social_rent"));
        REQUIRE(kiosk.tap("nav.next"));
        audit.check(kiosk, "portrait 120 dpi " + lang);
        const std::string word = lang == "uk" ? "аб" : "ab";
        REQUIRE(kiosk.type(word));
        CHECK(kiosk.state().form.description == word);
    }
    for (const auto& p : audit.problems) FAIL_CHECK(p);
}

TEST_CASE("every touch target is at least 20 mm with 3 mm gaps, on every screen") {
    Audit audit;
    for (bool portrait : {true, false})
        for (bool large_text : {false, true})
            for (const auto& lang : skranke::test::shipped_translations().languages())
                walk_every_screen(audit, portrait, large_text, lang.code);
    for (const auto& p : audit.problems) FAIL_CHECK(p);
    // The walk really reached every screen and overlay.
    for (auto screen : skranke::visitor::all_screens)
        CHECK(audit.pages.count(std::string(skranke::visitor::screen_name(screen))) == 1);
    CHECK(audit.pages.count("details-idle") == 1);
    CHECK(audit.pages.count("start-languages") == 1);
}
