// The visitor role with no window: a real ImGui context, the real view and application
// layer, a real SQLite store in a temporary folder, and taps injected the way Dear ImGui
// 1.86 expects (io.MousePos and io.MouseDown[0] set before each NewFrame).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "domain/service_catalogue.hpp"
#include "shell/fonts.hpp"
#include "shell/speech.hpp"
#include "shell/touch.hpp"
#include "shell/translations.hpp"
#include "store/queue_view.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"
#include "visitor/kiosk_config.hpp"
#include "visitor/kiosk_office.hpp"
#include "visitor/visitor_app.hpp"
#include "visitor/visitor_fonts.hpp"
#include "visitor/visitor_frame.hpp"
#include "visitor/visitor_view.hpp"

struct ImGuiContext;

namespace skranke::test {

enum class StoreMode { working, cannot_open, fault_vfs };

struct HeadlessOptions {
    float width = 1080;
    float height = 1920;
    visitor::KioskConfig config = open_every_day();
    StoreMode store = StoreMode::working;
    std::int64_t wall_ms = test_time_ms_default();
    std::vector<std::int64_t> recent_service_ms;
    // The store file (a kiosk started again on its file); empty: a new one in a folder of its own.
    std::filesystem::path store_file;
    // The paper-ticket printer (tests/ui/printer_test.cpp); null: none.
    printer::TicketPrinter* printer = nullptr;

    static visitor::KioskConfig open_every_day();
    static std::int64_t test_time_ms_default();
};

const ui::Translations& shipped_translations();
inline constexpr float test_dpi = 96.0f;
// Built once per process, dpi and language (a kiosk draws with those of its configured dpi and
// the language on screen: visitor/visitor_fonts.hpp).
const ui::FontSet& shared_fonts(float dpi = test_dpi, std::string_view language = "nb");

class HeadlessKiosk {
public:
    explicit HeadlessKiosk(HeadlessOptions options = {});
    ~HeadlessKiosk();
    HeadlessKiosk(const HeadlessKiosk&) = delete;
    HeadlessKiosk& operator=(const HeadlessKiosk&) = delete;

    // One frame with the finger where it is.
    void frame();
    // Press and release on a target's centre; false (and no input) when it is not shown.
    bool tap(std::string_view id);
    // Puts a finger on a target and keeps it there (one frame); release() lifts it.
    bool press(std::string_view id);
    void release();
    // Taps the key whose label is ch, pressing shift first for capitals when needed, and
    // scrolling to a key below the fold (a dense screen) as a visitor would.
    bool type(std::string_view text);
    // Drags the page until a target that is wanted is wholly shown; its id, or empty.
    std::string scroll_to(const std::function<bool(const ui::TouchTarget&)>& wanted);
    // Drags from one point to another in steps (a finger moving), then lifts.
    void drag(ImVec2 from, ImVec2 to, int steps = 8);
    // As a visitor reaches a target below the fold: drags the list it is in up from `in` (a
    // target in the same list; empty: the middle of the screen) until the target is wholly
    // shown, then taps it. False when it does not come into view.
    bool scroll_and_tap(std::string_view id, std::string_view in);
    // The usual first taps: language, "no appointment", a need. True when on the questions.
    bool walk_in(std::string_view language, std::string_view need);
    // From the questions, skipping the details, to the summary. True when on confirm.
    bool skip_to_confirm();
    // Screen-reader gestures (visitor/screen_reader.hpp). A finger held still at a point for
    // seconds, a frame each quarter second, then lifted.
    void hold(ImVec2 at, double seconds);
    // A touch on a target (press and release), then half a second, so the next is not a double tap.
    bool touch(std::string_view id);
    void touch_at(ImVec2 at);
    // Two quick taps at a point, and the frames that show what they did.
    void double_tap(ImVec2 at);
    // A numeric-keypad key (GLFW key code) pressed and released, and the frames after it.
    void keypad(int glfw_key);
    // Lets seconds pass on the monotonic clock, drawing a frame each second.
    void wait_seconds(double seconds);

    const visitor::VisitorState& state() const { return app_->state(); }
    // The application layer itself, for an intent no screen offers.
    visitor::VisitorApp& app() { return *app_; }
    // When the window loop would next wake up by itself (negative: only on input).
    double seconds_until_timer() const { return app_->seconds_until_timer(now_s_); }
    std::string page() const { return visitor::page_name(state()); }
    const ui::TouchRecorder& targets() const { return recorder_; }
    const std::vector<std::string>& spoken() const { return last_spoken_; }
    // What the room's speaker may say of the last frame: no visitor's answer (empty ones left out).
    const std::vector<std::string>& spoken_in_room() const { return last_spoken_in_room_; }
    // The fonts the last frame was drawn with: those of its language.
    const ui::FontSet& fonts() const { return *fonts_; }
    // Of those, the texts drawn in a title font.
    const std::vector<std::string>& titles() const { return last_titles_; }
    // Some text of the last frame (in reading order) contains this.
    bool said(std::string_view text) const {
        for (const auto& line : last_spoken_)
            if (line.find(text) != std::string::npos) return true;
        return false;
    }
    ui::PhysicalScale scale() const { return {options_.config.dpi}; }
    Store* store() { return store_.get(); }
    // The test wrote to the store itself (tickets of other visitors, reception's actions):
    // the kiosk's queue view reads it, as the sync engine has it do in the program.
    void store_written();
    // The sync engine stored the hub's office configuration (any thread): the kiosk takes it
    // in between visits, at a later frame, as the program's loop does.
    void office_config_stored() { office_->stored(); }
    const visitor::KioskOffice& office() const { return *office_; }
    // What the last office configuration the kiosk read was refused for (empty: none).
    const std::string& office_error() const { return office_error_; }
    const std::filesystem::path& store_path() const { return store_path_; }
    ui::RecordingSpeaker& speaker() { return speaker_; }
    void set_wall_ms(std::int64_t ms) { wall_ms_ = ms; }
    // Today's tickets in the store (what a reader of the file sees).
    std::vector<Ticket> stored_tickets();

private:
    HeadlessOptions options_;
    TempDir dir_;
    std::filesystem::path store_path_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<QueueView> queue_view_;  // as the kiosk program has (none with a faulty store)
    ui::RecordingSpeaker speaker_;
    ui::Translations translations_ = shipped_translations();  // the office's texts go over these
    std::unique_ptr<visitor::KioskOffice> office_;            // before app_, which reads it
    std::string office_error_;
    std::unique_ptr<visitor::VisitorApp> app_;
    visitor::VisitorView view_;
    ui::TouchRecorder recorder_;
    const ui::FontSet* fonts_ = nullptr;  // built at the configured dpi for glyphs_
    visitor::VisitorGlyphs glyphs_;
    ImGuiContext* context_ = nullptr;
    ImVec2 mouse_{-1, -1};
    std::set<int> keys_down_;
    bool down_ = false;
    double now_s_ = 1000.0;
    std::int64_t wall_ms_ = 0;
    std::vector<std::string> last_spoken_;
    std::vector<std::string> last_spoken_in_room_;
    std::vector<std::string> last_titles_;
};

}  // namespace skranke::test
