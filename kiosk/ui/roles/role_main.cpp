#include "roles/role_main.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <GLFW/glfw3.h>
#include <imgui.h>

#include "domain/office_time.hpp"
#include "shell/window.hpp"
#include "store/paths.hpp"
#include "client/saved_hub.hpp"
#include "store/sync_store.hpp"

namespace skranke::roles {
namespace {

int fail(const std::string& message) {
    std::cerr << "skranke: " << message << "\n";
    return 1;
}

}  // namespace

int run_staff_role(const std::string& role, int argc, char** argv) {
    namespace fs = std::filesystem;
    RoleRuntime rt;
    CLI::App cli{"Skranke " + role + " (staff role of the skranke program)"};
    std::string roles_config = fs::exists(default_roles_config) ? default_roles_config : "";
    std::string role_arg = role, store_path, token, enrol_code, hub_url;
    std::string asset_dir = default_asset_dir().string();
    cli.add_option("--role", role_arg, "kiosk, reception or display");
    cli.add_option("--roles-config", roles_config, "role configuration (TOML); default /etc/skranke/roles.toml");
    cli.add_option("--store", store_path, "SQLite store file (default: " + role + ".db in the data folder)");
    cli.add_option("--assets", asset_dir, "asset folder")->capture_default_str();
    cli.add_option("--hub", hub_url, "hub URL, or several separated by commas (overrides the config)");
    cli.add_option("--enrol", enrol_code, "enrol this device with a one-time code from `skranke-hub enrol-code`");
    cli.add_option("--token", token, "device token (normally kept in the store after --enrol)");
    cli.add_flag("--windowed", rt.windowed, "a normal window instead of full screen");
    cli.add_option("--screenshot", rt.screenshot, "test hook: save a PNG once the data is shown, then exit");
    cli.add_option("--page", rt.page, "test hook: console page for the screenshot (queue, callbacks, figures)");
    cli.add_option("--sign-in-as", rt.sign_in_as, "test hook: sign in as this staff id, PIN from SKRANKE_SIGN_IN_PIN");
    cli.add_option("--counter", rt.counter, "test hook: the counter for --sign-in-as");
    CLI11_PARSE(cli, argc, argv);

    std::string error;
    if (!roles_config.empty() && !load_role_config(roles_config, rt.config, error)) return fail(error);
    if (!hub_url.empty()) rt.config.hub_url = hub_url;
    skranke::set_office_zone(rt.config.time_zone);  // checked when the file was read; before any thread starts
    rt.asset_dir = asset_dir;
    if (rt.config.export_dir.empty()) rt.config.export_dir = default_data_dir() / "export";

    rt.store_options.path = store_path.empty() ? default_data_dir() / (role + ".db") : fs::path(store_path);
    rt.store_options.device_kind = role;  // a new store's id: reception-… or display-…
    std::error_code ec;
    fs::create_directories(rt.store_options.path.parent_path(), ec);
    auto opened = Store::open(rt.store_options);
    if (!opened) return fail("cannot open the store " + rt.store_options.path.string() + ": " + opened.error().detail);
    rt.store = std::move(*opened);
    rt.store_options.device_id = rt.store->device_id();

    // The hub settings are kept in the store at enrolment (client/saved_hub.hpp), shared with
    // skranke-sync; the command line and roles.toml fill in what is not saved yet.
    SyncStore sync_store(*rt.store);
    auto saved = sync::load_saved_hub(sync_store);
    if (!saved) return fail("cannot read the hub settings from the store: " + saved.error().detail);
    if (*saved) rt.connection = **saved;
    if (rt.connection.hub_url.empty() || !hub_url.empty()) rt.connection.hub_url = rt.config.hub_url;
    if (rt.connection.ca_file.empty()) rt.connection.ca_file = rt.config.ca_file;
    if (!token.empty()) rt.connection.token = token;
    if (!enrol_code.empty()) {
        auto enrolled = sync::enrol_and_save(sync_store, rt.connection, enrol_code, rt.store->device_id(), role);
        if (!enrolled) return fail(enrolled.error());
        std::cout << "enrolled as " << enrolled->device_id << " (" << enrolled->role << ")\n";
    }
    if (rt.connection.token.empty())
        return fail("this " + role + " is not enrolled with the hub yet. On the hub: skranke-hub enrol-code --role " +
                    role + "; then here: skranke --role " + role + " --enrol <code>");

    QueueView::Options view_options;
    view_options.day_figures = role == "reception";  // the display shows calls only
    auto view = QueueView::open(rt.store_options, view_options);
    if (!view) return fail("cannot read the queue from the store: " + view.error().detail);
    rt.view = std::move(*view);
    sync::SyncOptions sync_options;
    sync_options.connection = rt.connection;
    sync_options.store_written = [view = rt.view.get()] { (void)view->update_now(); };
    // The console names the office's needs as the hub serves them; the display takes the
    // waiting room's capacity from the same configuration.
    sync_options.office_config_stored = [due = &rt.office_config_due] { *due = true; };
    auto engine = sync::SyncEngine::start(rt.store_options, sync_options);
    if (!engine) return fail("cannot start the sync engine: " + engine.error());
    rt.engine = std::move(*engine);

    if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY"))
        return fail("no display: DISPLAY is not set. Start it from the desktop session, or under xvfb-run to try it.");
    return role == "display" ? run_display(rt) : run_console(rt);
}

int run_window(RoleRuntime& rt, const std::string& title, const RoleWindowSetup& setup, RoleFrame& frame) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    ui::WindowOptions options;
    options.kiosk_mode = setup.full_screen && !rt.windowed;
    options.width = rt.width;
    options.height = rt.height;
    options.title = title;
    ui::Window window;
    std::string error;
    if (!window.open(options, error)) return fail(error);
    const auto sizes = setup.font_sizes(static_cast<float>(window.height()));
    if (!ui::build_role_fonts(*io.Fonts, setup.glyph_texts, sizes, ui::default_font_dirs(), frame.fonts, error))
        return fail(error);
    std::vector<unsigned int> font_glyphs = ui::glyphs_for(setup.glyph_texts);  // sorted

    int frames_due = 2;
    const double started = glfwGetTime();
    int ready_frames = 0;
    while (!window.should_close()) {
        window.wait(frames_due > 0 ? 0.0 : frame.seconds_until_timer(glfwGetTime()));
        const double now = glfwGetTime();
        if (window.take_activity()) frames_due = std::max(frames_due, 3);
        if (frame.tick(now)) frames_due = std::max(frames_due, 2);
        if (const auto texts = frame.texts_changed ? frame.texts_changed() : std::nullopt) {
            if (ui::glyphs_lack(font_glyphs, *texts)) {
                if (ui::build_role_fonts(*io.Fonts, *texts, sizes, ui::default_font_dirs(), frame.fonts, error))
                    font_glyphs = ui::glyphs_for(*texts);
                else
                    spdlog::error("the fonts cannot be built again for the office's texts: {}", error);
            }
            frames_due = std::max(frames_due, 2);
        }
        if (frames_due <= 0) continue;
        --frames_due;
        window.new_frame();
        ImGui::NewFrame();
        frame.draw(now);
        ImGui::Render();
        // The screenshot hook: once the screen shows its data (or after 20 s), save and stop.
        std::string png;
        if (!rt.screenshot.empty()) {
            ready_frames = frame.ready() ? ready_frames + 1 : 0;
            if (ready_frames >= 3 || now - started > 20) png = rt.screenshot;
            frames_due = std::max(frames_due, 1);
        }
        if (!window.render(png, error)) spdlog::error("screenshot: {}", error);
        if (frame.after_render(now)) frames_due = std::max(frames_due, 2);
        if (!png.empty()) break;
    }
    window.close();
    ImGui::DestroyContext();
    return 0;
}

}  // namespace skranke::roles
