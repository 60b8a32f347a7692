#include "hub/staff_admin.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "domain/office_time.hpp"
#include "hub/staff_store.hpp"

namespace skranke::hub {
namespace {

// One line from stdin; without echo when a person types it at a terminal.
std::string read_pin() {
    const bool terminal = isatty(STDIN_FILENO) != 0;
    termios saved{};
    if (terminal) {
        std::cerr << "PIN (4-12 digits): " << std::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string pin;
    std::getline(std::cin, pin);
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << "\n";
    }
    while (!pin.empty() && (pin.back() == '\r' || pin.back() == ' ')) pin.pop_back();
    return pin;
}

}  // namespace

void add_staff_commands(CLI::App& app, StaffCommands& c) {
    c.add = app.add_subcommand("staff-add", "Add a staff member (or change their PIN); the PIN is read from stdin");
    c.add->add_option("--id", c.staff_id, "Login name, e.g. kari (a-z, 0-9, - _ .)")->required();
    c.add->add_option("--name", c.name, "Name shown on the console")->required();
    c.add->add_option("--role", c.role, "reception or admin")->capture_default_str()
        ->check(CLI::IsMember({"reception", "admin"}));
    c.remove = app.add_subcommand("staff-remove", "Remove a staff member and end their sessions");
    c.remove->add_option("--id", c.staff_id, "Login name")->required();
    c.list = app.add_subcommand("staff-list", "List staff (ids, names, roles; never PINs)");
    for (CLI::App* sub : {c.add, c.remove, c.list}) sub->fallthrough();
}

std::optional<int> run_staff_command(const StaffCommands& c, const HubData& data) {
    if (!c.add->parsed() && !c.remove->parsed() && !c.list->parsed()) return std::nullopt;
    auto store = open_staff_store(data);
    if (!store) {
        std::cerr << "skranke-hub: cannot open the staff store: " << store.error().detail << "\n";
        return 1;
    }
    if (c.add->parsed()) {
        const StaffMember member{c.staff_id, c.name, staff_role_from_string(c.role).value_or(StaffRole::reception)};
        auto added = (*store)->add(member, read_pin(), wall_clock_ms());
        if (!added) {
            std::cerr << "skranke-hub: " << added.error().detail << "\n";
            return 1;
        }
        std::cout << "staff " << c.staff_id << " can now sign in\n";
        return 0;
    }
    if (c.remove->parsed()) {
        auto removed = (*store)->remove(c.staff_id);
        if (!removed) {
            std::cerr << "skranke-hub: " << removed.error().detail << "\n";
            return 1;
        }
        std::cout << (*removed ? "removed " : "no such staff: ") << c.staff_id << "\n";
        return *removed ? 0 : 1;
    }
    auto members = (*store)->list();
    if (!members) {
        std::cerr << "skranke-hub: " << members.error().detail << "\n";
        return 1;
    }
    for (const auto& m : *members) std::cout << m.staff_id << "\t" << to_string(m.role) << "\t" << m.name << "\n";
    return 0;
}

}  // namespace skranke::hub
