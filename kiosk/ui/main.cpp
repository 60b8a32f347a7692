// skranke: the front-desk GUI. Today it runs the visitor (kiosk) role; the reception
// console and the waiting-room display will be roles of the same program, sharing shell/.
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "domain/service_catalogue.hpp"
#include "domain/service_day.hpp"
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
#include "visitor/kiosk_config.hpp"
#include "visitor/visitor_app.hpp"
#include "visitor/visitor_frame.hpp"
#include "visitor/visitor_view.hpp"
#include "roles/role_main.hpp"

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

std::unique_ptr<skranke::Store> open_store(const std::string& path, char letter) {
    skranke::StoreOptions options;
    options.path = path;
    options.kiosk_letter = letter;
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    auto opened = skranke::Store::open(options);
    if (opened) return std::move(*opened);
    spdlog::error("store {} cannot be opened ({}): {}", path, skranke::to_string(opened.error().kind),
                  opened.error().detail);
    return nullptr;
}

// Starts the sync engine when this kiosk is enrolled with a hub (skranke-sync enrol). A
// kiosk that is not enrolled works on its own; its outbox waits for the hub.
std::unique_ptr<skranke::sync::SyncEngine> start_sync(skranke::Store& store, const std::string& path, char letter) {
    skranke::SyncStore sync_store(store);
    auto saved = skranke::sync::load_saved_hub(sync_store);
    if (!saved) {
        spdlog::error("cannot read the hub settings from the store: {}", saved.error().detail);
        return nullptr;
    }
    if (!*saved || (*saved)->token.empty()) {
        spdlog::info("not enrolled with a hub: tickets stay in the outbox ({})", path);
        return nullptr;
    }
    skranke::StoreOptions store_options;
    store_options.path = path;
    store_options.kiosk_letter = letter;
    store_options.device_id = store.device_id();
    skranke::sync::SyncOptions options;
    options.connection = **saved;
    auto engine = skranke::sync::SyncEngine::start(store_options, options);
    if (!engine) {
        spdlog::error("cannot start the sync engine: {}", engine.error());
        return nullptr;
    }
    spdlog::info("syncing with {}", options.connection.hub_url);
    return std::move(*engine);
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
    bool windowed = false;
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
    CLI11_PARSE(cli, argc, argv);

    skranke::visitor::KioskConfig config = skranke::visitor::default_kiosk_config();
    std::string error;
    if (!config_path.empty() && !skranke::visitor::load_kiosk_config(config_path, config, error)) return fail(error);

    skranke::ui::Translations translations;
    if (!translations.load_dir(fs::path(asset_dir) / "translations", error)) return fail(error);
    auto catalogue = skranke::ServiceCatalogue::load_file(fs::path(asset_dir) / "services.toml");
    if (!catalogue) return fail("cannot load the service catalogue: " + catalogue.error().detail);

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
    skranke::ui::FontSet fonts;
    auto texts = translations.all_texts();
    for (auto& k : skranke::ui::keyboard_characters()) texts.push_back(k);
    if (!skranke::ui::build_fonts(*io.Fonts, scale, texts, skranke::ui::default_font_dirs(), fonts, error,
                                  std::string(" 0123456789") + config.kiosk_letter))
        return fail(error);

    skranke::ui::EspeakSpeaker speaker;
    skranke::visitor::VisitorServices services;
    services.store = nullptr;  // opened after the first frame, so the screen comes up at once
    services.catalogue = &*catalogue;
    services.config = &config;
    services.translations = &translations;
    services.speaker = &speaker;
    services.wall_clock_ms = [] { return skranke::wall_clock_ms(); };
    std::unique_ptr<skranke::sync::SyncEngine> sync_engine;
    std::unique_ptr<skranke::Store> store;
    // The wait estimate: how long reception took with the last 20 visitors in three hours.
    services.recent_service_ms = [&]() -> std::vector<std::int64_t> {
        if (!store) return {};
        skranke::SyncStore sync_store(*store);
        auto recent = sync_store.recent_service_ms(skranke::wall_clock_ms() - 3 * 3600 * 1000, 20);
        return recent ? std::move(*recent) : std::vector<std::int64_t>{};
    };
    bool checkpoint_due = false;
    services.ticket_stored = [&] {
        if (sync_engine) sync_engine->notify_local_event();
        checkpoint_due = true;  // after the ticket is on screen, never before
    };
    skranke::visitor::VisitorApp app(services);
    skranke::visitor::VisitorView view;
    skranke::ui::TouchRecorder recorder;

    int frames_due = 2;  // frames to draw before sleeping again
    int shot_sequence = 0;
    long taps = 0;  // intents applied, so a test driver knows its tap was handled
    bool state_changed = false;
    bool store_tried = false;
    std::string shot_page, last_frame_page;
    while (!window.should_close()) {
        const double timer = app.seconds_until_timer(glfwGetTime());
        window.wait(frames_due > 0 ? 0.0 : timer);
        const double now = glfwGetTime();
        // A press and its release can arrive in one wake-up: draw a few frames after any
        // input so the release (and so the tap) is handled at once.
        if (window.take_activity()) frames_due = std::max(frames_due, 3);
        if (app.tick(now)) frames_due = std::max(frames_due, 2);
        if (frames_due <= 0) continue;
        --frames_due;

        window.new_frame();
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
        if (!store_tried) {
            // A store that cannot open does not stop the kiosk: visitors are sent to reception.
            store_tried = true;
            store = open_store(store_path, config.kiosk_letter);
            app.set_store(store.get());
            if (store) sync_engine = start_sync(*store, store_path, config.kiosk_letter);
        } else if (checkpoint_due && store) {
            // The visitor's ticket has been drawn: now copy the log into the file, so the
            // next visitor's commit does not pay for it (Store::checkpoint).
            checkpoint_due = false;
            if (auto done = store->checkpoint(); !done) spdlog::warn("checkpoint: {}", done.error().detail);
        }
        if (!ready_file.empty()) {
            std::ofstream(ready_file) << "ready\n";
            ready_file.clear();
        }
        if (!png.empty()) shot_page = frame.page;
        // state.json after each new screenshot, and on the frame after a tap was handled, so
        // it always says where the buttons are now.
        if (!screenshot_dir.empty() && (!png.empty() || state_changed))
            write_screen_state(screenshot_dir, shot_sequence, taps, shot_page, png, recorder, window.handle());
        skranke::visitor::apply_visitor_frame(app, frame, now);
        taps += static_cast<long>(frame.intents.size());
        state_changed = !frame.intents.empty();
        if (!frame.intents.empty() || (!screenshot_dir.empty() && frame.page != shot_page))
            frames_due = std::max(frames_due, 2);
    }
    window.close();
    ImGui::DestroyContext();
    return 0;
}
