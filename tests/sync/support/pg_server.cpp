#include "support/pg_server.hpp"

#include <doctest/doctest.h>

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "hub/pg/pg_connection.hpp"
#include "support/child_process.hpp"

namespace skranke::test {

namespace {

const std::string pg_bin = "/usr/lib/postgresql/15/bin/";

// A port nothing listens on now (the kernel's choice); the server takes it a moment later.
int free_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(s >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    ::close(s);
    return ntohs(a.sin_port);
}

}  // namespace

PgServer::PgServer() {
    REQUIRE_MESSAGE(std::filesystem::exists(pg_bin + "initdb"),
                    "PostgreSQL 15 is not installed: run packaging/install-deps --test");
    if (::geteuid() == 0) {
        // initdb refuses root: the server runs as the account Debian's package made for it.
        const passwd* pw = ::getpwnam("postgres");
        REQUIRE_MESSAGE(pw != nullptr, "no postgres user: install postgresql-15");
        user_ = "postgres";
        REQUIRE(::chown(dir_.path().c_str(), pw->pw_uid, pw->pw_gid) == 0);
    }
    const auto init = run_command(as_server_user(pg_bin + "initdb -D " + (dir_ / "data").string() +
                                                 " -U skranke -A trust -E UTF8 --locale=C.UTF-8 --no-instructions"));
    REQUIRE_MESSAGE(init.status == 0, init.output);
    port_ = free_port();
    start();
}

PgServer::~PgServer() {
    // Without doctest's macros (run_command has one): a server shared by a test process is
    // stopped after doctest has ended.
    if (!running_) return;
    const std::string stop = as_server_user(pg_bin + "pg_ctl -D " + (dir_ / "data").string() + " -m fast -w stop");
    const int status = std::system((stop + " >/dev/null 2>&1").c_str());
    if (status != 0) std::fprintf(stderr, "PostgreSQL did not stop cleanly (%d): %s\n", status, stop.c_str());
}

RanCommand PgServer::pg_ctl(const std::string& arguments) const {
    return run_command(as_server_user(pg_bin + "pg_ctl -D " + (dir_ / "data").string() + " " + arguments));
}

std::string PgServer::as_server_user(const std::string& command) const {
    return user_.empty() ? command : "runuser -u " + user_ + " -- " + command;
}

void PgServer::start() {
    const std::string options =
        "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " + dir_.path().string();
    const auto started = pg_ctl("-l " + (dir_ / "server.log").string() + " -w -t 30 -o '" + options + "' start");
    if (started.status != 0) {
        std::string log;
        try {
            log = file_text(dir_ / "server.log");
        } catch (...) {
        }
        FAIL("PostgreSQL did not start: " << started.output << "\n" << log);
    }
    running_ = true;
}

void PgServer::stop() {
    const auto stopped = pg_ctl("-m fast -w stop");
    REQUIRE_MESSAGE(stopped.status == 0, stopped.output);
    running_ = false;
}

std::string PgServer::url(const std::string& database) const {
    return "postgresql://skranke@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PgServer::new_database(const std::string& name) {
    auto admin = hub::pg::Connection::open(url("postgres"));
    REQUIRE_MESSAGE(admin, (admin ? std::string() : admin.error().detail));
    auto made = admin->exec("CREATE DATABASE " + name);
    REQUIRE_MESSAGE(made, (made ? std::string() : made.error().detail));
    return url(name);
}

}  // namespace skranke::test
