// Right-to-left text for Dear ImGui, which draws code points one after another from left to
// right and neither reorders nor joins letters. FriBiDi (Debian's libfribidi) gives each
// line of Arabic or Persian its visual order (the Unicode bidirectional algorithm: numbers,
// phone numbers and Latin words stay left to right inside it) and its joined letters (the
// presentation forms U+FB50-FDFF and U+FE70-FEFF, which the fonts hold).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skranke::ui {

// Whether text holds a right-to-left letter (Hebrew, Arabic, Persian or their presentation
// forms). Text without one is drawn as it is.
bool has_rtl(std::string_view text);

// The text with its Arabic letters in their joined forms, still in reading (logical) order:
// what a line's width is measured on. Lam and alef become their one ligature.
std::string shape_logical(std::string_view text);

// One line as it is drawn from left to right: joined, its right-to-left runs reversed and
// brackets mirrored in them. rtl_paragraph: the line belongs to a right-to-left page (its
// base direction); otherwise its first letter decides. A line without a right-to-left
// letter comes back unchanged on either page: a Norwegian office name or a Latin name reads
// as written ("Kontor: Grünerløkka", not ":Kontor Grünerløkka").
std::string visual_line(std::string_view line, bool rtl_paragraph);

// Every form a letter can take when joined (isolated, initial, medial, final), for the
// letters in text: what the fonts must hold for anything a visitor types with them.
std::vector<std::string> joined_forms(std::string_view letters);

}  // namespace skranke::ui
