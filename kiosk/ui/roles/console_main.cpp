// `skranke --role reception`: the reception console in a desk window.
#include <cstdlib>

#include <imgui.h>
#include <spdlog/spdlog.h>

#include "console/console_app.hpp"
#include "console/console_view.hpp"
#include "domain/service_catalogue.hpp"
#include "domain/office_time.hpp"
#include "office/hub_office.hpp"
#include "roles/role_main.hpp"
#include "shell/keyboard.hpp"
#include "shell/speech.hpp"

namespace skranke::roles {

console::SyncView sync_view_of(const sync::SyncEngine& engine) {
    const sync::SyncStatus s = engine.status();
    return console::SyncView{s.reachable(), s.outbox_depth, s.last_sync_ms, s.cursor};
}

int run_console(RoleRuntime& rt) {
    std::string error;
    ui::Translations staff_texts, visitor_texts;
    if (!staff_texts.load_dir(rt.asset_dir / "staff-translations", error) ||
        !visitor_texts.load_dir(rt.asset_dir / "translations", error)) {
        spdlog::error("{}", error);
        return 1;
    }
    auto catalogue = ServiceCatalogue::load_file(rt.asset_dir / "services.toml");
    if (!catalogue) {
        spdlog::error("cannot load the service catalogue: {}", catalogue.error().detail);
        return 1;
    }
    // The shipped needs until the hub's office configuration is in the store, then the
    // office's needs and its wording of them (a need the office added has its name only there).
    office::HubOffice office(default_office_settings(), std::move(*catalogue), visitor_texts);
    console::HubStaffDesk desk(rt.connection);
    ui::EspeakSpeaker speaker;
    console::ConsoleServices services;
    services.store = rt.store.get();
    services.view = rt.view.get();
    services.catalogue = &office.catalogue();
    services.texts = &staff_texts;
    services.desk = &desk;
    services.speaker = &speaker;
    if (!rt.config.alert_sound.empty()) services.alert_sound = (rt.asset_dir / rt.config.alert_sound).string();
    services.wall_clock_ms = [] { return wall_clock_ms(); };
    services.sync_status = [&rt] { return sync_view_of(*rt.engine); };
    services.notify_sync = [&rt] { rt.engine->notify_local_event(); };
    services.counters = rt.config.counters;
    services.idle_sign_out_ms = rt.config.idle_sign_out_ms;
    services.export_dir = rt.config.export_dir;
    console::ConsoleApp app(services);
    console::ConsoleView view;
    ui::TouchRecorder recorder;

    if (!rt.sign_in_as.empty()) {  // test hook, for screenshots
        console::Intent in;
        in.kind = console::IntentKind::sign_in;
        in.text = rt.sign_in_as;
        in.pin = std::getenv("SKRANKE_SIGN_IN_PIN") ? std::getenv("SKRANKE_SIGN_IN_PIN") : "";
        in.counter = rt.counter.empty() ? rt.config.counters.front() : rt.counter;
        app.apply(in, 0);
        console::Intent page;
        page.kind = console::IntentKind::show_page;
        page.page = rt.page == "figures" ? console::Page::figures
                    : rt.page == "callbacks" ? console::Page::callbacks : console::Page::queue;
        app.apply(page, 0);
    }

    const auto glyph_texts = [&] {
        auto texts = staff_texts.all_texts();
        for (auto& text : visitor_texts.all_texts()) texts.push_back(std::move(text));
        for (auto& keys : ui::keyboard_characters()) texts.push_back(std::move(keys));  // what visitors type
        texts.emplace_back("…«»–·");
        return texts;
    };
    // Reads what the sync engine cached; true when the office's configuration changed.
    const auto take_office = [&] {
        if (!rt.office_config_due.exchange(false)) return false;
        const auto loaded = office.load_cached(*rt.store);
        if (!loaded) spdlog::error("{}", loaded.error());
        if (!loaded || !*loaded) return false;
        spdlog::info("the office's configuration {} from the hub is in use", office.version().substr(0, 12));
        app.catalogue_changed();
        return true;
    };
    take_office();  // what an earlier run cached, before the first frame

    RoleWindowSetup setup;
    setup.full_screen = false;
    setup.glyph_texts = glyph_texts();
    setup.font_sizes = [](float) { return ui::RoleFontSizes{}; };
    RoleFrame frame;
    std::vector<console::Intent> intents;
    frame.seconds_until_timer = [&](double now) { return app.seconds_until_timer(now); };
    frame.tick = [&](double now) { return app.tick(now); };
    // The console refreshes each second, so a new configuration is taken in within one.
    frame.texts_changed = [&]() -> std::optional<std::vector<std::string>> {
        if (!take_office()) return std::nullopt;
        return glyph_texts();
    };
    frame.draw = [&](double) {
        intents = view.draw(app.state(), staff_texts, visitor_texts, "nb", frame.fonts, ui::PhysicalScale{96}, recorder);
    };
    frame.after_render = [&](double now) {
        console::apply_console_frame(app, intents, now);
        return !intents.empty();
    };
    frame.ready = [&] {
        const auto& s = app.state();
        return !rt.sign_in_as.empty() ? s.signed_in && s.online && (s.waiting_total > 0 || s.figures.issued > 0) : true;
    };
    return run_window(rt, "Skranke – resepsjon", setup, frame);
}

}  // namespace skranke::roles
