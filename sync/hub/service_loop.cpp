#include "hub/service_loop.hpp"

#include <cerrno>
#include <ctime>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "service/systemd_notify.hpp"

namespace skranke::hub {

namespace {

// The address to reach a hub listening on host: the wildcard addresses mean every
// interface, loopback included.
std::string reachable(const std::string& host) {
    if (host == "0.0.0.0" || host.empty()) return "127.0.0.1";
    if (host == "::" || host == "[::]") return "::1";
    return host;
}

template <typename Client>
bool ask(Client& client, std::chrono::milliseconds timeout) {
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    const auto reply = client.Get("/v1/health");
    return reply && reply->status == 200;
}

timespec as_timespec(std::chrono::milliseconds ms) {
    timespec t{};
    t.tv_sec = static_cast<std::time_t>(ms.count() / 1000);
    t.tv_nsec = static_cast<long>((ms.count() % 1000) * 1000000);
    return t;
}

}  // namespace

bool answers_health(const std::string& host, int port, bool tls, std::chrono::milliseconds timeout) {
    if (tls) {
        httplib::SSLClient client(reachable(host), port);
        client.enable_server_certificate_verification(false);
        return ask(client, timeout);
    }
    httplib::Client client(reachable(host), port);
    return ask(client, timeout);
}

int serve_until_signal(const std::string& host, int port, bool tls, const sigset_t& stop_signals,
                       const std::string& status) {
    service::notify_ready(status);
    const auto watchdog = service::watchdog_interval();
    int received = 0;
    while (received <= 0) {
        if (!watchdog) {
            if (sigwait(&stop_signals, &received) != 0) received = 0;
            continue;
        }
        const timespec half = as_timespec(*watchdog / 2);
        received = sigtimedwait(&stop_signals, nullptr, &half);
        if (received > 0 || errno != EAGAIN) continue;  // a stop signal, or EINTR: wait again
        if (answers_health(host, port, tls, *watchdog / 4)) service::ping_watchdog();
        else spdlog::warn("skranke-hub did not answer its own health request; the watchdog is not told it is alive");
    }
    service::notify_stopping();
    return received;
}

}  // namespace skranke::hub
