// A fake SMS provider on 127.0.0.1 (cpp-httplib): POST /sms with a JSON body {"to", "text"}
// and an Idempotency-Key header. It records every request, delivers each key once (a repeat
// is answered 200 as "already delivered", as real providers do, and counted as absorbed), and
// can be told to answer 503 for a while or be switched off (connections refused).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib { class Server; }

namespace skranke::test {

struct GatewayMessage {
    std::string phone;
    std::string text;
    std::string key;
    std::chrono::steady_clock::time_point at;  // when the request arrived
    std::int64_t wall_ms = 0;                  // the same on the wall clock (beside the hub's receive times)
};

class FakeGateway {
public:
    FakeGateway();   // listening on a free port
    ~FakeGateway();
    FakeGateway(const FakeGateway&) = delete;
    FakeGateway& operator=(const FakeGateway&) = delete;

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/sms"; }

    // The next `count` requests are answered 503 (nothing delivered).
    void fail_next(int count);
    // Requests for this phone get no answer until release() (or 20 s): a gateway stuck on one message.
    void hang_for(const std::string& phone);
    void release();
    // Off: the port refuses connections; on: listening again on the same port.
    void switch_off();
    void switch_on();

    std::vector<GatewayMessage> delivered() const;   // each key once, in arrival order
    int requests() const;                            // every request that arrived
    int absorbed() const;                            // repeats of a delivered key
    int refused_503() const;
    int hanging() const;
    // Waits until delivered() has at least count messages (bounded).
    bool wait_delivered(std::size_t count, std::chrono::milliseconds timeout) const;
    // Waits until at least count requests arrived (bounded).
    bool wait_requests(int count, std::chrono::milliseconds timeout) const;

private:
    void listen();
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    int port_ = 0;
    mutable std::mutex mutex_;
    mutable std::condition_variable arrived_;
    std::vector<GatewayMessage> delivered_;
    std::map<std::string, bool> keys_;
    int requests_ = 0;
    int absorbed_ = 0;
    int fail_left_ = 0;
    int refused_503_ = 0;
    std::string hang_phone_;
    int hanging_ = 0;  // requests held now
};

}  // namespace skranke::test
