// The reception console and the waiting-room display with no window: a real ImGui context
// with the roles' fonts, input injected the way Dear ImGui 1.86 expects (io.MousePos,
// io.MouseDown[0], io.KeysDown set before each NewFrame), and every text drawn collected
// from the draw lists, so tests can say what was on screen and what was not.
#pragma once

#include <functional>
#include <map>
#include <utility>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "console/console_app.hpp"
#include "console/console_view.hpp"
#include "display/display_app.hpp"
#include "roles/role_fonts.hpp"
#include "shell/touch.hpp"
#include "shell/translations.hpp"

namespace skranke::test {

const ui::Translations& staff_translations();    // assets/staff-translations
const ui::Translations& visitor_translations();  // assets/translations

// One ImGui context of the given size with the role fonts built at the given sizes.
class HeadlessScreen {
public:
    HeadlessScreen(float width, float height, const ui::RoleFontSizes& sizes);
    ~HeadlessScreen();
    HeadlessScreen(const HeadlessScreen&) = delete;
    HeadlessScreen& operator=(const HeadlessScreen&) = delete;

    // One frame: input as set, draw() between NewFrame and Render, then after() with the time.
    void frame(const std::function<void()>& draw, const std::function<void(double)>& after = {});
    void set_mouse(ImVec2 at, bool down) {
        mouse_ = at;
        down_ = down;
    }
    void set_key(int key, bool down) { keys_[key] = down; }
    // Characters the next frame receives, as a keyboard would type them.
    void type(std::string_view utf8) { typed_ += utf8; }
    // Every text drawn in the last frame, in draw order.
    const std::vector<std::string>& drawn_texts() const { return texts_; }
    bool drew(std::string_view text) const;  // some drawn text contains it
    const ui::RoleFonts& fonts() const { return fonts_; }
    double now() const { return now_s_; }

private:
    ImFontAtlas atlas_;
    ui::RoleFonts fonts_;
    ImGuiContext* context_ = nullptr;
    float width_, height_;
    ImVec2 mouse_{-1, -1};
    bool down_ = false;
    bool keys_[512] = {};
    std::string typed_;
    double now_s_ = 1000;
    std::vector<std::string> texts_;
    struct GlyphQuad {
        unsigned int codepoint = 0;
        float u1 = 0, v1 = 0;
        float width = 0;       // of the quad, at the font's own size
        float y0 = 0;          // quad top below the line's top, at the font's own size
        float space_hint = 0;  // a gap wider than this between glyphs was a space
    };
    std::map<std::pair<float, float>, GlyphQuad> glyphs_;  // by the glyph's top-left atlas coordinate
};

// A console app on a screen: taps by target id, keys by number.
class HeadlessConsole {
public:
    // visitor_texts: the need names' translations (default: the shipped ones), kept by the caller.
    explicit HeadlessConsole(console::ConsoleServices services, float width = 1920, float height = 1080,
                             const ui::Translations* visitor_texts = nullptr);
    void frame();
    bool tap(std::string_view id);  // false when no such target is drawn
    void press_key(int key);
    bool type_into(std::string_view field, std::string_view text);  // taps the field, then types
    console::ConsoleApp& app() { return app_; }
    HeadlessScreen& screen() { return screen_; }
    const ui::TouchRecorder& targets() const { return recorder_; }
    // Every intent the screens emitted and the app applied, in order.
    const std::vector<console::Intent>& applied() const { return applied_; }

private:
    HeadlessScreen screen_;
    const ui::Translations& visitor_texts_;
    console::ConsoleApp app_;
    console::ConsoleView view_;
    ui::TouchRecorder recorder_;
    std::vector<console::Intent> intents_;
    std::vector<console::Intent> applied_;
};

// A store file for a console or display of this device id (opening it must work).
std::unique_ptr<Store> open_test_store(const std::filesystem::path& file, const std::string& device_id);

// A staff desk that needs no hub: one staff member "kari" with PIN 2468.
class FakeStaffDesk : public console::StaffDesk {
public:
    Result<sync::StaffSignIn, sync::StaffCallFailure> sign_in(const std::string& staff_id, const std::string& pin,
                                                              const std::string& counter) override;
    void sign_out(const std::string&) override { ++sign_outs; }
    Result<std::string, sync::StaffCallFailure> figures_csv(const std::string&, const std::string&) override {
        return std::string("number,need\r\n");
    }
    int sign_outs = 0;
};

}  // namespace skranke::test
