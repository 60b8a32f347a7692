// Issues tickets until killed. After each COMMIT it reports "<number>\t<event id>" on
// stdout: the parent treats a reported ticket as shown to a visitor. With --create <folder>
// it makes one new store after another there, reporting "<file>\t<device id>" for each.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "domain/service_catalogue.hpp"
#include "domain/office_time.hpp"
#include "store/store.hpp"

namespace {

int create_stores(const std::string& folder) {
    for (int i = 0;; ++i) {
        skranke::StoreOptions options;
        options.path = folder + "/kiosk-" + std::to_string(i) + ".db";
        auto store = skranke::Store::open(options);
        if (!store) {
            std::fprintf(stderr, "first start failed: %s\n", store.error().detail.c_str());
            return 4;
        }
        const std::string line = options.path.filename().string() + "\t" + (*store)->device_id() + "\n";
        if (write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 6;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "--create") return create_stores(argv[2]);
    if (argc != 4) {
        std::fprintf(stderr, "usage: store_crash_child <store> <services.toml> <need id>\n");
        return 2;
    }
    auto catalogue = skranke::ServiceCatalogue::load_file(argv[2]);
    if (!catalogue) return 3;
    skranke::StoreOptions options;
    options.path = argv[1];
    options.kiosk_letter = 'K';
    auto store = skranke::Store::open(options);
    if (!store) {
        std::fprintf(stderr, "open failed: %s\n", store.error().detail.c_str());
        return 4;
    }
    skranke::TicketRequest request;
    request.need_id = argv[3];
    request.name = "Kari Nordmann";
    request.description = std::string(200, 'x');
    for (;;) {
        auto ticket = (*store)->issue_ticket(request, *catalogue, skranke::wall_clock_ms());
        if (!ticket) {
            std::fprintf(stderr, "issue failed: %s\n", ticket.error().detail.c_str());
            return 5;
        }
        const std::string line = ticket->number.text() + "\t" + ticket->event_id + "\n";
        // One write() per line: a kill can cut the stream only between or inside lines,
        // and the parent ignores an unfinished last line.
        if (write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 6;
    }
}
