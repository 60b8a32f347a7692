// skranke-notify: the office's SMS notifier, beside the hub with a role of its own (notify).
//   skranke-notify enrol --hub https://hub.office.local:8470 --code k3vf7638akvw [--ca hub.crt]
//   skranke-notify run
//   skranke-notify status
// each with --config FILE (default /etc/skranke/notify.toml). See docs/notify.md.
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "client/enrol_options.hpp"
#include "client/saved_hub.hpp"
#include "domain/office_time.hpp"
#include "notify/notifier.hpp"
#include "store/paths.hpp"
#include "store/queue_view.hpp"

using namespace skranke;

namespace {

int fail(const std::string& what) {
    std::cerr << "skranke-notify: " << what << "\n";
    return 1;
}

int print_status(const notify::NotifyConfig& config) {
    const StoreOptions options = notify::notify_store_options(config.store, false);
    auto store = Store::open(options);
    if (!store) return fail("cannot open " + config.store.string() + ": " + store.error().detail);
    SyncStore sync_store(**store);
    QueueView::Options view_options;
    view_options.thread = false;
    view_options.day_figures = false;
    auto view = QueueView::open(options, view_options);
    if (!view) return fail("cannot read the store " + config.store.string());
    // This notifier's messages of today, by how they went.
    int sending = 0, sent = 0, failed = 0;
    const auto snapshot = (*view)->snapshot();
    const std::string today = service_day_of(snapshot->reference_now(wall_clock_ms()));
    for (const auto& [id, ticket] : snapshot->queue().tickets()) {
        if (office_day_of(ticket) != today) continue;
        for (const auto& sms : ticket.sms) {
            if (!sms || sms->by_device != (*store)->device_id()) continue;
            ++(sms->outcome == NotifyOutcome::sent ? sent : sms->outcome == NotifyOutcome::failed ? failed : sending);
        }
    }
    if (!sync::write_sync_status(std::cout, **store, sync_store)) return fail("cannot read the store " + config.store.string());
    std::cout << "SMS today:    " << sent << " sent, " << failed << " failed, " << sending << " on their way\n";
    return 0;
}

// Everything `run` needs, or a message naming the file and key that is wrong.
Result<notify::NotifierSetup, std::string> prepare(const notify::NotifyConfig& config) {
    auto credentials = notify::load_credentials(config.credentials);
    if (!credentials) return credentials.error();
    if (auto checked = notify::check_templates(config.gateway, *credentials); !checked)
        return "notify.toml: " + checked.error();
    const auto assets = config.assets.empty() ? default_asset_dir() : config.assets;
    auto texts = TextTable::load(assets / "translations", {"sms."});
    if (!texts) return texts.error();
    notify::NotifierSetup setup{config, std::move(*credentials), std::move(*texts), {}, {}};
    return setup;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"skranke-notify: SMS to visitors who asked for one, when near the front and when called"};
    std::string config_file = notify::default_config_file;
    app.add_option("--config", config_file, "Settings file (store, assets, gateway)")->capture_default_str();
    sync::Connection connection;
    std::string code;
    auto* enrol = app.add_subcommand("enrol", "Trade a one-time code from `skranke-hub enrol-code --role notify` for a token");
    sync::add_enrol_options(*enrol, connection, code);
    auto* status = app.add_subcommand("status", "This notifier's hub, outbox, dead letters and today's SMS");
    auto* run = app.add_subcommand("run", "Send SMS until stopped (SIGTERM or Ctrl-C)");
    std::string credentials_file;
    run->add_option("--credentials", credentials_file,
                    "The gateway's secrets, over the settings' `credentials` (the unit passes systemd's copy)");
    app.require_subcommand(1);
    for (auto* sub : {enrol, status, run})
        sub->add_option("--config", config_file, "Settings file (store, assets, gateway)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    spdlog::set_default_logger(spdlog::stderr_color_mt("skranke-notify"));
    spdlog::cfg::load_env_levels();  // SPDLOG_LEVEL=warn (or debug) from the unit's environment

    auto config = notify::load_notify_config(config_file);
    if (!config) return fail(config.error());
    set_office_zone(config->time_zone);  // checked when the file was read; before any thread starts

    if (enrol->parsed()) {
        // Only enrolment makes the store: a run on a path with none says so instead.
        auto store = Store::open(notify::notify_store_options(config->store, true));
        if (!store) return fail("cannot open " + config->store.string() + ": " + store.error().detail);
        SyncStore sync_store(**store);
        auto enrolled = sync::enrol_and_save(sync_store, connection, code, (*store)->device_id(), "notify");
        if (!enrolled) return fail(enrolled.error());
        std::cout << "enrolled " << enrolled->device_id << " as " << enrolled->role << " with " << connection.hub_url << "\n";
        return 0;
    }
    if (status->parsed()) return print_status(*config);
    (void)run;

    if (!credentials_file.empty()) config->credentials = credentials_file;
    auto setup = prepare(*config);
    if (!setup) return fail(setup.error());
    {
        auto store = Store::open(notify::notify_store_options(config->store, false));
        if (!store) return fail("cannot open " + config->store.string() + " (run `skranke-notify enrol` first): " +
                                store.error().detail);
        SyncStore sync_store(**store);
        auto saved = sync::load_saved_hub(sync_store);
        if (!saved || !*saved) return fail("this notifier is not enrolled: run `skranke-notify enrol` first");
        setup->connection = **saved;
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts, so they all inherit it
    auto notifier = notify::Notifier::start(std::move(*setup));
    if (!notifier) return fail(notifier.error());
    std::cout << "running as " << (*notifier)->device_id() << std::endl;
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("skranke-notify stopping on signal {}", signal_number);
    return 0;
}
