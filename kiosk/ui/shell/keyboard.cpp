#include "shell/keyboard.hpp"

#include <algorithm>
#include <iterator>
#include <map>

namespace skranke::ui {

namespace {

// Every layout starts with the digits: appointment references and addresses need them.
const std::map<std::string, KeyboardLayout, std::less<>>& layouts() {
    static const std::pair<std::string, std::string> digits{"1234567890", "1234567890"};
    static const std::map<std::string, KeyboardLayout, std::less<>> table = {
        {"norwegian",
         {"norwegian",
          {digits, {"qwertyuiopå", "QWERTYUIOPÅ"}, {"asdfghjkløæ", "ASDFGHJKLØÆ"}, {"zxcvbnm-.,", "ZXCVBNM-.,"}}, {}}},
        {"ukrainian",
         {"ukrainian",
          {digits,
           {"йцукенгшщзх", "ЙЦУКЕНГШЩЗХ"},
           {"їфівапролдж", "ЇФІВАПРОЛДЖ"},
           {"єячсмитьбюґ", "ЄЯЧСМИТЬБЮҐ"},
           {"'-.,", "'-.,"}}, {}}},
        {"polish",
         {"polish",
          {digits,
           {"qwertyuiop", "QWERTYUIOP"},
           {"asdfghjkl", "ASDFGHJKL"},
           {"zxcvbnm-.,", "ZXCVBNM-.,"},
           {"ąćęłńóśźż", "ĄĆĘŁŃÓŚŹŻ"}}, {}}},
        {"lithuanian",
         {"lithuanian",
          {digits,
           {"qwertyuiop", "QWERTYUIOP"},
           {"asdfghjkl", "ASDFGHJKL"},
           {"zxcvbnm-.,", "ZXCVBNM-.,"},
           {"ąčęėįšųūž", "ĄČĘĖĮŠŲŪŽ"}}, {}}},
        // Arabic and Dari have no capitals: no Shift. The letters keep the places of the
        // Arabic and Persian (ISIRI 9147) keyboards, at most 11 to a row so that no row is
        // split at the documented screen sizes; the hamza forms and the script's own comma and
        // question mark on a row of their own.
        {"arabic",
         {"arabic",
          {digits,
           {"ضصثقفغعهخحج", "ضصثقفغعهخحج"},
           {"شسيبلاتنمكط", "شسيبلاتنمكط"},
           {"ذئءؤرىةوزظد", "ذئءؤرىةوزظد"},
           {"أإآ،؟-.", "أإآ،؟-."}}, {}}},
        {"dari",
         {"dari",
          {digits,
           {"ضصثقفغعهخحج", "ضصثقفغعهخحج"},
           {"شسیبلاتنمکگ", "شسیبلاتنمکگ"},
           {"چظطزرذدپوژ", "چظطزرذدپوژ"},
           {"آئء،؟-.", "آئء،؟-."}}, {}}},
        // Tigrinya: the 33 consonants of its alphabet in its order, 11 to a row; each opens its
        // seven vowel forms, with the w-form where Tigrinya writes one (ሏ, ጓ).
        {"ethiopic",
         {"ethiopic",
          {digits,
           {"ሀለሐመረሰሸቀቐበቨ", "ሀለሐመረሰሸቀቐበቨ"},
           {"ተቸነኘአከኸወዐዘዠ", "ተቸነኘአከኸወዐዘዠ"},
           {"የደጀገጠጨጰጸፀፈፐ", "የደጀገጠጨጰጸፀፈፐ"},
           {"።፣?!-.", "።፣?!-."}},
          {{"ሀ", "ሀሁሂሃሄህሆ"},           {"ለ", "ለሉሊላሌልሎሏ"},      {"ሐ", "ሐሑሒሓሔሕሖሗ"},
           {"መ", "መሙሚማሜምሞሟ"},         {"ረ", "ረሩሪራሬርሮሯ"},      {"ሰ", "ሰሱሲሳሴስሶሷ"},
           {"ሸ", "ሸሹሺሻሼሽሾሿ"},         {"ቀ", "ቀቁቂቃቄቅቆቈቊቋቌቍ"}, {"ቐ", "ቐቑቒቓቔቕቖ"},
           {"በ", "በቡቢባቤብቦቧ"},         {"ቨ", "ቨቩቪቫቬቭቮቯ"},      {"ተ", "ተቱቲታቴትቶቷ"},
           {"ቸ", "ቸቹቺቻቼችቾቿ"},         {"ነ", "ነኑኒናኔንኖኗ"},      {"ኘ", "ኘኙኚኛኜኝኞኟ"},
           {"አ", "አኡኢኣኤእኦኧ"},         {"ከ", "ከኩኪካኬክኮኰኲኳኴኵ"}, {"ኸ", "ኸኹኺኻኼኽኾዀዂዃዄዅ"},
           {"ወ", "ወዉዊዋዌውዎ"},          {"ዐ", "ዐዑዒዓዔዕዖ"},        {"ዘ", "ዘዙዚዛዜዝዞዟ"},
           {"ዠ", "ዠዡዢዣዤዥዦዧ"},         {"የ", "የዩዪያዬይዮ"},        {"ደ", "ደዱዲዳዴድዶዷ"},
           {"ጀ", "ጀጁጂጃጄጅጆጇ"},         {"ገ", "ገጉጊጋጌግጎጐጒጓጔጕ"}, {"ጠ", "ጠጡጢጣጤጥጦጧ"},
           {"ጨ", "ጨጩጪጫጬጭጮጯ"},         {"ጰ", "ጰጱጲጳጴጵጶጷ"},      {"ጸ", "ጸጹጺጻጼጽጾጿ"},
           {"ፀ", "ፀፁፂፃፄፅፆ"},          {"ፈ", "ፈፉፊፋፌፍፎፏ"},      {"ፐ", "ፐፑፒፓፔፕፖፗ"}}}},
        {"latin",
         {"latin", {digits, {"qwertyuiop", "QWERTYUIOP"}, {"asdfghjkl'", "ASDFGHJKL'"}, {"zxcvbnm-.,", "ZXCVBNM-.,"}}, {}}},
    };
    return table;
}

// How the letter rows are laid out: keys per line and the gap between them.
struct KeyGrid {
    std::size_t columns = 1;
    float gap = 0;
};

// Roomy (20.2 mm keys, 3.5 mm gaps) when the widest row fits so; the exact minimums (20 mm
// keys, 3 mm gaps) when only they keep it on one line; a row is split only when even they
// do not (a narrow or dense screen): keys never shrink below 20 mm.
KeyGrid key_grid(const Ui& ui, float area_width, std::size_t widest) {
    const auto fit = [&](float key_mm, float gap_mm) {
        const float gap = ui.mm(gap_mm);
        return static_cast<std::size_t>((area_width + gap) / (ui.mm(key_mm) + gap));
    };
    const std::size_t wanted = std::max<std::size_t>(widest, 10);
    if (fit(min_target_mm + 0.2f, min_gap_mm + 0.5f) >= wanted) return {wanted, ui.mm(min_gap_mm + 0.5f)};
    const std::size_t columns = std::max<std::size_t>(1, std::min(wanted, fit(min_target_mm, min_gap_mm)));
    return {columns, ui.mm(min_gap_mm)};
}

// Keys of equal width across area, at most 30 mm wide.
float key_width(const Ui& ui, float area_width, const KeyGrid& grid) {
    const float n = static_cast<float>(grid.columns);
    return std::min((area_width - grid.gap * (n - 1)) / n, ui.mm(30.0f));
}

// The widest row of a layout, in keys.
std::size_t widest_row(const KeyboardLayout& layout) {
    std::size_t widest = 0;
    for (const auto& row : layout.rows) widest = std::max(widest, utf8_characters(row.first).size());
    return widest;
}

// Lines a row of keys takes with columns keys per line, and keys on each.
std::pair<std::size_t, std::size_t> row_lines(std::size_t keys, std::size_t columns) {
    const std::size_t parts = (keys + columns - 1) / columns;
    return {parts, parts == 0 ? 0 : (keys + parts - 1) / parts};
}

float key_height(const Ui& ui) { return ui.mm(min_target_mm + 2.0f); }
float pad_gap(const Ui& ui) { return ui.mm(min_gap_mm + 1.0f); }

}  // namespace

float letter_keyboard_height(const Ui& ui, const KeyboardLayout& layout, float width) {
    const KeyGrid grid = key_grid(ui, width, widest_row(layout));
    float height = key_height(ui);  // the bottom row
    for (const auto& row : layout.rows)
        height += static_cast<float>(row_lines(utf8_characters(row.first).size(), grid.columns).first) *
                  (key_height(ui) + grid.gap);
    return height;
}

bool has_capitals(const KeyboardLayout& layout) {
    return std::any_of(layout.rows.begin(), layout.rows.end(),
                       [](const auto& row) { return row.first != row.second; });
}

float phone_pad_height(const Ui& ui) { return 4 * key_height(ui) + 3 * pad_gap(ui); }

const KeyboardLayout& keyboard_layout(std::string_view name) {
    const auto& table = layouts();
    if (auto found = table.find(name); found != table.end()) return found->second;
    return table.at("latin");
}

const std::vector<std::string>& keyboard_layout_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& [name, layout] : layouts()) out.push_back(name);
        return out;
    }();
    return names;
}

std::vector<std::string> keyboard_characters(const KeyboardLayout& layout) {
    std::vector<std::string> out;
    for (const auto& [lower, upper] : layout.rows) {
        out.push_back(lower);
        out.push_back(upper);
    }
    for (const auto& [consonant, forms] : layout.forms) out.push_back(forms);
    out.push_back("+0123456789");
    return out;
}

std::vector<std::string> keyboard_characters() {
    std::vector<std::string> out;
    for (const auto& [name, layout] : layouts()) {
        auto some = keyboard_characters(layout);
        out.insert(out.end(), std::make_move_iterator(some.begin()), std::make_move_iterator(some.end()));
    }
    return out;
}

std::vector<std::string> utf8_characters(std::string_view text) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = 1;
        while (i + len < text.size() && (static_cast<unsigned char>(text[i + len]) & 0xC0) == 0x80) ++len;
        out.emplace_back(text.substr(i, len));
        i += len;
    }
    return out;
}

KeyPress draw_letter_keyboard(Ui& ui, const KeyboardLayout& layout, const KeyboardState& state, const Rect& area,
                              const KeyboardLabels& labels, float& used_height) {
    KeyPress press;
    const KeyGrid grid = key_grid(ui, area.width(), widest_row(layout));
    const std::size_t columns = grid.columns;
    const float gap = grid.gap;
    const float key_h = key_height(ui);
    const float w = key_width(ui, area.width(), grid);
    float y = area.y0;
    // Keys speak as one line, not one word per key: read-aloud should not spell the alphabet.
    auto* spoken = ui.spoken;
    ui.spoken = nullptr;
    // One row of keys, split over lines of at most columns keys; ids "key.<row>.<index>".
    const auto draw_row = [&](const std::string& row_id, const std::vector<std::string>& keys, KeyKind kind) {
        const std::size_t per_part = row_lines(keys.size(), columns).second;
        for (std::size_t first = 0; first < keys.size(); first += per_part) {
            const std::size_t count = std::min(per_part, keys.size() - first);
            const float row_w = static_cast<float>(count) * w + static_cast<float>(count - 1) * gap;
            float x = area.x0 + (area.width() - row_w) / 2;
            for (std::size_t i = first; i < first + count; ++i) {
                const std::string id = "key." + row_id + "." + std::to_string(i);
                if (touch_button(ui, id, Rect{x, y, x + w, y + key_h}, Look::normal, {keys[i], {}, {}, false, false}))
                    press = {kind == KeyKind::consonant && layout.forms.contains(keys[i]) ? kind : KeyKind::text, keys[i]};
                x += w + gap;
            }
            y += key_h + gap;
        }
    };
    const auto open = layout.forms.find(state.consonant);
    const bool forms_shown = open != layout.forms.end();
    const float rows_bottom = area.y0 + letter_keyboard_height(ui, layout, area.width()) - key_h;
    if (forms_shown) {  // the digits stay; the consonant's forms where the letters were
        draw_row("0", utf8_characters(layout.rows.front().first), KeyKind::text);
        draw_row("form", utf8_characters(open->second), KeyKind::text);
        y = rows_bottom;  // the bottom row stays where it was
    } else {
        int row_index = 0;
        for (const auto& [lower, upper] : layout.rows)
            draw_row(std::to_string(row_index++), utf8_characters(state.shift ? upper : lower), KeyKind::consonant);
    }
    // Bottom row: shift (for a script with capitals) or a syllable keyboard's All letters,
    // space, backspace, as wide as the letter rows together.
    const bool cased = has_capitals(layout);
    const bool first_slot = cased || !layout.forms.empty();
    const float row_w = std::min(area.width(), w * static_cast<float>(columns) + gap * static_cast<float>(columns - 1));
    const float back_w = (row_w - 2 * gap) * 0.3f;
    const float shift_w = first_slot ? back_w : 0.0f;
    const float space_w = row_w - shift_w - back_w - (first_slot ? 2 : 1) * gap;
    float x = area.x0 + (area.width() - row_w) / 2;
    if (cased) {
        if (touch_button(ui, "key.shift", Rect{x, y, x + shift_w, y + key_h},
                         state.shift ? Look::selected : Look::normal, {labels.shift, {}, "shift", false, true}))
            press = {KeyKind::shift, {}};
    } else if (forms_shown) {
        if (touch_button(ui, "key.all_letters", Rect{x, y, x + shift_w, y + key_h}, Look::normal,
                         {labels.all_letters, {}, "back", false, true}))
            press = {KeyKind::all_letters, {}};
    }
    if (first_slot) x += shift_w + gap;
    if (touch_button(ui, "key.space", Rect{x, y, x + space_w, y + key_h}, Look::normal, {labels.space, {}, {}, false}))
        press = {KeyKind::space, " "};
    x += space_w + gap;
    if (touch_button(ui, "key.backspace", Rect{x, y, x + back_w, y + key_h}, Look::normal,
                     {labels.backspace, {}, "backspace", false, true}))
        press = {KeyKind::backspace, {}};
    y += key_h;
    ui.spoken = spoken;
    used_height = y - area.y0;
    return press;
}

KeyPress draw_phone_pad(Ui& ui, const Rect& area, const KeyboardLabels& labels, float& used_height) {
    KeyPress press;
    const float gap = pad_gap(ui);
    const float key_h = key_height(ui);
    const float w = std::min(ui.mm(36.0f), (area.width() - 2 * gap) / 3);
    const char* const keys[4][3] = {{"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {"+", "0", ""}};
    auto* spoken = ui.spoken;
    ui.spoken = nullptr;
    float y = area.y0;
    for (int row = 0; row < 4; ++row) {
        float x = area.x0 + (area.width() - (3 * w + 2 * gap)) / 2;
        for (int col = 0; col < 3; ++col) {
            const std::string key = keys[row][col];
            const Rect r{x, y, x + w, y + key_h};
            if (key.empty()) {
                if (touch_button(ui, "key.backspace", r, Look::normal,
                                 {labels.backspace, {}, "backspace", false, true}))
                    press = {KeyKind::backspace, {}};
            } else if (touch_button(ui, "key." + key, r, Look::normal, {key, {}, {}, false})) {
                press = {KeyKind::text, key};
            }
            x += w + gap;
        }
        y += key_h + gap;
    }
    ui.spoken = spoken;
    used_height = y - gap - area.y0;
    return press;
}

}  // namespace skranke::ui
