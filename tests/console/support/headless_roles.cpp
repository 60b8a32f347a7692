#include "support/headless_roles.hpp"

#include <cmath>
#include <stdexcept>

#include <imgui_internal.h>  // ImTextCharToUtf8

#include "shell/keyboard.hpp"
#include "support/temp_dir.hpp"

namespace skranke::test {
namespace {

ui::Translations load(const char* dir) {
    ui::Translations t;
    std::string error;
    if (!t.load_dir(std::filesystem::path(SKRANKE_SOURCE_DIR) / "assets" / dir, error)) throw std::runtime_error(error);
    return t;
}

}  // namespace

const ui::Translations& staff_translations() {
    static const ui::Translations t = load("staff-translations");
    return t;
}

const ui::Translations& visitor_translations() {
    static const ui::Translations t = load("translations");
    return t;
}

HeadlessScreen::HeadlessScreen(float width, float height, const ui::RoleFontSizes& sizes)
    : width_(width), height_(height) {
    std::vector<std::string> texts = staff_translations().all_texts();
    for (auto& t : visitor_translations().all_texts()) texts.push_back(t);
    for (auto& keys : ui::keyboard_characters()) texts.push_back(keys);  // as the console's own (console_main.cpp)
    texts.push_back("…«»–·");
    texts.push_back("NAV Grünerløkka");  // the office name the display tests use
    std::string error;
    if (!ui::build_role_fonts(atlas_, texts, sizes, ui::default_font_dirs(), fonts_, error))
        throw std::runtime_error(error);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    atlas_.GetTexDataAsAlpha8(&pixels, &w, &h);
    for (ImFont* font : atlas_.Fonts)
        for (const ImFontGlyph& g : font->Glyphs)
            if (g.Visible) glyphs_[{g.U0, g.V0}] = GlyphQuad{g.Codepoint, g.U1, g.V1, g.X1 - g.X0, g.Y0, font->FontSize * 0.17f};
    context_ = ImGui::CreateContext(&atlas_);
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    for (int i = 0; i < ImGuiKey_COUNT; ++i) io.KeyMap[i] = -1;
    // The keys a console is used with, numbered as GLFW numbers them (its backend maps them so).
    io.KeyMap[ImGuiKey_Tab] = 258;
    io.KeyMap[ImGuiKey_Enter] = 257;
    io.KeyMap[ImGuiKey_Backspace] = 259;
}

HeadlessScreen::~HeadlessScreen() { ImGui::DestroyContext(context_); }

void HeadlessScreen::frame(const std::function<void()>& draw, const std::function<void(double)>& after) {
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(width_, height_);
    io.DeltaTime = 1.0f / 60.0f;
    io.MousePos = mouse_;
    io.MouseDown[0] = down_;
    for (int k = 0; k < 512; ++k) io.KeysDown[k] = keys_[k];
    if (!typed_.empty()) io.AddInputCharactersUTF8(typed_.c_str());
    typed_.clear();
    now_s_ += 1.0 / 60.0;
    ImGui::NewFrame();
    draw();
    ImGui::Render();
    // What the frame drew, read back from the draw lists: every glyph is a quad whose first
    // corners carry that glyph's atlas coordinates, so each quad maps back to its character.
    texts_.clear();
    ImDrawData* data = ImGui::GetDrawData();
    for (int l = 0; data && l < data->CmdListsCount; ++l) {
        const ImDrawList* list = data->CmdLists[l];
        std::string text;
        float line_y = -1e9f, last_x = -1e9f;
        const auto& v = list->VtxBuffer;
        for (int i = 0; i + 3 < v.Size;) {
            const auto it = glyphs_.find({v[i].uv.x, v[i].uv.y});
            if (it == glyphs_.end() || v[i + 1].uv.x != it->second.u1 || v[i + 2].uv.y != it->second.v1) {
                ++i;
                continue;
            }
            // The glyph's scale (texts may be drawn larger or smaller than the font's size) and
            // its line's top, which is the same for every glyph of a line.
            const float scale = (v[i + 1].pos.x - v[i].pos.x) / std::max(1e-3f, it->second.width);
            const float top = v[i].pos.y - it->second.y0 * scale;
            // A new line, or a new text further left (glyphs may overlap a little: kerning).
            if (std::abs(top - line_y) > 2 || v[i].pos.x < last_x - it->second.space_hint * scale * 2) {
                if (!text.empty()) texts_.push_back(text);
                text.clear();
                line_y = top;
            } else if (v[i].pos.x - last_x > it->second.space_hint * scale) {
                text += ' ';  // spaces draw nothing: a gap wider than a glyph means one was there
            }
            char utf8[5];
            text += ImTextCharToUtf8(utf8, it->second.codepoint);
            last_x = v[i + 1].pos.x;
            i += 4;
        }
        if (!text.empty()) texts_.push_back(text);
    }
    if (after) after(now_s_);
}

bool HeadlessScreen::drew(std::string_view text) const {
    for (const auto& t : texts_)
        if (t.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace skranke::test

namespace skranke::test {

HeadlessConsole::HeadlessConsole(console::ConsoleServices services, float width, float height,
                                 const ui::Translations* visitor_texts)
    : screen_(width, height, ui::RoleFontSizes{}),
      visitor_texts_(visitor_texts ? *visitor_texts : visitor_translations()),
      app_(std::move(services)) {
    frame();
}

void HeadlessConsole::frame() {
    screen_.frame(
        [&] {
            intents_ = view_.draw(app_.state(), staff_translations(), visitor_texts_, "nb", screen_.fonts(),
                                  ui::PhysicalScale{96}, recorder_);
        },
        [&](double now) {
            console::apply_console_frame(app_, intents_, now);
            applied_.insert(applied_.end(), intents_.begin(), intents_.end());
            app_.tick(now);
        });
}

bool HeadlessConsole::tap(std::string_view id) {
    frame();  // targets where the current view model puts them (a sync may have moved rows)
    const ui::TouchTarget* target = recorder_.find(id);
    if (!target) return false;
    screen_.set_mouse(target->visible.centre(), true);
    frame();
    screen_.set_mouse(target->visible.centre(), false);
    frame();
    frame();  // the view model after the intent
    return true;
}

void HeadlessConsole::press_key(int key) {
    screen_.set_key(key, true);
    frame();
    screen_.set_key(key, false);
    frame();
    frame();
}

bool HeadlessConsole::type_into(std::string_view field, std::string_view text) {
    if (!tap(field)) return false;
    screen_.type(text);
    frame();
    frame();
    return true;
}

std::unique_ptr<Store> open_test_store(const std::filesystem::path& file, const std::string& device_id) {
    StoreOptions options;
    options.path = file;
    options.device_id = device_id;
    auto opened = Store::open(options);
    if (!opened) throw std::runtime_error("test store does not open: " + opened.error().detail);
    return std::move(*opened);
}

Result<sync::StaffSignIn, sync::StaffCallFailure> FakeStaffDesk::sign_in(const std::string& staff_id,
                                                                         const std::string& pin,
                                                                         const std::string& counter) {
    if (staff_id != "kari" || pin != "2468")
        return sync::StaffCallFailure{sync::StaffCallError::wrong_pin, "wrong staff id or PIN", 0};
    return sync::StaffSignIn{"session-token", "kari", "Kari N.", "reception", counter, 0};
}

}  // namespace skranke::test
