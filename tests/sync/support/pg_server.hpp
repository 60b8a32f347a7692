// A real PostgreSQL 15 server for one test, from Debian's postgresql-15: initdb and pg_ctl in
// a temporary folder, listening on 127.0.0.1 at a free port only (and a socket in that
// folder), run as an unprivileged user when the tests run as root (initdb refuses root).
// Stopped (fast shutdown) and removed when it goes out of scope.
#pragma once

#include <string>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace skranke::test {

class PgServer {
public:
    PgServer();  // fails the test (REQUIRE) when the server cannot start, with its log
    ~PgServer();
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    int port() const { return port_; }
    // A new, empty database on this server; its URL.
    std::string new_database(const std::string& name);
    // The URL of a database on this server (user skranke, no password: trust on loopback).
    std::string url(const std::string& database) const;

    void stop();   // fast shutdown: connections are ended, the server's files stay
    void start();  // again, on the same port and files

private:
    std::string as_server_user(const std::string& command) const;
    RanCommand pg_ctl(const std::string& arguments) const;  // on this server's folder
    TempDir dir_;
    std::string user_;  // empty: this process's own user
    int port_ = 0;
    bool running_ = false;
};

}  // namespace skranke::test
