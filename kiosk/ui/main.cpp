// skranke: the front-desk GUI. Today it runs the visitor (kiosk) role; the reception
// console and the waiting-room display will be roles of the same program, sharing shell/.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "domain/service_catalogue.hpp"
#include "domain/numbering.hpp"
#include "domain/office_time.hpp"
#include "shell/fonts.hpp"
#include "shell/keyboard.hpp"
#include "shell/speech.hpp"
#include "shell/translations.hpp"
#include "shell/window.hpp"
#include "store/paths.hpp"
#include "store/store.hpp"
#include "store/sync_store.hpp"
#include "client/saved_hub.hpp"
#include "client/sync_engine.hpp"
#include "printer/ticket_printer.hpp"
#include "visitor/kiosk_config.hpp"
#include "visitor/kiosk_office.hpp"
#include "visitor/paper_ticket.hpp"
#include "visitor/visitor_app.hpp"
#include "visitor/screen_reader.hpp"
#include "visitor/visitor_fonts.hpp"
#include "visitor/visitor_frame.hpp"
#include "visitor/visitor_view.hpp"
#include "roles/role_main.hpp"

// The screen reader reads the keypad by GLFW's key codes.
static_assert(skranke::visitor::keypad::kp_0 == GLFW_KEY_KP_0 && skranke::visitor::keypad::kp_8 == GLFW_KEY_KP_8 &&
              skranke::visitor::keypad::kp_enter == GLFW_KEY_KP_ENTER);

namespace {

namespace fs = std::filesystem;

int fail(const std::string& message) {
    std::cerr << "skranke: " << message << "\n";
    return 1;
}

// What the test hook writes after each new screen: the PNG and where every target is,
// so a driver can tap buttons by name.
void write_screen_state(const fs::path& dir, int sequence, long taps, const std::string& page, const std::string& png,
                        const skranke::ui::TouchRecorder& recorder, GLFWwindow* window) {
    nlohmann::json targets = nlohmann::json::array();
    for (const auto& t : recorder.targets())
        targets.push_back({{"id", t.id},
                           {"label", t.label},
                           {"x", t.visible.centre().x},
                           {"y", t.visible.centre().y},
                           {"w", t.visible.width()},
                           {"h", t.visible.height()}});
    // What a kiosk window must be: no pointer left hovering where the last finger was, no
    // decoration a visitor could drag or close.
    const nlohmann::json kiosk_window{
        {"cursor_hidden", glfwGetInputMode(window, GLFW_CURSOR) == GLFW_CURSOR_HIDDEN},
        {"decorated", glfwGetWindowAttrib(window, GLFW_DECORATED) == GLFW_TRUE}};
    const nlohmann::json state{{"sequence", sequence}, {"taps", taps},       {"page", page},
                               {"png", png},           {"targets", targets}, {"window", kiosk_window}};
    const fs::path tmp = dir / "state.json.tmp";
    {
        std::ofstream out(tmp);
        out << state.dump(1);
    }
    std::error_code ec;
    fs::rename(tmp, dir / "state.json", ec);  // atomic: a reader never sees half a file
}

// Where every target is, as the test hook writes it: when this changes on a page already
// shot (a printer that has finished, a band that came), state.json is written again.
std::string target_places(const skranke::ui::TouchRecorder& recorder) {
    std::string places;
    for (const auto& t : recorder.targets()) {
        char where[96];
        std::snprintf(where, sizeof where, " %.1f,%.1f,%.1f,%.1f;", static_cast<double>(t.visible.x0),
                      static_cast<double>(t.visible.y0), static_cast<double>(t.visible.x1),
                      static_cast<double>(t.visible.y1));
        places += t.id;
        places += where;
    }
    return places;
}

// The kiosk's store and its sync engine. Neither stops the kiosk when it cannot start: a
// store that cannot open sends visitors to reception, a kiosk that is not enrolled keeps its
// tickets in the outbox. Both are tried again every retry_seconds until they run, so a disk
// that comes back, a folder IT fixes, or `skranke-sync enrol` on a running kiosk take effect
// without a restart. Once both run there is no timer left, and the idle kiosk sleeps.
class Backend {
public:
    // office_config_stored: the engine stored a new office configuration from the hub.
    // printer_state: for the health report (nothing: the kiosk has no printer).
    Backend(std::string path, char letter, int retry_seconds, std::function<void()> office_config_stored,
            std::function<std::optional<std::string>()> printer_state)
        : path_(std::move(path)),
          letter_(letter),
          retry_seconds_(retry_seconds),
          office_config_stored_(std::move(office_config_stored)),
          printer_state_(std::move(printer_state)) {}

    skranke::Store* store() const { return store_.get(); }
    skranke::QueueView* view() const { return view_.get(); }
    skranke::sync::SyncEngine* engine() const { return engine_.get(); }
    bool complete() const { return store_ && engine_; }
    // The engine stops (before the window closes: its thread wakes the window's loop).
    void stop_sync() { engine_.reset(); }

    // Seconds until the next try, or -1 when nothing is left to try.
    double seconds_until_try(double now_s) const {
        return complete() ? -1.0 : std::max(0.0, next_try_s_ - now_s);
    }

    // Tries what is not running yet when a try is due. Returns true when the store has just
    // opened (so the application gets it).
    bool try_start(double now_s) {
        if (complete() || now_s < next_try_s_) return false;
        next_try_s_ = now_s + retry_seconds_;
        bool opened = false;
        if (!store_) {
            store_ = open_store();
            opened = store_ != nullptr;
            if (opened) view_ = open_view();
        }
        if (store_ && !engine_) engine_ = start_sync();
        return opened;
    }

private:
    // Logs a problem once, and again only when it changes (a kiosk retries all year).
    void report(const std::string& what, bool error) {
        if (what == last_report_) return;
        last_report_ = what;
        if (error)
            spdlog::error("{} (tried again every {} s)", what, retry_seconds_);
        else
            spdlog::info("{}", what);
    }

    std::unique_ptr<skranke::Store> open_store() {
        const skranke::StoreOptions options = store_options();
        std::error_code ec;
        fs::create_directories(fs::path(path_).parent_path(), ec);
        auto opened = skranke::Store::open(options);
        if (!opened) {
            report(fmt::format("store {} cannot be opened ({}): {}", path_, skranke::to_string(opened.error().kind),
                               opened.error().detail),
                   true);
            return nullptr;
        }
        if (!last_report_.empty()) spdlog::info("store {} is open", path_);
        last_report_.clear();
        return std::move(*opened);
    }

    // The queue as this kiosk knows it, kept up to date by the sync engine's thread and read
    // after each ticket (people ahead, the wait). Without it the ticket still shows.
    std::unique_ptr<skranke::QueueView> open_view() {
        skranke::QueueView::Options options;
        options.poll_ms = 0;  // the engine and the ticket screen tell it: an idle kiosk sleeps
        options.day_figures = false;  // a kiosk shows no figures
        auto view = skranke::QueueView::open(store_options(), options);
        if (!view) {
            spdlog::warn("the queue cannot be read from the store ({}): tickets show without the queue's figures",
                         view.error().detail);
            return nullptr;
        }
        return std::move(*view);
    }

    skranke::StoreOptions store_options() const {
        skranke::StoreOptions options;
        options.path = path_;
        options.kiosk_letter = letter_;
        if (store_) options.device_id = store_->device_id();
        return options;
    }

    // Starts the sync engine when this kiosk is enrolled with a hub (skranke-sync enrol).
    std::unique_ptr<skranke::sync::SyncEngine> start_sync() {
        skranke::SyncStore sync_store(*store_);
        auto saved = skranke::sync::load_saved_hub(sync_store);
        if (!saved) {
            report("cannot read the hub settings from the store: " + saved.error().detail, true);
            return nullptr;
        }
        if (!*saved || (*saved)->token.empty()) {
            report(fmt::format("not enrolled with a hub: tickets stay in the outbox ({})", path_), false);
            return nullptr;
        }
        skranke::sync::SyncOptions options;
        options.connection = **saved;
        if (view_) options.store_written = [view = view_.get()] { (void)view->update_now(); };
        options.office_config_stored = office_config_stored_;
        options.printer_state = printer_state_;
        auto engine = skranke::sync::SyncEngine::start(store_options(), options);
        if (!engine) {
            report("cannot start the sync engine: " + engine.error(), true);
            return nullptr;
        }
        last_report_.clear();
        spdlog::info("syncing with {}", options.connection.hub_url);
        return std::move(*engine);
    }

    std::string path_;
    char letter_;
    int retry_seconds_;
    std::function<void()> office_config_stored_;
    std::function<std::optional<std::string>()> printer_state_;
    double next_try_s_ = 0;
    std::string last_report_;
    std::unique_ptr<skranke::Store> store_;
    std::unique_ptr<skranke::QueueView> view_;
    std::unique_ptr<skranke::sync::SyncEngine> engine_;  // after store_ and view_: stops before them
};

// IT's check of a kiosk's printer: a sample ticket printed (or drawn into a PNG), and what
// the printer says. Exit status 0 only when it printed (or the PNG was written).
int print_sample_ticket(const skranke::visitor::KioskConfig& config, const skranke::ui::Translations& translations,
                        const skranke::ServiceCatalogue& catalogue, const std::string& language, const std::string& png) {
    if (!translations.has_language(language)) return fail("there is no translation for the language \"" + language + "\"");
    auto texts = translations.all_texts();
    texts.push_back(config.office.name);
    const std::string need = catalogue.needs().empty() ? "need.other" : catalogue.needs().front().text_key;
    const auto ticket = skranke::visitor::sample_paper_ticket(language, translations, config.office, need,
                                                              skranke::wall_clock_ms());
    for (const auto& line : ticket.visitor) texts.push_back(line.text);
    for (const auto& line : ticket.staff) texts.push_back(line.text);
    auto renderer = skranke::printer::TicketRenderer::create(texts, skranke::ui::default_font_dirs());
    if (!renderer) return fail(renderer.error());
    const skranke::printer::Raster raster = (*renderer)->render(ticket);
    std::string error;
    if (!png.empty()) {
        if (!skranke::printer::write_png(raster, png, error)) return fail(error);
        std::cout << "the sample ticket is in " << png << " (" << raster.width << " x " << raster.height << " dots)\n";
        return 0;
    }
    const auto link = skranke::printer::open_link(config.printer);
    if (!link) return fail("no printer is set up: [printer] connection is \"none\" in the kiosk's configuration");
    const auto outcome = link->print(skranke::printer::ticket_commands(raster));
    const std::string state = outcome.state ? std::string(skranke::printer::to_string(*outcome.state)) : "not known";
    if (!outcome.printed)
        return fail("the sample ticket was not printed; the printer's state: " + state +
                    (outcome.error.empty() ? "" : " (" + outcome.error + ")"));
    std::cout << "the sample ticket was printed; the printer's state: " << state << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);  // a speech process that exits early must not kill the kiosk
    // The reception console and the waiting-room display are roles of this same program.
    if (const std::string role = skranke::roles::chosen_role(argc, argv); role != "kiosk")
        return skranke::roles::run_staff_role(role, argc, argv);
    CLI::App cli{"Skranke front-desk kiosk (visitor role)"};
    std::string config_path, store_path = skranke::default_store_path().string();
    std::string asset_dir = skranke::default_asset_dir().string(), screenshot_dir;
    std::string ready_file;
    bool windowed = false, test_print = false;
    std::string test_print_png, test_language;
    std::string role = "kiosk";
    for (const char* candidate : {"/etc/skranke/kiosk.toml"})
        if (fs::exists(candidate)) config_path = candidate;
    cli.add_option("--config", config_path,
                   "kiosk configuration (TOML); default /etc/skranke/kiosk.toml, else "
                   "the built-in defaults");
    cli.add_option("--store", store_path, "SQLite store file")->capture_default_str();
    cli.add_option("--assets", asset_dir, "asset folder (services.toml, translations/)")->capture_default_str();
    cli.add_option("--screenshot-dir", screenshot_dir,
                   "test hook: save a PNG of every new screen and state.json (screen, touch targets) here");
    cli.add_option("--role", role, "kiosk (this visitor flow), reception or display (see skranke --role reception --help)");
    cli.add_option("--ready-file", ready_file, "write this file once the first frame is on screen (for benchmarks)");
    cli.add_flag("--windowed", windowed, "a normal window with a cursor instead of kiosk full screen");
    cli.add_flag("--test-print", test_print,
                 "print a sample ticket on the printer of the configuration's [printer], say the printer's state, "
                 "and exit (docs/printer.md)");
    cli.add_option("--test-print-png", test_print_png,
                   "draw the sample ticket into this PNG file instead of printing it, and exit");
    cli.add_option("--test-print-language", test_language, "the sample ticket's language (default: the visitor default)");
    CLI11_PARSE(cli, argc, argv);

    skranke::visitor::KioskConfig config = skranke::visitor::default_kiosk_config();
    std::string error;
    if (!config_path.empty() && !skranke::visitor::load_kiosk_config(config_path, config, error)) return fail(error);
    skranke::set_office_zone(config.time_zone);  // checked when the file was read; before any thread starts

    skranke::ui::Translations translations;
    if (!translations.load_dir(fs::path(asset_dir) / "translations", error)) return fail(error);
    auto catalogue = skranke::ServiceCatalogue::load_file(fs::path(asset_dir) / "services.toml");
    if (!catalogue) return fail("cannot load the service catalogue: " + catalogue.error().detail);
    // The local files until the hub's office configuration is in the store (then over them).
    skranke::visitor::KioskOffice office(config, std::move(*catalogue), translations);
    if (test_print || !test_print_png.empty())
        return print_sample_ticket(office.config(), translations, office.catalogue(),
                                   test_language.empty() ? config.default_language : test_language, test_print_png);

    if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) {
        return fail(
            "no display: DISPLAY is not set, so there is no screen to show the kiosk on.\n"
            "  On a kiosk PC, start Skranke from the kiosk session (see docs/kiosk.md).\n"
            "  To try it on a machine without a screen, run it on a virtual one and save screenshots:\n"
            "    xvfb-run -a -s '-screen 0 1080x1920x24' " +
            std::string(argv[0]) +
            " --screenshot-dir /tmp/skranke-shots\n"
            "  To check the store and issue a test ticket without a screen: skranke-cli check / issue other");
    }

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing of a visit is written to disk
    io.LogFilename = nullptr;

    skranke::ui::WindowOptions window_options;
    window_options.kiosk_mode = !windowed;
    if (config.orientation == "landscape") std::swap(window_options.width, window_options.height);
    skranke::ui::Window window;
    if (!window.open(window_options, error)) return fail(error);

    const skranke::ui::PhysicalScale scale{config.dpi};
    // The screens' atlas holds the language on screen (visitor/visitor_fonts.hpp): built
    // again between frames when the visitor changes language, and when the office's wording
    // comes from the hub.
    skranke::ui::FontSet fonts;
    skranke::visitor::VisitorGlyphs font_glyphs;
    const auto build_fonts = [&](const skranke::visitor::VisitorGlyphs& glyphs) {
        font_glyphs = glyphs;
        return skranke::visitor::build_visitor_fonts(*io.Fonts, scale, translations, glyphs,
                                                     skranke::ui::default_font_dirs(),
                                                     std::string(" 0123456789") + config.kiosk_letter, fonts, error);
    };
    // Every text of every translation and keyboard: the printed ticket's glyphs. Every
    // language's fonts are there, so a change of language cannot find one missing.
    std::vector<std::string> every_text = translations.all_texts();
    for (auto& k : skranke::ui::keyboard_characters()) every_text.push_back(std::move(k));
    if (!skranke::ui::text_fonts_present(skranke::ui::default_font_dirs(), every_text, error)) return fail(error);

    skranke::ui::EspeakSpeaker speaker("espeak-ng", "aplay", config.headset_device);
    skranke::visitor::VisitorServices services;
    services.store = nullptr;  // opened after the first frame, so the screen comes up at once
    services.catalogue = &office.catalogue();
    services.config = &office.config();
    services.translations = &translations;
    services.speaker = &speaker;
    services.wall_clock_ms = [] { return skranke::wall_clock_ms(); };
    services.device_clocks = [] { return skranke::read_device_clocks(); };
    // The paper-ticket printer, on a thread of its own; its news wakes the loop.
    std::unique_ptr<skranke::printer::TicketPrinter> printer;
    std::function<std::optional<std::string>()> printer_state;
    if (auto link = skranke::printer::open_link(config.printer)) {
        printer = std::make_unique<skranke::printer::TicketPrinter>(
            std::move(link),
            [base = std::move(every_text), name = office.config().office.name](const std::vector<std::string>& more) {
                auto texts = base;
                texts.push_back(name);
                texts.insert(texts.end(), more.begin(), more.end());
                return skranke::printer::TicketRenderer::create(texts, skranke::ui::default_font_dirs());
            },
            [] { glfwPostEmptyEvent(); });
        services.printer = printer.get();
        printer_state = [p = printer.get()]() -> std::optional<std::string> {
            const auto state = p->state();
            if (!state) return std::nullopt;
            return std::string(skranke::printer::to_string(*state));
        };
    }
    Backend backend(store_path, config.kiosk_letter, config.retry_seconds, [&office] {
        office.stored();
        glfwPostEmptyEvent();  // the loop takes it in once nobody is using the kiosk
    }, printer_state);
    bool checkpoint_due = false;
    services.ticket_stored = [&] {
        if (backend.engine()) backend.engine()->notify_local_event();
        checkpoint_due = true;  // after the ticket is on screen, never before
    };
    skranke::visitor::VisitorApp app(services);
    if (!build_fonts(skranke::visitor::visitor_glyphs(translations, app.state()))) return fail(error);
    skranke::visitor::VisitorView view;
    skranke::ui::TouchRecorder recorder;

    int frames_due = 2;  // frames to draw before sleeping again
    int shot_sequence = 0;
    long taps = 0;  // intents applied, so a test driver knows its tap was handled
    bool state_changed = false;
    std::string written_places;  // the targets in the last state.json
    std::string shot_png;        // the picture of shot_page
    bool first_frame_drawn = false;
    std::string shot_page, last_frame_page;
    while (!window.should_close()) {
        double timer = app.seconds_until_timer(glfwGetTime());
        if (first_frame_drawn) {
            const double retry = backend.seconds_until_try(glfwGetTime());
            if (retry >= 0 && (timer < 0 || retry < timer)) timer = retry;
        }
        window.wait(frames_due > 0 ? 0.0 : timer);
        const double now = glfwGetTime();
        // A press and its release can arrive in one wake-up: draw a few frames after any
        // input so the release (and so the tap) is handled at once.
        if (window.take_activity()) frames_due = std::max(frames_due, 3);
        if (app.tick(now)) frames_due = std::max(frames_due, 2);
        // The store opens after the first frame, so the screen comes up at once.
        if (first_frame_drawn && backend.try_start(now)) app.set_store(backend.store(), backend.view());
        if (backend.store()) {
            const auto applied = office.apply_due(*backend.store(), app);
            if (!applied) {
                spdlog::error("{}", applied.error());
            } else if (*applied) {
                spdlog::info("the office's configuration {} from the hub is in use", office.version().substr(0, 12));
                font_glyphs = {};  // its wording may bring letters: built again before the next frame
                frames_due = std::max(frames_due, 2);
            }
        }
        if (frames_due <= 0) continue;
        --frames_due;

        if (const auto glyphs = skranke::visitor::visitor_glyphs(translations, app.state()); glyphs != font_glyphs) {
            if (!build_fonts(glyphs))
                spdlog::error("the fonts cannot be built for the language {}: {}", glyphs.language, error);
        }
        window.new_frame();
        skranke::visitor::filter_visitor_input(app, scale, now);
        ImGui::NewFrame();
        const auto frame = skranke::visitor::draw_visitor_frame(app, view, translations, fonts, scale, recorder, now);
        ImGui::Render();

        // The screenshot hook: one PNG per new page, once it has been drawn twice the same.
        std::string png;
        if (!screenshot_dir.empty() && frame.page == last_frame_page && frame.page != shot_page &&
            frame.intents.empty()) {
            char name[96];
            std::snprintf(name, sizeof name, "%02d-%s.png", ++shot_sequence, frame.page.c_str());
            png = (fs::path(screenshot_dir) / name).string();
        }
        last_frame_page = frame.page;
        if (!window.render(png, error)) spdlog::error("screenshot: {}", error);
        if (io.Fonts->TexPixelsAlpha8 || io.Fonts->TexPixelsRGBA32)
            io.Fonts->ClearTexData();  // the GPU has the atlas now; keep no copy in memory
        if (!first_frame_drawn) {
            first_frame_drawn = true;
            if (backend.try_start(glfwGetTime())) app.set_store(backend.store(), backend.view());
        } else if (checkpoint_due && backend.store()) {
            // The visitor's ticket has been drawn: now copy the log into the file, so the
            // next visitor's commit does not pay for it (Store::checkpoint).
            checkpoint_due = false;
            if (auto done = backend.store()->checkpoint(); !done) spdlog::warn("checkpoint: {}", done.error().detail);
        }
        if (!ready_file.empty()) {
            std::ofstream(ready_file) << "ready\n";
            ready_file.clear();
        }
        if (!png.empty()) shot_page = frame.page;
        // state.json after each new screenshot, and on the frame after a tap was handled, so
        // it always says where the buttons are now.
        if (!screenshot_dir.empty()) {
            std::string places = target_places(recorder);
            const bool moved = frame.page == shot_page && places != written_places;
            if (!png.empty()) shot_png = png;
            if (!png.empty() || state_changed || moved) {
                // After a tap the page's picture is not named: the driver waits for the next one.
                write_screen_state(screenshot_dir, shot_sequence, taps, shot_page, state_changed ? png : shot_png,
                                   recorder, window.handle());
                written_places = std::move(places);
            }
        }
        skranke::visitor::apply_visitor_frame(app, frame, now);
        taps += static_cast<long>(frame.intents.size());
        state_changed = !frame.intents.empty();
        if (!frame.intents.empty() || (!screenshot_dir.empty() && frame.page != shot_page))
            frames_due = std::max(frames_due, 2);
        if (frame.again) frames_due = std::max(frames_due, 1);  // a list's bands come or go
    }
    backend.stop_sync();
    printer.reset();  // its thread wakes the window's loop: it ends first
    window.close();
    ImGui::DestroyContext();
    return 0;
}
