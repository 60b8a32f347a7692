// skranke-cli: the core without a screen. IT uses it to check a kiosk's store and to issue
// a test ticket; the README's run command uses it where no display exists.
#include <cstdio>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "domain/numbering.hpp"
#include "domain/office_time.hpp"
#include "domain/service_catalogue.hpp"
#include "store/paths.hpp"
#include "store/store.hpp"

namespace {

int report(const skranke::StoreError& error) {
    std::cerr << "skranke-cli: store error (" << skranke::to_string(error.kind) << "): " << error.detail << "\n";
    for (const auto& p : error.problems)
        std::cerr << "  " << skranke::to_string(p.field) << ": " << p.message_key << "\n";
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Skranke kiosk core: issue and list tickets in the local store"};
    std::string store_path = skranke::default_store_path().string();
    std::string catalogue_path = (skranke::default_asset_dir() / "services.toml").string();
    char letter = 'A';
    app.add_option("--store", store_path, "SQLite store file")->capture_default_str();
    app.add_option("--services", catalogue_path, "service catalogue (TOML)")->capture_default_str();
    app.add_option("--letter", letter, "this kiosk's ticket letter (A-Z)")->capture_default_str();
    std::string time_zone = skranke::default_office_zone;
    app.add_option("--time-zone", time_zone, "the office's time zone (tzdata name), as in kiosk.toml")
        ->capture_default_str()
        ->check([](const std::string& name) {
            return skranke::OfficeZone::named(name) ? std::string() : "not a time zone name from tzdata, such as Europe/Oslo";
        });
    app.require_subcommand(1);

    auto* needs_cmd = app.add_subcommand("needs", "list the needs a visitor can choose");
    std::string need;
    bool urgent = false, children = false;
    std::string language = "nb";
    auto* issue_cmd = app.add_subcommand("issue", "issue a ticket for a need and print its number");
    issue_cmd->add_option("need", need, "need id (see `needs`)")->required();
    issue_cmd->add_flag("--urgent", urgent, "the visitor says it is urgent");
    issue_cmd->add_flag("--children", children, "children are affected");
    issue_cmd->add_option("--language", language, "visitor's language code")->capture_default_str();
    auto* today_cmd = app.add_subcommand("today", "list today's tickets");
    auto* check_cmd = app.add_subcommand("check", "check the store: schema, integrity, outbox depth");
    CLI11_PARSE(app, argc, argv);

    auto catalogue = skranke::ServiceCatalogue::load_file(catalogue_path);
    if (!catalogue) {
        std::cerr << "skranke-cli: cannot load the service catalogue " << catalogue_path << ": "
                  << catalogue.error().detail << "\n";
        return 1;
    }
    if (needs_cmd->parsed()) {
        for (const auto& n : catalogue->needs())
            std::cout << n.id << (n.emergency ? "  [emergency]" : "") << "\n";
        return 0;
    }

    skranke::set_office_zone(time_zone);
    skranke::StoreOptions options;
    options.path = store_path;
    options.kiosk_letter = letter;
    // Only issuing may make the store (a kiosk's first start); a check never does.
    options.create_if_missing = issue_cmd->parsed();
    auto store = skranke::Store::open(options);
    if (!store) return report(store.error());

    if (issue_cmd->parsed()) {
        skranke::TicketRequest request;
        request.need_id = need;
        request.urgent = urgent;
        request.children_affected = children;
        request.language = language;
        auto ticket = (*store)->issue_ticket(request, *catalogue, skranke::read_device_clocks());
        if (!ticket) return report(ticket.error());
        std::cout << "Ticket " << ticket->number.text() << (ticket->request.urgent ? " (urgent)" : "")
                  << " stored in " << store_path << "\n";
        return 0;
    }
    if (today_cmd->parsed()) {
        auto tickets = (*store)->tickets_of_day(skranke::service_day_of(skranke::wall_clock_ms()));
        if (!tickets) return report(tickets.error());
        for (const auto& t : *tickets)
            std::cout << t.number.text() << "  " << skranke::to_string(t.state) << "  " << t.request.need_id
                      << (t.request.urgent ? "  urgent" : "") << "\n";
        return 0;
    }
    if (check_cmd->parsed()) {
        auto integrity = (*store)->integrity_check();
        if (!integrity) return report(integrity.error());
        auto depth = (*store)->outbox_depth();
        if (!depth) return report(depth.error());
        std::cout << "store: " << store_path << "\ndevice: " << (*store)->device_id()
                  << "\nschema: " << skranke::current_schema_version << "\nintegrity: " << *integrity
                  << "\noutbox waiting for the hub: " << *depth << "\n";
        return *integrity == "ok" ? 0 : 1;
    }
    return 0;
}
