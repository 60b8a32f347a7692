#include "visitor/screen_reader.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace skranke::visitor {

KeypadAction keypad_action(int glfw_key) {
    switch (glfw_key) {
        case keypad::kp_2:
        case keypad::kp_6:
            return KeypadAction::next;
        case keypad::kp_8:
        case keypad::kp_4:
            return KeypadAction::previous;
        case keypad::kp_5:
        case keypad::kp_enter:
            return KeypadAction::activate;
        case keypad::kp_0:
            return KeypadAction::read_all;
        default:
            return KeypadAction::none;
    }
}

std::vector<ReaderElement> reader_elements(const std::vector<ui::SpokenText>& spoken,
                                           const std::vector<ui::TouchTarget>& targets, const ReaderWords& words) {
    std::vector<ReaderElement> elements;
    const auto target_of = [&](const ui::Rect& where) -> const ui::TouchTarget* {
        const ImVec2 c = where.centre();
        const ui::TouchTarget* found = nullptr;
        for (const auto& t : targets)
            if (t.rect.contains(c.x, c.y)) found = &t;  // the last drawn is on top
        return found;
    };
    for (const ui::SpokenText& s : spoken) {
        if (s.where.empty()) continue;
        const ui::TouchTarget* t = target_of(s.where);
        if (t && !elements.empty() && elements.back().target == t->id) {
            elements.back().words.push_back(s);
            continue;
        }
        elements.push_back({t ? t->id : std::string{}, t ? t->visible : s.where, {s}});
    }
    for (const auto& t : targets)  // a target with no text of its own is still there
        if (std::none_of(elements.begin(), elements.end(), [&](const ReaderElement& e) { return e.target == t.id; }))
            elements.push_back({t.id, t.visible, {ui::SpokenText{t.label, t.label, t.visible}}});
    for (ReaderElement& e : elements) {
        if (e.target.empty()) continue;
        const ui::TouchTarget* t = nullptr;
        for (const auto& candidate : targets)
            if (candidate.id == e.target) t = &candidate;
        // Which answer was chosen is the visitor's answer: on a headset only, as read-aloud.
        if (t && t->selected) e.words.push_back({words.selected, {}});
        const std::string& kind = e.target.rfind("key.", 0) == 0     ? words.key
                                  : e.target.rfind("field.", 0) == 0 ? words.field
                                                                     : words.button;
        e.words.push_back({kind, kind});
    }
    return elements;
}

// [SECTION] Gestures

namespace {

constexpr Finger no_finger{-FLT_MAX, -FLT_MAX, false};

}  // namespace

ReaderGestures::Step ReaderGestures::step(Finger raw, bool on, double now_s, float drag_px) {
    Step s;
    const bool pressed = raw.down && !down_;
    const bool released = !raw.down && down_;
    down_ = raw.down;
    if (pressed) {
        press_ = raw;
        press_s_ = now_s;
        moved_ = drag_shown_ = long_done_ = false;
        second_ = on && now_s - last_tap_s_ <= double_tap_seconds;
        if (on && !second_) {
            s.explore = true;
            s.at = raw;
        }
    }
    if (raw.down && !moved_ && std::hypot(raw.x - press_.x, raw.y - press_.y) > drag_px) {
        moved_ = true;
        second_ = false;
    }
    if (raw.down && !moved_ && !long_done_ && now_s - press_s_ >= long_press_seconds) {
        long_done_ = true;
        s.toggle = true;
    }
    if (released) {
        if (on && !moved_ && !long_done_ && second_) s.activate = true;
        last_tap_s_ = on && !moved_ && !long_done_ && !second_ ? now_s : -1e9;
    }
    // What ImGui sees: everything while the mode is off, but never the end of a long press
    // (the button under it must not fire); in the mode, only drags (from where they began).
    if (long_done_ && (raw.down || released)) {
        s.to_ui = no_finger;
    } else if (!on) {
        s.to_ui = raw;
    } else if (moved_ && raw.down) {
        s.to_ui = drag_shown_ ? raw : press_;
        drag_shown_ = true;
    } else {
        s.to_ui = no_finger;  // a drag's release too: off every button, so none fires
    }
    return s;
}

double ReaderGestures::long_press_due() const {
    if (!down_ || moved_ || long_done_) return -1;
    return press_s_ + long_press_seconds;
}

// [SECTION] The mode

void ScreenReader::turn(bool on) {
    on_ = on;
    focus_target_.clear();
    focus_text_.clear();
    before_target_.clear();
    before_text_.clear();
    explore_.reset();
    actions_.clear();
    click_ = Click::none;
    repeat_ = false;
}

Finger ScreenReader::input(Finger raw, const std::vector<int>& keys_down, double now_s, float drag_px,
                           Toggled& toggled) {
    toggled = Toggled::no;
    const ReaderGestures::Step s = gestures_.step(raw, on_, now_s, drag_px);
    if (s.toggle) {
        turn(!on_);
        toggled = Toggled::by_touch;
    }
    for (const int key : keys_down) {
        if (std::find(keys_were_down_.begin(), keys_were_down_.end(), key) != keys_were_down_.end()) continue;
        const KeypadAction action = keypad_action(key);
        if (action == KeypadAction::none) continue;
        if (!on_) {  // the first key turns the mode on; it does nothing else
            turn(true);
            toggled = Toggled::by_keypad;
            continue;
        }
        if (action == KeypadAction::activate)
            activate(false);
        else
            actions_.push_back(action);
    }
    keys_were_down_ = keys_down;
    if (!on_) return s.to_ui;
    if (s.explore) explore_ = s.at;
    if (s.activate) activate(true);
    // An activation is a tap on the focused element: a frame pressed on it, one released.
    if (click_ == Click::press) {
        click_ = Click::release;
        return {click_at_.x, click_at_.y, true};
    }
    if (click_ == Click::release) {
        click_ = Click::applied;
        return {click_at_.x, click_at_.y, false};
    }
    return s.to_ui;
}

void ScreenReader::activate(bool double_tap) {
    if (double_tap && (!before_target_.empty() || !before_text_.empty())) {
        focus_target_ = before_target_;
        focus_text_ = before_text_;
    }
    before_target_.clear();
    before_text_.clear();
    const ReaderElement* element = focused();
    if (!element || element->target.empty()) {  // a text, or nothing focused: say it again
        repeat_ = true;
        return;
    }
    const ImVec2 c = element->where.centre();
    click_at_ = {c.x, c.y, false};
    click_ = Click::press;
}

int ScreenReader::focus_index() const {
    if (focus_target_.empty() && focus_text_.empty()) return -1;
    for (std::size_t i = 0; i < elements_.size(); ++i) {
        const ReaderElement& e = elements_[i];
        if (!focus_target_.empty() ? e.target == focus_target_
                                   : e.target.empty() && !e.words.empty() && e.words.front().text == focus_text_)
            return static_cast<int>(i);
    }
    return -1;
}

const ReaderElement* ScreenReader::focused() const {
    const int i = focus_index();
    return i < 0 ? nullptr : &elements_[static_cast<std::size_t>(i)];
}

void ScreenReader::focus(const ReaderElement& element) {
    focus_target_ = element.target;
    focus_text_ = element.target.empty() && !element.words.empty() ? element.words.front().text : std::string{};
}

ScreenReader::Say ScreenReader::drawn(const std::vector<ui::SpokenText>& spoken,
                                      const std::vector<ui::TouchTarget>& targets, const std::string& page,
                                      const ReaderWords& words) {
    Say say;
    if (!on_) return say;
    elements_ = reader_elements(spoken, targets, words);
    if (click_ == Click::release) page_before_ = page;  // the press is drawn, not yet released
    if (click_ == Click::applied) {                     // the tap's intents are applied; the next frame shows them
        click_ = Click::result;
        return say;
    }
    if (click_ == Click::result) {  // the frame after the tap shows what it did
        click_ = Click::none;
        say.after_click = true;
        if (page != page_before_) {  // a new screen: all of it, from the top
            focus_target_.clear();
            focus_text_.clear();
            say.words = spoken;
            return say;
        }
    }
    if (explore_) {
        const Finger at = *explore_;
        explore_.reset();
        const ReaderElement* found = nullptr;
        for (const ReaderElement& e : elements_)  // a target before a text; the last drawn on top
            if (e.where.contains(at.x, at.y) && (!found || !e.target.empty() || found->target.empty())) found = &e;
        before_target_ = focus_target_;
        before_text_ = focus_text_;
        if (found) {
            focus(*found);
            say.words = found->words;
        }
        return say;
    }
    for (const KeypadAction action : actions_) {
        if (action == KeypadAction::read_all) {
            say.words = spoken;
            continue;
        }
        if (elements_.empty()) continue;
        const int n = static_cast<int>(elements_.size());
        const int i = focus_index();
        const int next = action == KeypadAction::next ? (i + 1) % n : (i <= 0 ? n - 1 : i - 1);
        focus(elements_[static_cast<std::size_t>(next)]);
        say.words = elements_[static_cast<std::size_t>(next)].words;
    }
    actions_.clear();
    if (repeat_ || say.after_click) {
        repeat_ = false;
        if (const ReaderElement* e = focused()) say.words = e->words;
    }
    return say;
}

}  // namespace skranke::visitor
