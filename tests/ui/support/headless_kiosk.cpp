#include "support/headless_kiosk.hpp"

#include <map>
#include <stdexcept>

#include <imgui.h>

#include "domain/office_time.hpp"
#include "shell/keyboard.hpp"
#include "support/fault_vfs.hpp"
#include "support/store_fixture.hpp"
#include "visitor/screen_reader.hpp"
#include "visitor/visitor_fonts.hpp"

namespace skranke::test {

visitor::KioskConfig HeadlessOptions::open_every_day() {
    visitor::KioskConfig config = visitor::default_kiosk_config();
    for (auto& day : config.office.hours.week) day = visitor::DayHours{true, 0, 24 * 60};
    config.dpi = test_dpi;
    config.prompts_folder.clear();  // not the machine's /etc/skranke/prompts
    return config;
}

std::int64_t HeadlessOptions::test_time_ms_default() {
    return test_time_ms();
}

const ui::Translations& shipped_translations() {
    static const ui::Translations translations = [] {
        ui::Translations t;
        std::string error;
        if (!t.load_dir(asset_dir() / "translations", error)) throw std::runtime_error(error);
        return t;
    }();
    return translations;
}

namespace {

struct SharedAtlas {
    ImFontAtlas atlas;
    ui::FontSet fonts;
};

// One atlas per screen dpi and language (visitor/visitor_fonts.hpp), built when a kiosk first
// needs it: the fonts' pixel sizes come from the dpi, as in the program, so text takes the
// room it takes on that screen.
SharedAtlas& shared_atlas(float dpi, const visitor::VisitorGlyphs& glyphs) {
    static std::map<std::pair<float, std::string>, std::unique_ptr<SharedAtlas>> atlases;
    auto& shared = atlases[{dpi, glyphs.key()}];
    if (!shared) {
        auto s = std::make_unique<SharedAtlas>();
        std::string error;
        // As the kiosk builds it (kiosk/ui/main.cpp).
        if (!visitor::build_visitor_fonts(s->atlas, ui::PhysicalScale{dpi}, shipped_translations(), glyphs,
                                          ui::default_font_dirs(), " -0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", s->fonts,
                                          error))
            throw std::runtime_error(error);
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        s->atlas.GetTexDataAsAlpha8(&pixels, &w, &h);
        shared = std::move(s);
    }
    return *shared;
}

}  // namespace

const ui::FontSet& shared_fonts(float dpi, std::string_view language) {
    return shared_atlas(dpi, visitor::language_glyphs(shipped_translations(), language)).fonts;
}

HeadlessKiosk::HeadlessKiosk(HeadlessOptions options) : options_(std::move(options)), wall_ms_(options_.wall_ms) {
    store_path_ = options_.store_file.empty() ? dir_ / "kiosk.db" : options_.store_file;
    if (options_.store != StoreMode::cannot_open) {
        StoreOptions so;
        so.path = store_path_;
        so.kiosk_letter = options_.config.kiosk_letter;
        if (options_.store == StoreMode::fault_vfs) {
            register_fault_vfs();
            so.vfs_name = fault_vfs_name;
        }
        auto opened = Store::open(so);
        if (!opened) throw std::runtime_error("test store does not open: " + opened.error().detail);
        store_ = std::move(*opened);
        if (options_.store == StoreMode::working) queue_view_ = open_test_view(store_path_, [this] { return wall_ms_; });
    }
    glyphs_ = visitor::language_glyphs(shipped_translations(), options_.config.default_language);
    SharedAtlas& shared = shared_atlas(options_.config.dpi, glyphs_);
    fonts_ = &shared.fonts;
    context_ = ImGui::CreateContext(&shared.atlas);
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;

    visitor::VisitorServices services;
    services.store = store_.get();
    services.view = queue_view_.get();
    office_ = std::make_unique<visitor::KioskOffice>(options_.config, shipped_catalogue(), translations_);
    services.catalogue = &office_->catalogue();
    services.config = &office_->config();
    services.translations = &translations_;
    services.speaker = &speaker_;
    services.printer = options_.printer;
    services.wall_clock_ms = [this] { return wall_ms_; };
    // Service times the test gives stand in for those of the kiosk's log (none given: the log's).
    if (const auto recent = options_.recent_service_ms; !recent.empty())
        services.recent_service_ms = [recent] { return recent; };
    app_ = std::make_unique<visitor::VisitorApp>(services);
    frame();
}

void HeadlessKiosk::store_written() {
    if (!queue_view_) return;
    if (auto updated = queue_view_->update_now(); !updated)
        throw std::runtime_error("the queue view cannot read the test store: " + updated.error().detail);
}

HeadlessKiosk::~HeadlessKiosk() {
    ImGui::DestroyContext(context_);
}

void HeadlessKiosk::frame() {
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(options_.width, options_.height);
    io.DeltaTime = 1.0f / 60.0f;
    io.MousePos = mouse_;
    io.MouseDown[0] = down_;
    for (const int key : visitor::keypad::all) io.KeysDown[key] = keys_down_.count(key) > 0;
    now_s_ += 1.0 / 60.0;
    // As the program's loop: the atlas of the language on screen, between two frames.
    if (auto glyphs = visitor::visitor_glyphs(shipped_translations(), app_->state()); glyphs != glyphs_) {
        SharedAtlas& shared = shared_atlas(options_.config.dpi, glyphs);
        io.Fonts = &shared.atlas;
        fonts_ = &shared.fonts;
        glyphs_ = std::move(glyphs);
    }
    visitor::filter_visitor_input(*app_, scale(), now_s_);
    ImGui::NewFrame();
    const visitor::VisitorFrame f =
        visitor::draw_visitor_frame(*app_, view_, translations_, *fonts_, scale(), recorder_, now_s_);
    ImGui::Render();
    last_spoken_.clear();
    last_spoken_in_room_.clear();
    last_titles_.clear();
    for (const ui::SpokenText& s : f.spoken) {
        last_spoken_.push_back(s.text);
        if (s.title) last_titles_.push_back(s.text);
        if (!s.in_room.empty()) last_spoken_in_room_.push_back(s.in_room);
    }
    visitor::apply_visitor_frame(*app_, f, now_s_);
    app_->tick(now_s_);
    if (store_)  // as the program's loop: the office's configuration once due and between visits
        if (const auto applied = office_->apply_due(*store_, *app_); !applied) office_error_ = applied.error();
    // As the program's loop: one more frame when a list's bands come or go by themselves.
    static int again = 0;
    if (f.again && f.intents.empty() && again < 2) {
        ++again;
        frame();
        --again;
    }
}

bool HeadlessKiosk::tap(std::string_view id) {
    const ui::TouchTarget* target = recorder_.find(id);
    if (!target) return false;
    mouse_ = target->visible.centre();
    down_ = true;
    frame();
    down_ = false;
    frame();
    frame();  // the frame that shows the result
    return true;
}

bool HeadlessKiosk::scroll_and_tap(std::string_view id, std::string_view in) {
    for (int drags = 0; drags < 20; ++drags) {  // bounded: a list longer than 20 drags is a fault
        const ui::TouchTarget* target = recorder_.find(id);
        if (target && target->visible.height() >= target->rect.height() - 1) return tap(id);
        if (in.empty()) {
            // As a visitor would: the band that shows more toward the target, when there is one
            // (a target wholly out of view is not drawn: it is below).
            const bool above = target && (target->visible.height() > 0 ? target->rect.y0 < target->visible.y0
                                                                       : target->rect.y1 < options_.height / 2);
            if (recorder_.find(above ? "scroll.more_above" : "scroll.more_below") &&
                tap(above ? "scroll.more_above" : "scroll.more_below"))
                continue;
        }
        const ui::TouchTarget* handle = in.empty() ? nullptr : recorder_.find(in);
        if (!in.empty() && (!handle || handle->visible.height() <= 0)) return false;
        // No handle named: the finger goes on the page half-way down, above or below the target
        // (beside a keyboard in landscape the page is a column of its own).
        const float x = target ? target->rect.centre().x : options_.width / 2;
        const ImVec2 from = handle ? handle->visible.centre() : ImVec2(x, options_.height / 2);
        const float step = handle ? std::min(scale().px(60), handle->visible.height() / 2) : scale().px(60);
        drag(from, ImVec2(from.x, from.y - step));
    }
    return false;
}

bool HeadlessKiosk::press(std::string_view id) {
    const ui::TouchTarget* target = recorder_.find(id);
    if (!target) return false;
    mouse_ = target->visible.centre();
    down_ = true;
    frame();
    frame();
    return true;
}

void HeadlessKiosk::release() {
    down_ = false;
    frame();
    frame();
}

std::string HeadlessKiosk::scroll_to(const std::function<bool(const ui::TouchTarget&)>& wanted) {
    const ImVec2 middle(options_.width / 2, options_.height / 2);
    for (const float direction : {-1.0f, 1.0f})  // the finger moves up (the page down), then down
        for (int drags = 0; drags < 8; ++drags) {
            for (const auto& t : recorder_.targets())
                if (wanted(t) && t.visible.height() >= t.rect.height() - 1) return t.id;
            drag(middle, ImVec2(middle.x, middle.y + direction * scale().px(60)));
        }
    return {};
}

bool HeadlessKiosk::type(std::string_view text) {
    const auto key_labelled = [](const std::string& label) {
        return [label](const ui::TouchTarget& t) { return t.label == label && t.id.rfind("key.", 0) == 0; };
    };
    const auto key_named = [](const char* id) { return [id](const ui::TouchTarget& t) { return t.id == id; }; };
    const auto form_labelled = [](const std::string& label) {
        return [label](const ui::TouchTarget& t) { return t.label == label && t.id.rfind("key.form.", 0) == 0; };
    };
    // A syllable keyboard's consonant whose forms hold ch (Ethiopic), if any.
    const auto consonant_of = [](const std::string& ch) -> std::string {
        for (const auto& name : ui::keyboard_layout_names())
            for (const auto& [consonant, forms] : ui::keyboard_layout(name).forms)
                for (const auto& form : ui::utf8_characters(forms))
                    if (form == ch) return consonant;
        return {};
    };
    for (const std::string& ch : ui::utf8_characters(text)) {
        if (const std::string consonant = consonant_of(ch); !consonant.empty()) {  // the consonant, then its form
            const std::string opens = scroll_to(key_labelled(consonant));
            if (opens.empty() || !tap(opens)) return false;
            const std::string form = scroll_to(form_labelled(ch));
            if (form.empty() || !tap(form)) return false;
            continue;
        }
        std::string id = scroll_to(ch == " " ? std::function<bool(const ui::TouchTarget&)>(key_named("key.space"))
                                             : key_labelled(ch));
        if (id.empty() && ch != " ") {  // a capital: press shift and look again
            const std::string shift = scroll_to(key_named("key.shift"));
            if (shift.empty() || !tap(shift)) return false;
            id = scroll_to(key_labelled(ch));
        }
        if (id.empty() || !tap(id)) return false;
    }
    return true;
}

bool HeadlessKiosk::walk_in(std::string_view language, std::string_view need) {
    // Eleven languages: with larger text or on its side a language may be below «Show more».
    return scroll_and_tap("language." + std::string(language), "") && tap("appointment.no") &&
           tap("need." + std::string(need)) &&
           page() == "questions";
}

bool HeadlessKiosk::skip_to_confirm() {
    return tap("nav.next") && tap("nav.skip") && page() == "confirm";
}

void HeadlessKiosk::drag(ImVec2 from, ImVec2 to, int steps) {
    mouse_ = from;
    down_ = true;
    frame();
    for (int i = 1; i <= steps; ++i) {
        const float k = static_cast<float>(i) / static_cast<float>(steps);
        mouse_ = ImVec2(from.x + (to.x - from.x) * k, from.y + (to.y - from.y) * k);
        frame();
    }
    down_ = false;
    frame();
    frame();
}

void HeadlessKiosk::hold(ImVec2 at, double seconds) {
    mouse_ = at;
    down_ = true;
    frame();
    for (double held = 0; held < seconds; held += 0.25) {
        now_s_ += 0.25 - 1.0 / 60.0;
        frame();
    }
    down_ = false;
    frame();
    frame();
}

bool HeadlessKiosk::touch(std::string_view id) {
    const ui::TouchTarget* target = recorder_.find(id);
    if (!target) return false;
    touch_at(target->visible.centre());
    return true;
}

void HeadlessKiosk::touch_at(ImVec2 at) {
    mouse_ = at;
    down_ = true;
    frame();
    down_ = false;
    frame();
    frame();
    now_s_ += 0.5;
    frame();
}

void HeadlessKiosk::double_tap(ImVec2 at) {
    mouse_ = at;
    for (int i = 0; i < 2; ++i) {
        down_ = true;
        frame();
        down_ = false;
        frame();
    }
    for (int i = 0; i < 3; ++i) frame();
    now_s_ += 0.5;
    frame();
}

void HeadlessKiosk::keypad(int glfw_key) {
    keys_down_.insert(glfw_key);
    frame();
    keys_down_.erase(glfw_key);
    for (int i = 0; i < 4; ++i) frame();
}

void HeadlessKiosk::wait_seconds(double seconds) {
    mouse_ = ImVec2(-1, -1);  // the finger is gone
    const int whole = static_cast<int>(seconds);
    for (int i = 0; i < whole; ++i) {
        now_s_ += 1.0 - 1.0 / 60.0;
        frame();
    }
    now_s_ += seconds - whole;
    frame();
}

std::vector<Ticket> HeadlessKiosk::stored_tickets() {
    if (!store_) return {};
    auto tickets = store_->tickets_of_day(service_day_of(wall_ms_));
    if (!tickets) return {};
    return *tickets;
}

}  // namespace skranke::test
