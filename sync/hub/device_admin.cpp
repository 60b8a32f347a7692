#include "hub/device_admin.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <vector>

#include "domain/office_time.hpp"
#include "hub/hub_store.hpp"

namespace skranke::hub {
namespace {

// The office's local time to the minute, as IT compares it with the office clock; "-" for none.
std::string local_time(const std::optional<std::int64_t>& utc_ms) {
    if (!utc_ms) return "-";
    const LocalTime t = office_zone().local(*utc_ms);
    char text[96];
    std::snprintf(text, sizeof text, "%s %02d:%02d", t.date().c_str(), t.hour, t.minute);
    return text;
}

// "40 s", "14 min", "3 h 05 min", "12 d 4 h": how long a device has been up or silent.
std::string duration_text(std::int64_t ms) {
    const long long s = std::max<std::int64_t>(ms, 0) / 1000, minutes = s / 60, hours = minutes / 60;
    char text[64];
    if (s < 60) std::snprintf(text, sizeof text, "%lld s", s);
    else if (minutes < 60) std::snprintf(text, sizeof text, "%lld min", minutes);
    else if (hours < 24) std::snprintf(text, sizeof text, "%lld h %02lld min", hours, minutes % 60);
    else std::snprintf(text, sizeof text, "%lld d %lld h", hours / 24, hours % 24);
    return text;
}

// Bytes as df -h would say them, in binary units.
std::string bytes_text(std::int64_t bytes) {
    static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = static_cast<double>(std::max<std::int64_t>(bytes, 0));
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 || value >= 100 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return text;
}

std::string number_text(const std::optional<std::int64_t>& value) { return value ? std::to_string(*value) : "-"; }

// The flags column: what IT should look at, in capitals; a revoked device only says so.
std::string flags_text(const DeviceHealth& d, const FleetFlags& flags) {
    if (d.revoked_ms) return "revoked " + local_time(d.revoked_ms);
    std::string text;
    if (flags.silent) text = "SILENT (" + duration_text(flags.silent_for_ms) + ")";
    if (flags.not_draining) text += text.empty() ? "NOT DRAINING" : ", NOT DRAINING";
    return text;
}

// Rows of cells, each column as wide as its widest cell (device ids and every cell are ASCII).
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (widths.size() <= i) widths.push_back(0);
            widths[i] = std::max(widths[i], row[i].size());
        }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << "\n";
    }
}

int print_fleet(HubStore& store, std::int64_t silent_minutes) {
    auto devices = store.devices();
    if (!devices) {
        std::cerr << "skranke-hub: " << devices.error().detail << "\n";
        return 1;
    }
    const std::int64_t now = wall_clock_ms();
    std::vector<std::vector<std::string>> rows = {{"device", "role", "version", "up", "last contact", "last sync",
                                                   "outbox", "dead letters", "disk free", "printer", "flags"}};
    std::size_t flagged = 0;
    for (const DeviceHealth& d : *devices) {
        const FleetFlags flags = fleet_flags(d, now, silent_minutes);
        const HealthReport& r = d.report;
        if (flags.silent || flags.not_draining) ++flagged;
        rows.push_back({d.device_id, std::string(protocol::to_string(d.role)), r.program_version.value_or("-"),
                        r.uptime_s ? duration_text(*r.uptime_s > INT64_MAX / 1000 ? INT64_MAX : *r.uptime_s * 1000) : "-",
                        local_time(d.last_seen_ms), local_time(r.last_sync_ms), number_text(r.outbox_depth),
                        number_text(r.dead_letters), r.disk_free_bytes ? bytes_text(*r.disk_free_bytes) : "-",
                        r.printer.value_or("-"), flags_text(d, flags)});
    }
    print_table(std::cout, rows);
    const std::string limit = std::to_string(silent_minutes) + (silent_minutes == 1 ? " minute" : " minutes");
    std::cout << "\n" << (flagged == 0 ? "No device is flagged." : std::to_string(flagged) + " flagged.")
              << " SILENT: no contact with the hub for more than " << limit
              << ". NOT DRAINING: in contact, but its outbox has held events for more than " << limit
              << " without going down, or it has not synced for that long.\n";
    return 0;
}

}  // namespace

void add_device_commands(CLI::App& app, DeviceCommands& c) {
    c.list = app.add_subcommand("devices", "The fleet as a table: version, last contact, last sync, outbox, dead "
                                           "letters, disk free, printer; flags SILENT and NOT DRAINING devices");
    c.list->add_option("--silent-minutes", c.silent_minutes, "Minutes without contact before a device is SILENT")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{1}, max_silent_minutes));
    c.revoke = app.add_subcommand("device-revoke",
                                  "Refuse a device's token from now on (also at the running hub); enrol it again to undo");
    c.revoke->add_option("ID", c.device_id, "Device id, as `skranke-hub devices` lists it")->required();
    for (CLI::App* sub : {c.list, c.revoke}) sub->fallthrough();
}

std::optional<int> run_device_command(const DeviceCommands& c, const HubData& data) {
    if (!c.list->parsed() && !c.revoke->parsed()) return std::nullopt;
    auto store = open_hub_store(data);
    if (!store) {
        std::cerr << "skranke-hub: cannot open the hub store (" << to_string(store.error().kind)
                  << "): " << store.error().detail << "\n";
        return 1;
    }
    if (c.list->parsed()) return print_fleet(**store, c.silent_minutes);
    auto revoked = (*store)->revoke_device(c.device_id, wall_clock_ms());
    if (!revoked) {
        std::cerr << "skranke-hub: " << revoked.error().detail << "\n";
        return 1;
    }
    if (!*revoked) {
        std::cerr << "skranke-hub: no such device: " << c.device_id << " (see skranke-hub devices)\n";
        return 1;
    }
    std::cout << "revoked " << c.device_id << ": the hub refuses its token from now on (401).\n"
              << "To let it in again, enrol it again: skranke-hub enrol-code, then skranke-sync enrol on the device.\n";
    return 0;
}

}  // namespace skranke::hub
