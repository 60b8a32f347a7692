// Finds every visitor page by tapping, the way a curious visitor would: from the start,
// each button on each page is tried on a fresh kiosk, and each new page is remembered with
// the taps that reach it. Tests over "every screen" use this, so a new screen is covered
// as soon as a button leads to it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/headless_kiosk.hpp"

namespace skranke::test {

struct Route {
    std::vector<std::string> taps;  // target ids, in order, from a new kiosk
    std::string page;               // where they lead
};

// Replays routes on one kiosk, wiped with "Start over" between them (a new kiosk only when
// that is not on screen): a new store file per route would make these tests slow.
class RouteRunner {
public:
    explicit RouteRunner(HeadlessOptions options) : options_(std::move(options)) {}
    // The kiosk after the taps, from the start page; nullptr when a tap is not on screen.
    HeadlessKiosk* run(const std::vector<std::string>& taps);
    const HeadlessOptions& options() const { return options_; }

private:
    HeadlessOptions options_;
    std::unique_ptr<HeadlessKiosk> kiosk_;
    std::string start_page_;
};

// Every page reachable by taps (not counting the tool bar's menus), the start page first.
// Bounded: at most max_tries buttons are tried.
std::vector<Route> reachable_pages(const HeadlessOptions& options, int max_tries = 400);

// The office situations that decide which pages exist: open, closed (callback requests)
// and open for appointments only.
struct OfficeSituation {
    std::string name;
    HeadlessOptions options;
};
std::vector<OfficeSituation> office_situations();

// The route with its language choice on the start page replaced by code (unchanged when
// the route chooses no language).
std::vector<std::string> in_language(const std::vector<std::string>& taps, std::string_view code);

// True for target ids that belong to typing: the keys and the text fields.
bool is_typing_target(std::string_view id);

// The first key on screen that types a character (not shift, space or backspace); empty if none.
std::string first_character_key(const HeadlessKiosk& kiosk);
// The text fields on screen, in drawing order.
std::vector<std::string> text_fields(const HeadlessKiosk& kiosk);

}  // namespace skranke::test
