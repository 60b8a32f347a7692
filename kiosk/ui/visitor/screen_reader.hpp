// Screen-reader mode (issue 16, EN 301 549 5.1.3 and 5.1.6): a visitor who cannot see the
// screen explores it by touch. A touch says what is under the finger and activates nothing;
// a double tap anywhere activates what was said last, as a tap on it would (the same click
// reaches the same button); dragging still scrolls. A USB numeric keypad moves through the
// screen in reading order. Holding one finger still for 3 s turns the mode on or off; the
// visit's end turns it off. No ImGui here: the frame (visitor_frame) passes the finger in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shell/speech.hpp"
#include "shell/touch.hpp"

namespace skranke::visitor {

// The finger as the platform reports it, or as ImGui is to get it.
struct Finger {
    float x = -1e9f;
    float y = -1e9f;
    bool down = false;
};

inline constexpr double long_press_seconds = 3.0;
inline constexpr double double_tap_seconds = 0.4;  // from the first tap's release to the second press
inline constexpr float reader_drag_mm = 4.0f;      // as drag-to-scroll's threshold

// Numeric-keypad keys by their GLFW key codes (GLFW_KEY_KP_0 = 320 ... GLFW_KEY_KP_ENTER =
// 335), the index Dear ImGui 1.86's GLFW backend uses in io.KeysDown.
namespace keypad {
inline constexpr int kp_0 = 320, kp_2 = 322, kp_4 = 324, kp_5 = 325, kp_6 = 326, kp_8 = 328, kp_enter = 335;
inline constexpr int all[] = {kp_0, kp_2, kp_4, kp_5, kp_6, kp_8, kp_enter};
}  // namespace keypad
enum class KeypadAction { none, next, previous, activate, read_all };
KeypadAction keypad_action(int glfw_key);

// Something the screen reader focuses and says: a touch target, or a text on no target.
struct ReaderElement {
    std::string target;                 // the target's id; empty: a text
    ui::Rect where;                     // its visible part
    std::vector<ui::SpokenText> words;  // what it says in reading order, what it is last ("button")
};
// The words for what an element is, in the visitor's language.
struct ReaderWords {
    std::string button, key, field, selected;
};
// The frame's elements in reading order: the texts drawn on a target are said with it, the
// others on their own. Texts scrolled out of view are not elements.
std::vector<ReaderElement> reader_elements(const std::vector<ui::SpokenText>& spoken,
                                           const std::vector<ui::TouchTarget>& targets, const ReaderWords& words);

// What a finger does, frame by frame: a touch, a double tap, a drag or a long press.
class ReaderGestures {
public:
    struct Step {
        Finger to_ui;          // what ImGui is given this frame
        bool toggle = false;   // a long press: the mode goes on or off
        bool explore = false;  // a touch began at `at`: say what is there
        Finger at;
        bool activate = false;  // a double tap ended
    };
    Step step(Finger raw, bool on, double now_s, float drag_px);
    // When the finger held still becomes a long press (negative: none is coming).
    double long_press_due() const;

private:
    bool down_ = false;
    Finger press_;
    double press_s_ = 0;
    bool moved_ = false;        // the press became a drag
    bool drag_shown_ = false;   // ImGui has been given the drag's press
    bool long_done_ = false;    // this press was a long press
    bool second_ = false;       // this press is a double tap's second
    double last_tap_s_ = -1e9;  // when the last plain tap was released
};

// The mode: gestures, focus, and what to say after each frame.
class ScreenReader {
public:
    bool on() const { return on_; }
    void turn(bool on);
    // Before the frame: the raw finger and the keypad keys held down; returns what ImGui gets.
    // toggled: whether the mode went on or off, and how (the caller says so).
    enum class Toggled { no, by_touch, by_keypad };
    Finger input(Finger raw, const std::vector<int>& keys_down, double now_s, float drag_px, Toggled& toggled);
    // After the frame: what to say now (nothing: empty). after_click: it follows an activation.
    struct Say {
        std::vector<ui::SpokenText> words;
        bool after_click = false;
    };
    Say drawn(const std::vector<ui::SpokenText>& spoken, const std::vector<ui::TouchTarget>& targets,
              const std::string& page, const ReaderWords& words);
    // A held finger is about to become a long press: draw a frame at this time (negative: none).
    double frame_due() const { return gestures_.long_press_due(); }
    const std::vector<ReaderElement>& elements() const { return elements_; }
    const ReaderElement* focused() const;

private:
    int focus_index() const;
    void focus(const ReaderElement& element);
    void activate(bool double_tap);

    bool on_ = false;
    ReaderGestures gestures_;
    std::vector<ReaderElement> elements_;  // of the last frame drawn
    std::string focus_target_;             // the focused element: its target, or its first text
    std::string focus_text_;
    // The focus before the last touch: a double tap's first tap explores too, and the double
    // tap is for what was focused before it.
    std::string before_target_, before_text_;
    std::optional<Finger> explore_;      // a touch to answer after the frame
    std::vector<KeypadAction> actions_;  // keypad presses to answer after the frame
    std::vector<int> keys_were_down_;
    // An activation's tap: the press frame, the release frame, its intents applied, the result drawn.
    enum class Click { none, press, release, applied, result } click_ = Click::none;
    Finger click_at_;
    std::string page_before_;  // of the activation
    bool repeat_ = false;      // say the focused element again (a text activated)
};

}  // namespace skranke::visitor
