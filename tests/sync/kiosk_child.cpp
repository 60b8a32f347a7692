// A kiosk for the crash test: issues tickets and syncs them until it is killed. Prints each
// ticket's event id after issue_ticket returned (that is, after the visitor was shown it).
//   sync_kiosk_child <store.db> <services.toml> <need_id> <hub_url> <token>
#include <cstdio>

#include "client/sync_engine.hpp"
#include "domain/service_catalogue.hpp"
#include "domain/office_time.hpp"

using namespace skranke;

int main(int argc, char** argv) {
    if (argc != 6) return 2;
    auto catalogue = ServiceCatalogue::load_file(argv[2]);
    if (!catalogue) return 3;
    StoreOptions options;
    options.path = argv[1];
    options.device_id = "kiosk-crash";
    options.kiosk_letter = 'K';
    auto store = Store::open(options);
    if (!store) return 4;
    sync::SyncOptions settings;
    settings.connection.hub_url = argv[4];
    settings.connection.token = argv[5];
    settings.connection.connect_timeout_ms = 1000;
    settings.connection.request_timeout_ms = 3000;
    settings.batch_size = 7;  // many batches, so kills land between and inside them
    settings.long_poll_wait_ms = 1000;
    settings.backoff_initial_ms = 10;
    settings.backoff_cap_ms = 200;
    auto engine = sync::SyncEngine::start(options, settings);
    if (!engine) return 5;
    TicketRequest request;
    request.need_id = argv[3];
    request.name = "Per";
    for (int i = 0; i < 100000; ++i) {
        auto ticket = (*store)->issue_ticket(request, catalogue.value(), wall_clock_ms());
        if (!ticket) return 6;
        std::printf("%s\n", ticket->event_id.c_str());
        std::fflush(stdout);
        (*engine)->notify_local_event();
    }
    return 0;
}
