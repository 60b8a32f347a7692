// The on-screen keyboard (kiosks have no physical one): letter layouts per language and a
// numeric pad for phone numbers. It holds no text: it reports keys, and the application
// applies them to the field being typed into, so typed text lives in one place only.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "shell/touch.hpp"

namespace skranke::ui {

struct KeyboardLayout {
    std::string name;
    // Each row as lower-case and upper-case strings of the same characters.
    std::vector<std::pair<std::string, std::string>> rows;
    // A script of syllables (Ethiopic): each key of the rows is a consonant, which opens its
    // forms (one per vowel) in place of the rows; the form tapped is typed. Empty: keys type.
    std::map<std::string, std::string, std::less<>> forms;
};

// What the keyboard shows besides its layout; held by the application, like the text.
struct KeyboardState {
    bool shift = false;
    std::string consonant;  // a syllable keyboard's open consonant: its forms are shown
};

// "norwegian" (æ ø å), "ukrainian" (Cyrillic), "polish", "lithuanian", "arabic", "dari",
// "ethiopic" (Tigrinya, in two steps: the consonant, then its form), "latin", each with the
// digits on its first row; unknown names give latin.
const KeyboardLayout& keyboard_layout(std::string_view name);
// Whether a layout's script has capitals (a Shift key); Arabic script has none.
bool has_capitals(const KeyboardLayout& layout);
const std::vector<std::string>& keyboard_layout_names();
// Every character any layout can type, for the font atlas; and those of one layout.
std::vector<std::string> keyboard_characters();
std::vector<std::string> keyboard_characters(const KeyboardLayout& layout);

// consonant: open its forms (text: the consonant); all_letters: back to the consonants.
enum class KeyKind { none, text, backspace, shift, space, consonant, all_letters };
struct KeyPress {
    KeyKind kind = KeyKind::none;
    std::string text;  // for KeyKind::text: one character (UTF-8)
};

struct KeyboardLabels {
    std::string space;
    std::string shift;
    std::string backspace;
    std::string all_letters;  // a syllable keyboard's way back from a consonant's forms
};

// Splits UTF-8 text into its characters.
std::vector<std::string> utf8_characters(std::string_view text);

// Draws a letter keyboard in area and returns the key tapped this frame. Keys are at
// least 20 mm with 3 mm gaps; a row is split in two only when even those minimums do not
// keep it on one line. Height used is returned in used_height.
// A syllable keyboard with a consonant open shows its forms where the rows were, at the same
// height, and All letters in Shift's place.
KeyPress draw_letter_keyboard(Ui& ui, const KeyboardLayout& layout, const KeyboardState& state, const Rect& area,
                              const KeyboardLabels& labels, float& used_height);
// The height draw_letter_keyboard takes at this width, and draw_phone_pad's: known before
// drawing, so a page can keep the keyboard in place and scroll what is above it.
float letter_keyboard_height(const Ui& ui, const KeyboardLayout& layout, float width);
float phone_pad_height(const Ui& ui);
// A phone pad: digits, + and backspace.
KeyPress draw_phone_pad(Ui& ui, const Rect& area, const KeyboardLabels& labels, float& used_height);

}  // namespace skranke::ui
