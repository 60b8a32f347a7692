// A small TCP proxy between a device and the hub that injects the faults a real network
// and a real hub produce: refused connections, a hub that never answers, a reset before the
// request reaches the hub, a reply cut after the hub committed, a trickling reply, and
// 500/503/429 answers with Retry-After, and 409 out_of_sequence. Changing the fault drops
// every open connection. A fault can also be aimed at the pushes that carry given events
// (fault_pushes), so a test can fail exactly the last push of a backlog.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace skranke::test {

enum class Fault {
    none, refuse, hang, reset_before, cut_after_commit, trickle, http_500, http_503, http_429, http_409
};

// What the fault does, in words for test output.
const char* fault_name(Fault fault);

class FaultProxy {
public:
    explicit FaultProxy(int target_port);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    void set_fault(Fault fault);  // also ends any fault_pushes
    // The Retry-After value of 503 and 429 answers ("1" unless set), sent as given.
    void set_retry_after(std::string value);
    // The next `count` pushes (POST /v1/events) that carry any of these event ids meet
    // `fault` (refuse closes the port from then on); other requests pass. Aimed by content,
    // not by arrival order, which two pushes on their way at once do not keep. A hang ends
    // when the hub behind it goes away.
    void fault_pushes(Fault fault, std::vector<std::string> event_ids, int count = 1 << 30);
    // Whole push requests seen, faulted or not.
    int pushes() const { return pushes_; }
    void set_target(int target_port) { target_port_ = target_port; }
    // Connections accepted while a fault other than none was set, and pushes faulted.
    int faulted_connections() const { return faulted_; }
    int connections() const { return connections_; }
    // When each faulted connection was accepted or push seen (to check Retry-After was honoured).
    std::vector<std::chrono::steady_clock::time_point> faulted_times();

private:
    void accept_loop();
    void serve(int client, Fault fault);
    bool relay(int client, int upstream, Fault fault);
    bool misbehave(int client, int upstream, Fault fault, const std::string& request);
    Fault fault_for(const std::string& request);
    void count_fault();
    void listen_socket();
    void track(int fd, bool add);

    std::atomic<int> target_port_;
    int port_ = 0;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    std::atomic<Fault> fault_{Fault::none};
    std::atomic<bool> stopping_{false};
    std::atomic<int> faulted_{0};
    std::atomic<int> connections_{0};
    std::atomic<int> pushes_{0};
    Fault push_fault_ = Fault::none;  // under mutex_: for pushes carrying one of these texts
    std::vector<std::string> push_fault_texts_;
    std::string retry_after_ = "1";  // under mutex_
    int push_fault_left_ = 0;
    std::mutex mutex_;
    std::vector<std::chrono::steady_clock::time_point> faulted_times_;
    std::vector<int> live_;              // client and upstream sockets of open connections
    std::vector<std::thread> workers_;
    std::thread acceptor_;
};

}  // namespace skranke::test
