// How skranke-hub reads requests off its sockets, under cpp-httplib's routing. cpp-httplib
// 0.11 serves each connection on one thread of a fixed pool, times out only single recv
// calls, and reads a chunked or unframed body whole before any limit applies. The front
// replaces its connection loop (the documented virtual process_and_close_socket):
//   - a request's line and headers must arrive whole within head_timeout (a byte every few
//     seconds no longer holds a connection open), and a body at a minimum rate;
//   - the body limit of the request's route holds for every framing while the body
//     arrives: a Content-Length over it is answered 413 before a byte of the body is read;
//   - threads are made when connections come (small stacks) instead of a fixed pool that
//     idle sockets fill; waits use poll and wake at once when the hub stops;
//   - connections open at once and per peer address are capped (503 past the cap).
// See docs/hub.md, "Connections and limits".
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <httplib.h>

namespace skranke::hub {

struct FrontOptions {
    std::int64_t head_timeout_ms = 10000;   // request line and headers, whole
    std::int64_t idle_timeout_ms = 5000;    // keep-alive: the next request's first byte
    std::int64_t io_timeout_ms = 10000;     // one wait for body bytes, or for a write to go out
    std::size_t max_head_bytes = 16 * 1024;
    std::int64_t body_grace_ms = 10000;     // a body may take this long, plus ...
    std::size_t body_bytes_per_s = 16 * 1024;  // ... one second per this many bytes
    std::size_t max_connections = 2048;     // open at once (each served by its own thread)
    std::size_t max_connections_per_address = 1024;
    // Largest body a request may carry, by method and path (query cut off).
    std::function<std::size_t(std::string_view method, std::string_view path)> body_limit;
};

class HttpFront {
public:
    // A server for the hub's routes; HTTPS when cert_file and key_file are given.
    static std::unique_ptr<HttpFront> create(FrontOptions options, const std::string& cert_file,
                                             const std::string& key_file);
    ~HttpFront();
    HttpFront(const HttpFront&) = delete;
    HttpFront& operator=(const HttpFront&) = delete;

    bool valid() const;  // false when TLS was asked for and the certificate or key did not load
    httplib::Server& server();
    // Wakes every connection waiting for a request and stops listening; returns once every
    // connection has closed (long-polls must be woken by their own flag first).
    void stop();
    std::size_t open_connections() const;

    // The request this thread is serving read past its route's body limit (for the error
    // handler, which cpp-httplib calls with a plain 400).
    static bool body_limit_hit();

    struct Shared;

private:
    HttpFront() = default;
    std::shared_ptr<Shared> shared_;
    std::unique_ptr<httplib::Server> server_;
};

}  // namespace skranke::hub
