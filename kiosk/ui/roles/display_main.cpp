// `skranke --role display`: the waiting-room display, full screen on the TV.
#include <GLFW/glfw3.h>
#include <spdlog/spdlog.h>

#include "display/announcer.hpp"
#include "display/display_app.hpp"
#include "display/display_screen.hpp"
#include "domain/office_time.hpp"
#include "office/hub_office.hpp"
#include "roles/role_main.hpp"
#include "shell/speech.hpp"

namespace skranke::roles {

int run_display(RoleRuntime& rt) {
    std::string error;
    ui::Translations texts;
    if (!texts.load_dir(rt.asset_dir / "staff-translations", error)) {
        spdlog::error("{}", error);
        return 1;
    }
    ui::EspeakSpeaker speaker;
    display::AnnouncementSettings settings;
    settings.languages = rt.config.announce_languages;
    if (!rt.config.chime.empty()) settings.chime_file = (rt.asset_dir / rt.config.chime).string();
    settings.volume_percent = rt.config.volume;
    for (const auto& code : settings.languages)
        if (!texts.language(code) || texts.language(code)->voice.empty())
            spdlog::warn("display.announce_languages: {} has no announcement text or voice; it is skipped", code);
    display::Announcer announcer(speaker, texts, settings);
    // The office's configuration from the hub, for office.room_capacity. Its texts are the
    // kiosk's and the console's: they go over a set of their own, not the display's.
    auto catalogue = ServiceCatalogue::load_file(rt.asset_dir / "services.toml");
    if (!catalogue) {
        spdlog::error("cannot load the service catalogue: {}", catalogue.error().detail);
        return 1;
    }
    ui::Translations office_texts;
    office::HubOffice office(default_office_settings(), std::move(*catalogue), office_texts);
    const auto take_office = [&] {
        if (!rt.office_config_due.exchange(false)) return;
        const auto loaded = office.load_cached(*rt.store);
        if (!loaded) spdlog::error("{}", loaded.error());
        else if (*loaded) spdlog::info("the office's configuration {} from the hub is in use", office.version().substr(0, 12));
    };
    take_office();  // what an earlier run cached, before the first frame

    display::DisplayServices services;
    services.view = rt.view.get();
    services.announcer = &announcer;
    services.wall_clock_ms = [] { return wall_clock_ms(); };
    services.online = [&rt] { return rt.engine->status().reachable(); };
    services.room_capacity = [&office] { return office.settings().room_capacity; };
    services.office_name = rt.config.office_name;
    services.history = rt.config.history;
    services.highlight_seconds = rt.config.highlight_seconds;
    services.label_languages.clear();
    const auto& labels = rt.config.label_languages.empty() ? rt.config.announce_languages : rt.config.label_languages;
    for (const auto& code : labels) {
        if (texts.language(code)) services.label_languages.push_back(code);
        else spdlog::warn("display.label_languages: {} has no display texts; it is skipped", code);
    }
    if (services.label_languages.empty()) services.label_languages = {"nb"};
    services.label_seconds = rt.config.label_seconds;
    display::DisplayApp app(services);

    RoleWindowSetup setup;
    setup.full_screen = true;
    setup.glyph_texts = texts.all_texts();
    setup.glyph_texts.push_back(rt.config.office_name);
    // Text in mm on the TV: its diagonal from roles.toml over the window's pixels.
    setup.font_sizes = [&rt](float height) {
        int width = 0, framebuffer_height = 0;
        glfwGetFramebufferSize(glfwGetCurrentContext(), &width, &framebuffer_height);
        const display::DisplayScreen screen{static_cast<float>(width), height, static_cast<float>(rt.config.diagonal_inches)};
        const float px_per_cap = display::font_px_per_cap_px(ui::default_font_dirs());
        const auto sizes = display::display_font_sizes(screen, px_per_cap);
        const float px_per_cap_mm = screen.scale().px(px_per_cap);
        spdlog::info("display: {}x{} px, {}\" diagonal: capitals {:.0f} mm, the called number's {:.0f} mm", width, height,
                     rt.config.diagonal_inches, sizes.text_px / px_per_cap_mm, sizes.huge_px / px_per_cap_mm);
        return sizes;
    };
    RoleFrame frame;
    frame.seconds_until_timer = [&](double now) { return app.seconds_until_timer(now); };
    frame.tick = [&](double now) {
        take_office();
        return app.tick(now);
    };
    frame.draw = [&](double) { display::draw_display(app.state(), texts, frame.fonts); };
    frame.after_render = [](double) { return false; };
    frame.ready = [&] { return app.state().newest.has_value() && !app.state().offline; };
    return run_window(rt, "Skranke – venterom", setup, frame);
}

}  // namespace skranke::roles
