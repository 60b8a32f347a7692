// The parts every screen shares: tool bar, step indicator and navigation bar.
#include "visitor/chrome.hpp"

#include <algorithm>
#include <initializer_list>

namespace skranke::visitor {

NavButtons nav_for(const VisitorState& s) {
    if (s.language_menu) return {true, false, false, false};
    switch (s.screen) {
        case Screen::start:
            return {false, false, false, false};
        case Screen::notice:
        case Screen::appointment_question:
        case Screen::appointment_time:
        case Screen::need:
        case Screen::confirm:
        case Screen::closed:
        case Screen::room_full:
        case Screen::callback_need:
        case Screen::callback_confirm:
            return {true, true, false, false};
        case Screen::appointment_details:
        case Screen::details:
            return {true, true, true, true};
        case Screen::questions:
        case Screen::callback_phone:
        case Screen::sms:
            return {true, true, false, true};
        case Screen::ticket:
        case Screen::callback_done:
        case Screen::reception:
            return {false, false, false, false};  // the screen's own Done is the one way to finish
    }
    return {};
}

// Steps are counted from the answer that decides the path (walk-in, appointment,
// callback), so the total shown never changes within a visit: the welcome and the
// appointment question, shared by every path, show none.
std::pair<int, int> step_of(const VisitorState& s) {
    const auto of = [](std::initializer_list<Screen> path, Screen screen) -> std::pair<int, int> {
        int step = 0;
        for (Screen on_path : path) {
            ++step;
            if (on_path == screen) return {step, static_cast<int>(path.size())};
        }
        return {0, 0};
    };
    switch (s.screen) {
        case Screen::callback_need:
        case Screen::callback_phone:
        case Screen::callback_confirm:
            return of({Screen::callback_need, Screen::callback_phone, Screen::callback_confirm}, s.screen);
        default:
            break;
    }
    // The SMS question, when the office sends SMS, is one more step: after the details, or
    // first when the visitor chose to wait outside (the total stays the same).
    const bool sms = s.sms_near_front > 0;
    if (s.form.appointment)
        return sms ? of({Screen::appointment_time, Screen::appointment_details, Screen::sms, Screen::confirm}, s.screen)
                   : of({Screen::appointment_time, Screen::appointment_details, Screen::confirm}, s.screen);
    if (!sms) return of({Screen::need, Screen::questions, Screen::details, Screen::confirm}, s.screen);
    if (s.form.waits_outside)
        return of({Screen::sms, Screen::need, Screen::questions, Screen::details, Screen::confirm}, s.screen);
    return of({Screen::need, Screen::questions, Screen::details, Screen::sms, Screen::confirm}, s.screen);
}

float draw_tool_bar(ui::Ui& ui, const VisitorState& s, const ui::Translations& tr, const ui::Rect& screen,
                    bool portrait, std::vector<Intent>& intents) {
    const auto t = [&](std::string_view key) -> const std::string& { return tr.text(s.language, key); };
    const ui::Language* lang = tr.language(s.language);
    const std::string read_label = !s.voice_available ? t("bar.read_aloud_unavailable")
                                   : s.speaking       ? t("bar.stop_reading")
                                                      : t("bar.read_aloud");
    const ui::ButtonContent buttons[4] = {
        {lang ? lang->native_name : s.language, {}, "globe", false, false},
        {read_label, {}, "speaker", false, false},
        {t(s.large_text ? ui::text_key("bar.normal_text") : ui::text_key("bar.larger_text")),
         {},
         "text_size",
         false,
         false},
        {t(s.high_contrast ? ui::text_key("bar.normal_contrast") : ui::text_key("bar.high_contrast")),
         {},
         "contrast",
         false,
         false}};
    const float pad = ui.mm(chrome_pad_mm), gap = ui.mm(gap_mm);
    const int columns = portrait ? 2 : 4;
    const int rows = 4 / columns;
    const float w = (screen.width() - 2 * pad - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
    float h = ui.mm(bar_button_mm);  // as tall as the longest label needs, in every language
    for (const auto& b : buttons) h = std::max(h, ui::button_height_for(ui, b, w, h));
    const float height = 2 * pad + static_cast<float>(rows) * h + static_cast<float>(rows - 1) * gap;
    ui.draw->AddRectFilled(ImVec2(screen.x0, screen.y0), ImVec2(screen.x1, screen.y0 + height), ui.theme->bar.packed());
    const auto cell = [&](int i) {
        const float x = screen.x0 + pad + static_cast<float>(i % columns) * (w + gap);
        const float y = screen.y0 + pad + static_cast<float>(i / columns) * (h + gap);
        return ui.flow(ui::Rect{x, y, x + w, y + h}, screen);
    };
    // The bar's labels are not read aloud with the screen: they are the same everywhere.
    auto* spoken = ui.spoken;
    ui.spoken = nullptr;
    if (ui::touch_button(ui, "bar.language", cell(0), s.language_menu ? ui::Look::selected : ui::Look::normal,
                         buttons[0]))
        intents.push_back(
            {s.language_menu ? IntentKind::close_language_menu : IntentKind::open_language_menu, {}, false, {}});
    if (ui::touch_button(ui, "bar.read_aloud", cell(1), s.speaking ? ui::Look::selected : ui::Look::normal, buttons[1]))
        intents.push_back({IntentKind::read_aloud, {}, false, {}});
    if (ui::touch_button(ui, "bar.text_size", cell(2), s.large_text ? ui::Look::selected : ui::Look::normal,
                         buttons[2]))
        intents.push_back({IntentKind::toggle_text_size, {}, false, {}});
    if (ui::touch_button(ui, "bar.contrast", cell(3), s.high_contrast ? ui::Look::selected : ui::Look::normal,
                         buttons[3]))
        intents.push_back({IntentKind::toggle_contrast, {}, false, {}});
    ui.spoken = spoken;
    return height;
}

namespace {

struct NavItem {
    const char* id;
    const char* key;
    const char* pictogram;
    ui::Look look;
    IntentKind kind;
};

struct NavLayout {
    std::vector<NavItem> rows[2];
    float button_height = 0;
    float height = 0;
};

NavLayout nav_layout(const ui::Ui& ui, const VisitorState& s, const ui::Translations& tr, float width, bool portrait) {
    NavLayout layout;
    const NavButtons nav = nav_for(s);
    auto& first = layout.rows[0];
    auto& second = layout.rows[1];
    if (nav.back) first.push_back({"nav.back", ui::text_key("nav.back"), "back", ui::Look::normal, IntentKind::back});
    if (nav.start_over)
        first.push_back(
            {"nav.start_over", ui::text_key("nav.start_over"), "home", ui::Look::normal, IntentKind::start_over});
    // Skip is exactly as large and as strong as Next: skipping is a fine answer.
    if (nav.skip) second.push_back({"nav.skip", ui::text_key("nav.skip"), "next", ui::Look::primary, IntentKind::skip});
    if (nav.next) second.push_back({"nav.next", ui::text_key("nav.next"), "next", ui::Look::primary, IntentKind::next});
    if (!portrait || first.size() + second.size() <= 2) {
        first.insert(first.end(), second.begin(), second.end());
        second.clear();
    }
    if (first.empty()) return layout;
    const float pad = ui.mm(chrome_pad_mm), gap = ui.mm(gap_mm);
    layout.button_height = ui.mm(bar_button_mm);
    int rows = 0;
    for (const auto& row : layout.rows) {
        if (row.empty()) continue;
        ++rows;
        const auto n = static_cast<float>(row.size());
        const float w = (width - 2 * pad - gap * (n - 1)) / n;
        for (const NavItem& item : row)
            layout.button_height =
                std::max(layout.button_height,
                         ui::button_height_for(ui, {tr.text(s.language, item.key), {}, item.pictogram, false, false}, w,
                                               layout.button_height));
    }
    layout.height = 2 * pad + static_cast<float>(rows) * layout.button_height + static_cast<float>(rows - 1) * gap;
    return layout;
}

}  // namespace

float nav_bar_height(const ui::Ui& ui, const VisitorState& s, const ui::Translations& tr, float width, bool portrait) {
    return nav_layout(ui, s, tr, width, portrait).height;
}

void draw_nav_bar(ui::Ui& ui, const VisitorState& s, const ui::Translations& tr, const ui::Rect& screen, bool portrait,
                  std::vector<Intent>& intents) {
    const NavLayout layout = nav_layout(ui, s, tr, screen.width(), portrait);
    if (layout.height <= 0) return;
    const ui::Rect bar{screen.x0, screen.y1 - layout.height, screen.x1, screen.y1};
    ui.draw->AddRectFilled(bar.min(), bar.max(), ui.theme->bar.packed());
    const float pad = ui.mm(chrome_pad_mm), gap = ui.mm(gap_mm), h = layout.button_height;
    float y = bar.y0 + pad;
    for (const auto& row : layout.rows) {
        if (row.empty()) continue;
        const auto n = static_cast<float>(row.size());
        const float w = (bar.width() - 2 * pad - gap * (n - 1)) / n;
        float x = bar.x0 + pad;
        for (const NavItem& item : row) {
            if (ui::touch_button(ui, item.id, ui.flow(ui::Rect{x, y, x + w, y + h}, bar), item.look,
                                 {tr.text(s.language, item.key), {}, item.pictogram, false, false}))
                intents.push_back({item.kind, {}, false, {}});
            x += w + gap;
        }
        y += h + gap;
    }
}

}  // namespace skranke::visitor
