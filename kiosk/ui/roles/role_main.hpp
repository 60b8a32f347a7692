// Entry points of the staff roles of the skranke program: `skranke --role reception` (the
// reception console) and `skranke --role display` (the waiting-room display).
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/sync_engine.hpp"
#include "roles/role_config.hpp"
#include "roles/role_fonts.hpp"
#include "store/queue_view.hpp"
#include "store/store.hpp"

namespace skranke::roles {

// Runs the role named by chosen_role(); the process's exit code.
int run_staff_role(const std::string& role, int argc, char** argv);

// What both staff roles start with: the command line read, the store open, the device
// enrolled (once) and the sync engine running.
struct RoleRuntime {
    RoleConfig config;
    std::filesystem::path asset_dir;
    std::unique_ptr<Store> store;
    StoreOptions store_options;
    std::unique_ptr<QueueView> view;  // before the engine: the engine writes into it until it stops
    sync::Connection connection;
    std::unique_ptr<sync::SyncEngine> engine;
    // The sync engine stored a new office configuration from the hub (set from its thread;
    // the first one is due at start, for what an earlier run cached).
    std::atomic<bool> office_config_due{true};
    bool windowed = false;
    std::string screenshot;  // test hook: save this PNG once the screen has its data, then exit
    std::string page;        // console: which page the screenshot shows
    std::string sign_in_as;  // test hook: sign in as this staff id (PIN from SKRANKE_SIGN_IN_PIN)
    std::string counter;
    int width = 1920, height = 1080;
};

// What a role's window loop calls each time round.
struct RoleFrame {
    ui::RoleFonts fonts;                                  // built by run_window before the first draw
    std::function<double(double now_s)> seconds_until_timer;
    std::function<bool(double now_s)> tick;               // true: something changed, draw
    std::function<void(double now_s)> draw;               // between NewFrame and Render
    std::function<bool(double now_s)> after_render;       // applies input; true: draw again
    std::function<bool()> ready;                          // the screen shows its data (screenshot hook)
    // After tick: every text to draw, when some may be new (the office's wording from the
    // hub); the fonts are built again if they lack a character. Empty, or nullopt: none new.
    std::function<std::optional<std::vector<std::string>>()> texts_changed;
};

struct RoleWindowSetup {
    bool full_screen = false;
    std::vector<std::string> glyph_texts;                 // every text the fonts must draw
    std::function<ui::RoleFontSizes(float screen_height)> font_sizes;
};

// Opens the window, builds the fonts and runs the event-driven loop until it closes.
int run_window(RoleRuntime& runtime, const std::string& title, const RoleWindowSetup& setup, RoleFrame& frame);

int run_console(RoleRuntime& runtime);
int run_display(RoleRuntime& runtime);

}  // namespace skranke::roles
