#include "hub_load.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "client/hub_client.hpp"
#include "domain/events.hpp"
#include "domain/office_time.hpp"
#include "protocol/event_codec.hpp"
#include "hub/hub_store.hpp"
#include "support/hub_process.hpp"
#include "support/loopback.hpp"

namespace skranke::bench {
namespace {

using Clock = std::chrono::steady_clock;

// A figure of /proc/<pid>/status in MB (VmHWM: peak, VmRSS: now).
double rss_mb(pid_t pid, const std::string& field) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (status >> key) {
        if (key == field) {
            double kb = 0;
            status >> kb;
            return kb / 1024.0;
        }
        std::getline(status, key);
    }
    return 0;
}

// Devices long-polling the log on one curl multi handle; each answer's events are timed
// against when they were sent (when asked to).
class LongPollers {
public:
    struct Delivery {
        std::mutex& mutex;
        const std::map<std::string, Clock::time_point>& sent;
        std::vector<double>& delivery_ms;
    };
    LongPollers(const sync::Connection& base, std::vector<std::string> tokens, std::atomic<int>& errors,
                std::optional<Delivery> delivery)
        : base_(base), tokens_(std::move(tokens)), errors_(errors), delivery_(delivery),
          thread_([this] { run(); }) {}
    ~LongPollers() {
        stop_ = true;
        thread_.join();
    }
    LongPollers(const LongPollers&) = delete;
    LongPollers& operator=(const LongPollers&) = delete;

    // Every device's first call answered (bounded wait).
    bool wait_connected(std::chrono::seconds limit) const {
        const auto deadline = Clock::now() + limit;
        while (connected_ < static_cast<int>(tokens_.size()) && Clock::now() < deadline)
            std::this_thread::sleep_until(Clock::now() + std::chrono::milliseconds(10));
        return connected_ == static_cast<int>(tokens_.size());
    }

private:
    void run() {
        CURLM* multi = curl_multi_init();
        const std::size_t devices = tokens_.size();
        std::vector<std::unique_ptr<sync::HttpCall>> calls;
        std::vector<std::int64_t> cursors(devices, 0);
        std::map<CURL*, std::size_t> index;
        std::vector<bool> answered(devices, false);
        const auto begin_poll = [&](std::size_t i) {
            sync::Connection c = base_;
            c.token = tokens_[i];
            const std::string wait = answered[i] ? "20000" : "0";  // the first call only connects
            calls[i]->prepare(c, "GET", "/v1/events?after=" + std::to_string(cursors[i]) + "&wait_ms=" + wait, {}, {}, 20000);
            curl_multi_add_handle(multi, calls[i]->handle());
        };
        for (std::size_t i = 0; i < devices; ++i) {
            calls.push_back(std::make_unique<sync::HttpCall>());
            index[calls.back()->handle()] = i;
            begin_poll(i);
        }
        while (!stop_) {
            int running = 0;
            curl_multi_perform(multi, &running);
            int left = 0;
            while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
                if (m->msg != CURLMSG_DONE) continue;
                const std::size_t i = index.at(m->easy_handle);
                curl_multi_remove_handle(multi, m->easy_handle);
                const auto reply = calls[i]->finish(m->data.result);
                const auto now = Clock::now();
                if (reply.status != 200) {
                    ++errors_;
                } else {
                    const auto page = nlohmann::json::parse(reply.body);
                    if (delivery_) {
                        std::lock_guard lock(delivery_->mutex);
                        for (const auto& e : page["events"])
                            if (auto it = delivery_->sent.find(e["event"]["event_id"].get<std::string>());
                                it != delivery_->sent.end())
                                delivery_->delivery_ms.push_back(
                                    std::chrono::duration<double, std::milli>(now - it->second).count());
                    }
                    cursors[i] = page["cursor"].get<std::int64_t>();
                    if (!answered[i]) {
                        answered[i] = true;
                        ++connected_;
                    }
                }
                begin_poll(i);
            }
            curl_multi_poll(multi, nullptr, 0, 100, nullptr);
        }
        for (auto& c : calls) curl_multi_remove_handle(multi, c->handle());
        curl_multi_cleanup(multi);
    }

    sync::Connection base_;
    std::vector<std::string> tokens_;
    std::atomic<int>& errors_;
    std::optional<Delivery> delivery_;
    std::atomic<bool> stop_{false};
    std::atomic<int> connected_{0};
    std::thread thread_;  // last: starts once everything above is ready
};

// A push of one ticket.issued event, the device's n-th, as a kiosk sends it.
std::string one_ticket_push(const std::string& device_id, int n) {
    Ticket t;
    t.request.need_id = "other";
    t.number = {'L', n};
    t.created_ms = wall_clock_ms();
    t.service_day = service_day_of(t.created_ms);
    t.device_id = device_id;
    t.device_seq = n;
    t.event_id = make_event_id(t.device_id, n);
    return "{\"events\":[" + protocol::write_event(issued_event(t)) + "]}";
}

// The real hub with its default connection settings, and devices enrolled with it: kiosks
// first ("kiosk-load", "kiosk-load-1", ...), then displays.
struct LoadHub {
    test::HubProcess hub;
    sync::Connection base;
    std::vector<std::string> tokens;

    LoadHub(const std::filesystem::path& dir, int kiosks, int displays) : hub(dir / "hub", 0) {
        hub.start();
        base.hub_url = hub.url();
        base.request_timeout_ms = 10000;
        auto store = hub::HubStore::open(dir / "hub" / "hub.db");
        if (!store) throw std::runtime_error(store.error().detail);
        for (int i = 0; i < kiosks + displays; ++i) {
            const bool kiosk = i < kiosks;
            auto code = (*store)->create_enrol_code(kiosk ? protocol::Role::kiosk : protocol::Role::display,
                                                   wall_clock_ms(), 60000);
            const std::string id = kiosk ? "kiosk-load" + (i == 0 ? std::string() : "-" + std::to_string(i))
                                         : "display-" + std::to_string(i - kiosks + 1);
            auto enrolled = sync::enrol_device(base, *code, id);
            if (!enrolled) throw std::runtime_error(enrolled.error());
            tokens.push_back(enrolled->token);
        }
    }
};

}  // namespace

HubLoad run_hub_load(const std::filesystem::path& dir, int devices, int events_per_s, int seconds) {
    HubLoad result;
    LoadHub load(dir, 1, devices);
    test::HubProcess& hub = load.hub;
    const sync::Connection& base = load.base;
    const std::vector<std::string>& tokens = load.tokens;

    std::mutex mutex;
    std::map<std::string, Clock::time_point> sent;
    std::atomic<int> errors{0};
    std::vector<double> delivery;
    auto pollers = std::make_unique<LongPollers>(base, std::vector<std::string>(tokens.begin() + 1, tokens.end()),
                                                 errors, LongPollers::Delivery{mutex, sent, delivery});

    // Events at a steady rate from one kiosk, one per push, as visitors arrive.
    sync::Connection kiosk = base;
    kiosk.token = tokens[0];
    sync::HttpCall push;
    // Events start once every device is connected and long-polling.
    (void)pollers->wait_connected(std::chrono::seconds(30));
    const auto start = Clock::now() + std::chrono::milliseconds(200);
    const int total = events_per_s * seconds;
    for (int n = 1; n <= total; ++n) {
        std::this_thread::sleep_until(start + std::chrono::microseconds(1000000LL * n / events_per_s));
        {
            std::lock_guard lock(mutex);
            sent[make_event_id("kiosk-load", n)] = Clock::now();
        }
        push.prepare(kiosk, "POST", "/v1/events", one_ticket_push("kiosk-load", n), {});
        if (push.perform().status != 200) ++errors;
    }
    // The last event's deliveries, then stop.
    const auto settle = Clock::now() + std::chrono::seconds(3);
    std::this_thread::sleep_until(settle);
    pollers.reset();
    result.peak_rss_mb = rss_mb(hub.pid(), "VmHWM:");
    hub.kill_hard();  // a graceful stop would wait out the idle keep-alive connections
    result.delivery_ms = std::move(delivery);
    const auto expected = static_cast<std::size_t>(total) * static_cast<std::size_t>(devices);
    result.errors = errors + static_cast<int>(expected - std::min(expected, result.delivery_ms.size()));
    return result;
}

HubScale run_hub_scale(const std::filesystem::path& dir, int devices, int pushers, int events_per_s, int seconds) {
    HubScale result;
    LoadHub load(dir, pushers, devices - pushers);
    test::HubProcess& hub = load.hub;
    const sync::Connection& base = load.base;
    const std::vector<std::string>& tokens = load.tokens;
    std::atomic<int> errors{0};
    auto pollers = std::make_unique<LongPollers>(base, tokens, errors, std::nullopt);  // the kiosks poll too
    (void)pollers->wait_connected(std::chrono::seconds(60));

    // Each kiosk pushes its share at a steady rate, offset so that pushes are spread evenly.
    std::mutex mutex;
    std::vector<double> latencies;
    const auto start = Clock::now() + std::chrono::milliseconds(200);
    const int per_kiosk = events_per_s * seconds / pushers;
    std::vector<std::thread> kiosks;
    for (int k = 0; k < pushers; ++k) {
        kiosks.emplace_back([&, k] {
            sync::Connection c = base;
            c.token = tokens[static_cast<std::size_t>(k)];
            const std::string id = "kiosk-load" + (k == 0 ? std::string() : "-" + std::to_string(k));
            sync::HttpCall push;
            std::vector<double> mine;
            for (int n = 1; n <= per_kiosk; ++n) {
                const std::int64_t slot = static_cast<std::int64_t>(n - 1) * pushers + k;  // the event's place overall
                std::this_thread::sleep_until(start + std::chrono::microseconds(1000000LL * slot / events_per_s));
                push.prepare(c, "POST", "/v1/events", one_ticket_push(id, n), {});
                const auto sent = Clock::now();
                if (push.perform().status != 200) ++errors;
                mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
            }
            std::lock_guard lock(mutex);
            latencies.insert(latencies.end(), mine.begin(), mine.end());
        });
    }
    // The hub's resident memory while that goes on.
    for (auto end = start + std::chrono::seconds(seconds); Clock::now() < end;) {
        result.rss_mb = std::max(result.rss_mb, rss_mb(hub.pid(), "VmRSS:"));
        std::this_thread::sleep_until(Clock::now() + std::chrono::milliseconds(250));
    }
    for (auto& k : kiosks) k.join();
    result.rss_mb = std::max(result.rss_mb, rss_mb(hub.pid(), "VmRSS:"));

    // 300 sockets that connect and say nothing, beside the 500 long-polls: a push and a read.
    std::vector<int> idle;
    for (int i = 0; i < 300; ++i) idle.push_back(test::connect_loopback(hub.port()));
    sync::Connection kiosk = base, display = base;
    kiosk.token = tokens.front();
    display.token = tokens.back();
    sync::HttpCall call;
    const auto pushed_at = Clock::now();
    call.prepare(kiosk, "POST", "/v1/events", one_ticket_push("kiosk-load", per_kiosk + 1), {});
    const bool pushed = call.perform().status == 200 && Clock::now() - pushed_at < std::chrono::seconds(1);
    const auto read_at = Clock::now();
    call.prepare(display, "GET", "/v1/events?after=0&limit=10", {}, {});
    const bool read = call.perform().status == 200 && Clock::now() - read_at < std::chrono::seconds(1);
    result.idle_sockets_ok = pushed && read && std::count(idle.begin(), idle.end(), -1) == 0;
    for (int fd : idle) close(fd);

    pollers.reset();
    hub.kill_hard();
    result.push_ms = std::move(latencies);
    result.errors = errors;
    return result;
}

}  // namespace skranke::bench
