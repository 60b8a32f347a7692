// skranke-hub: the office hub. With no arguments it serves plain HTTP on 127.0.0.1:8470
// with its data in the user's data directory, and says how to enrol a device.
#include <csignal>
#include <cstdio>
#include <iostream>

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "domain/office_time.hpp"
#include "hub/backup_admin.hpp"
#include "hub/device_admin.hpp"
#include "hub/hub_server.hpp"
#include "hub/pg/move_office.hpp"
#include "hub/service_loop.hpp"
#include "hub/staff_admin.hpp"
#include "hub/terminal_qr.hpp"
#include "store/paths.hpp"

using namespace skranke;

namespace {

std::filesystem::path default_hub_dir() { return default_data_dir() / "hub"; }

// Run as root (IT on the hub machine), a command works on the hub's files as the user that
// owns them, so that no file the hub must write is left owned by root.
bool act_as_data_owner(const std::filesystem::path& data_dir) {
    struct stat info {};
    if (geteuid() != 0 || stat(data_dir.c_str(), &info) != 0 || info.st_uid == 0) return true;
    return setgroups(0, nullptr) == 0 && setgid(info.st_gid) == 0 && setuid(info.st_uid) == 0;
}

constexpr const char* default_hub_config = "/etc/skranke/hub.toml";

}  // namespace

int main(int argc, char** argv) {
    // Block the stop signals in every thread; the main thread takes them with sigwait.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    // Logs go to stderr (journald under systemd); stdout carries the start line and command output.
    spdlog::set_default_logger(spdlog::stderr_color_mt("skranke-hub"));
    CLI::App app{"skranke-hub: the office hub for Skranke kiosks, reception consoles and displays"};
    hub::HubOptions options;
    options.port = 8470;
    options.data_dir = default_hub_dir();
    options.services_file = default_asset_dir() / "services.toml";
    double retention_days = 30;
    // IT's settings (/etc/skranke/hub.toml in the package): the same names as the options
    // below, which override them. Read when it exists; a file named with --config must exist.
    app.set_config("--config", default_hub_config, "Settings file (TOML, keys as the long options)");
    app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key is said, not ignored
    app.add_option("--listen", options.host, "Address to listen on (plain HTTP only on loopback)")->capture_default_str();
    app.add_option("--port", options.port, "Port (0: any free port, printed on start)")->capture_default_str();
    app.add_option("--data", options.data_dir, "Folder for hub.db")->capture_default_str();
    auto* db_option = app.add_option(
        "--db", options.database_url,
        "Keep the office's data in this office database on PostgreSQL (postgresql://user@host/database) instead "
        "of hub.db; several hubs may serve one office there (docs/hub.md)");
    db_option->check([](const std::string& v) {
        return v.rfind("postgresql://", 0) == 0 || v.rfind("postgres://", 0) == 0 ? std::string()
                                                                                   : "must be a postgresql:// URL";
    });
    auto* office_id_option =
        app.add_option("--office-id", options.office_id,
                       "The office this hub serves in the office database (a-z, 0-9, -); several, comma-separated: "
                       "it serves each of them (a command names one)")
            ->check([](const std::string& v) {
                const auto ids = hub::office_ids_in(v);
                if (ids.empty()) return std::string("name an office: 1-64 of a-z, 0-9 and -");
                for (const std::string& id : ids)
                    if (!hub::pg::valid_office_id(id)) return "'" + id + "': 1-64 of a-z, 0-9 and -";
                return std::string();
            });
    db_option->needs(office_id_option);
    office_id_option->needs(db_option);
    app.add_option("--cert", options.cert_file, "TLS certificate (PEM); with --key serves HTTPS");
    app.add_option("--key", options.key_file, "TLS private key (PEM)");
    app.add_option("--services", options.services_file, "Service catalogue served to devices")->capture_default_str();
    app.add_option("--office", options.office_file,
                   "The office's opening hours, closed days, phone and texts, served to kiosks and consoles (TOML, docs/hub.md); "
                   "both files are read again when they change");
    app.add_option("--retention-days", retention_days, "Days names, phones and descriptions are kept")
        ->capture_default_str()->check(CLI::Range(0.0, 3650.0));
    std::string time_zone = default_office_zone;
    app.add_option("--time-zone", time_zone, "The office's time zone (tzdata name): service days, figures, export times")
        ->capture_default_str()
        ->check([](const std::string& name) {
            return OfficeZone::named(name) ? std::string() : "not a time zone name from tzdata, such as Europe/Oslo";
        });
    app.add_option("--status-requests-per-minute", options.status_requests_per_minute,
                   "Requests a minute one client address may make for visitors' status pages (GET /status/<token>)")
        ->capture_default_str()->check(CLI::Range(1, 100000));
    app.add_option("--threads", options.threads, "Connections served at once")->capture_default_str()
        ->check(CLI::Range(4, 4096));

    auto* enrol = app.add_subcommand("enrol-code", "Print a one-time code to enrol one device");
    std::string role_text = "kiosk";
    double valid_hours = 24;
    enrol->add_option("--role", role_text, "kiosk, reception, display, admin or notify (the SMS notifier)")
        ->capture_default_str()
        ->check(CLI::IsMember({"kiosk", "reception", "display", "admin", "notify"}));
    enrol->add_option("--valid-hours", valid_hours, "How long the code may be used")->capture_default_str()
        ->check(CLI::Range(0.01, 24.0 * 30));
    int code_count = 1;
    enrol->add_option("--count", code_count, "How many codes (one per device, one per line)")->capture_default_str()
        ->check(CLI::Range(1, 1000));
    bool code_qr = false;
    std::string enrol_hub_url;
    enrol->add_flag("--qr", code_qr, "Also draw each code as a QR code (with --hub-url: the whole enrolment command)");
    enrol->add_option("--hub-url", enrol_hub_url, "The hub's URL as devices reach it, for the enrolment command");
    auto* exporter = app.add_subcommand("export", "Write the merged log after a cursor as JSON lines to stdout");
    std::int64_t after = 0;
    exporter->add_option("--after", after, "Hub sequence number to start after")->capture_default_str();
    auto* mover = app.add_subcommand(
        "migrate", "Move this office's hub.db (log, devices, staff.db beside it) into an office database on PostgreSQL");
    std::string move_from, move_to, move_office_id;
    mover->add_option("--from", move_from, "sqlite:FILE: the hub.db to move (the hub must be stopped)")->required()
        ->check([](const std::string& v) { return v.rfind("sqlite:", 0) == 0 ? std::string() : "must be sqlite:FILE"; });
    mover->add_option("--to", move_to, "The office database: postgresql://user@host/database")->required()
        ->check([](const std::string& v) {
            return v.rfind("postgresql://", 0) == 0 || v.rfind("postgres://", 0) == 0
                       ? std::string() : "must be a postgresql:// URL";
        });
    mover->add_option("--office", move_office_id, "The office's id in that database (a-z, 0-9, -; not used yet)")
        ->required()
        ->check([](const std::string& v) {
            return hub::pg::valid_office_id(v) ? std::string() : "1-64 of a-z, 0-9 and -";
        });
    hub::StaffCommands staff_commands;
    hub::add_staff_commands(app, staff_commands);
    hub::DeviceCommands device_commands;
    hub::add_device_commands(app, device_commands);
    hub::BackupCommands backup_commands;
    hub::add_backup_commands(app, backup_commands);
    enrol->fallthrough();
    mover->fallthrough();
    exporter->fallthrough();
    app.require_subcommand(0, 1);
    CLI11_PARSE(app, argc, argv);
    options.retention_ms = static_cast<std::int64_t>(retention_days * 24 * 3600 * 1000);
    set_office_zone(time_zone);  // checked above; before any thread starts
    if (mover->parsed()) {
        const std::filesystem::path file = move_from.substr(std::string_view("sqlite:").size());
        const auto folder = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
        if (!act_as_data_owner(folder)) {
            std::cerr << "skranke-hub: cannot act as the owner of " << folder << "\n";
            return 1;
        }
        auto moved = hub::pg::move_office(file, move_to, move_office_id, wall_clock_ms());
        if (!moved) {
            std::cerr << "skranke-hub: nothing was moved: " << moved.error() << "\n";
            return 1;
        }
        std::cout << "moved office " << move_office_id << ": " << moved->events << " log entries (hub_seq up to "
                  << moved->last_seq << "), " << moved->devices << " devices, " << moved->staff
                  << " staff; the database is at schema version " << moved->schema_version << "\n";
        return 0;
    }
    if (!act_as_data_owner(options.data_dir)) {
        std::cerr << "skranke-hub: cannot act as the owner of " << options.data_dir << "\n";
        return 1;
    }
    const hub::HubData data = hub::hub_data_of(options);
    if (!app.get_subcommands().empty() && hub::office_ids_in(options.office_id).size() > 1) {
        std::cerr << "skranke-hub: " << app.get_subcommands().front()->get_name()
                  << " works on one office: name one with --office-id\n";
        return 1;
    }
    if (auto code = hub::run_staff_command(staff_commands, data)) return *code;
    if (auto code = hub::run_device_command(device_commands, data)) return *code;
    if (data.in_database() && (backup_commands.backup->parsed() || backup_commands.restore->parsed())) {
        std::cerr << "skranke-hub: an office database is backed up and restored with PostgreSQL's own tools "
                     "(pg_dump and pg_restore, or the server's base backups and WAL archive; docs/hub.md); "
                     "skranke-hub backup and restore are for hub.db\n";
        return 1;
    }
    if (auto code = hub::run_backup_command(backup_commands, options.data_dir)) return *code;

    if (enrol->parsed() || exporter->parsed()) {
        auto store = hub::open_hub_store(data);
        if (!store) {
            std::cerr << "skranke-hub: cannot open the hub store (" << to_string(store.error().kind)
                      << "): " << store.error().detail << "\n";
            return 1;
        }
        if (enrol->parsed()) {
            const auto role = protocol::role_from_string(role_text).value_or(protocol::Role::kiosk);
            for (int i = 0; i < code_count; ++i) {
                auto code = (*store)->create_enrol_code(role, wall_clock_ms(),
                                                       static_cast<std::int64_t>(valid_hours * 3600 * 1000));
                if (!code) {
                    std::cerr << "skranke-hub: " << code.error().detail << "\n";
                    return 1;
                }
                std::cout << *code << "\n";
                if (code_qr || !enrol_hub_url.empty()) {
                    const std::string command = "skranke-enrol --hub " + enrol_hub_url + " --code " + *code +
                                                " --role " + role_text;
                    if (!enrol_hub_url.empty()) std::cout << command << "\n";
                    if (code_qr) std::cout << hub::terminal_qr(enrol_hub_url.empty() ? *code : command);
                }
            }
            return 0;
        }
        std::int64_t cursor = after;
        for (;;) {
            auto page = (*store)->read_log(cursor, 1000);
            if (!page) {
                std::cerr << "skranke-hub: " << page.error().detail << "\n";
                return 1;
            }
            if (page->empty()) break;
            for (const auto& e : *page) {
                std::cout << protocol::log_entry_json(e) << "\n";
                cursor = e.hub_seq;
            }
        }
        return std::cout.good() ? 0 : 1;
    }

    auto started = hub::Hub::start(options);
    if (!started) {
        std::cerr << "skranke-hub: " << started.error() << "\n";
        return 1;
    }
    auto& running = started.value();
    std::string served_offices;  // " office=a,b" on the office database
    for (const std::string& id : hub::office_ids_in(data.office_id))
        served_offices += (served_offices.empty() ? " office=" : ",") + id;
    // Machine-readable first line (tests and scripts read the port from it).
    std::printf("skranke-hub listening on %s://%s:%d data=%s%s\n", running->tls() ? "https" : "http",
                options.host.c_str(), running->port(), options.data_dir.c_str(),
                served_offices.c_str());
    if (data.in_database())  // the URL may hold a password: not printed
        std::printf("To enrol a device: skranke-hub enrol-code --role kiosk --db <this hub's --db> --office-id %s\n",
                    hub::office_ids_in(data.office_id).front().c_str());
    else
        std::printf("To enrol a device: skranke-hub enrol-code --role kiosk --data %s\n", options.data_dir.c_str());
    std::fflush(stdout);
    const int signal_number =
        hub::serve_until_signal(options.host, running->port(), running->tls(), signals,
                                "serving devices on port " + std::to_string(running->port()));
    spdlog::info("skranke-hub stopping on signal {}", signal_number);
    started.value().reset();
    return 0;
}
