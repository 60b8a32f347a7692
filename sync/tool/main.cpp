// skranke-sync: enrol a device's store with the office hub, see its sync state, or run the
// sync engine in the foreground (reception and display PCs without the GUI, and for IT).
//   skranke-sync enrol --hub https://hub.office.local:8470 --code k3vf7638akvw [--ca hub.crt]
//   (several hubs of one office: --hub "https://hub-a:8470, https://hub-b:8470")
//   skranke-sync status
//   skranke-sync run
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "client/enrol_options.hpp"
#include "client/saved_hub.hpp"
#include "domain/office_time.hpp"
#include "store/paths.hpp"

using namespace skranke;

namespace {

int fail(const std::string& what) {
    std::cerr << "skranke-sync: " << what << "\n";
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"skranke-sync: connect this device's store to the office hub"};
    StoreOptions options;
    std::string store_path = default_store_path().string();
    char letter = 'A';
    app.add_option("--store", store_path, "The device's SQLite store")->capture_default_str();
    app.add_option("--letter", letter, "This kiosk's ticket letter (A-Z)")->capture_default_str();
    sync::Connection connection;
    std::string code;
    auto* enrol = app.add_subcommand("enrol", "Trade a one-time code from `skranke-hub enrol-code` for a token");
    sync::add_enrol_options(*enrol, connection, code);
    auto* status = app.add_subcommand("status", "Outbox depth, log cursor and dead letters");
    auto* run = app.add_subcommand("run", "Run the sync engine until Ctrl-C, printing its state");
    app.require_subcommand(1);
    CLI11_PARSE(app, argc, argv);

    options.path = store_path;
    options.kiosk_letter = letter;
    // Only enrolment may be a device's first start (IT enrols before the kiosk ever ran); a
    // status or a run on a path with no store says so instead of making an empty one.
    options.create_if_missing = enrol->parsed();
    auto store = Store::open(options);
    if (!store) return fail("cannot open " + store_path + ": " + store.error().detail);
    SyncStore sync_store(**store);

    if (enrol->parsed()) {
        // Any role: this program enrols kiosks', consoles' and displays' stores.
        auto enrolled = sync::enrol_and_save(sync_store, connection, code, (*store)->device_id(), "");
        if (!enrolled) return fail(enrolled.error());
        std::cout << "enrolled " << enrolled->device_id << " as " << enrolled->role << " with " << connection.hub_url << "\n";
        return 0;
    }
    if (status->parsed()) return sync::write_sync_status(std::cout, **store, sync_store) ? 0 : fail("cannot read the store");
    (void)run;

    auto saved = sync::load_saved_hub(sync_store);
    if (!saved || !*saved) return fail("this store is not enrolled: run `skranke-sync enrol` first");
    sync::SyncOptions settings;
    settings.connection = **saved;
    auto engine = sync::SyncEngine::start(options, settings);
    if (!engine) return fail(engine.error());
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    // Prints the state every 5 s until a stop signal arrives; sigtimedwait is the timer.
    for (;;) {
        const auto s = (*engine)->status();
        // "connecting" until a call answers or fails: a long-poll with nothing new answers late.
        std::cout << (s.online ? "online " : s.failures == 0 ? "connecting" : "offline") << "  outbox " << s.outbox_depth
                  << "  cursor " << s.cursor << "  dead letters " << s.dead_letters << (s.last_error.empty() ? "" : "  last error: " + s.last_error)
                  << std::endl;
        const timespec wait{5, 0};
        if (sigtimedwait(&signals, nullptr, &wait) > 0) break;
    }
    return 0;
}
