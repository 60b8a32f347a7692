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
#include "client/sync_engine.hpp"
#include "domain/service_catalogue.hpp"
#include "store/store.hpp"
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

// The real hub with its default connection settings (or several, on one office of the office
// database at database_url), and devices enrolled with it: kiosks first ("kiosk-load",
// "kiosk-load-1", ...), then displays; device i talks to hub i % hubs.
struct LoadHub {
    std::vector<std::unique_ptr<test::HubProcess>> hubs;
    std::vector<sync::Connection> bases;  // one per hub
    std::vector<std::string> tokens;
    test::HubProcess& hub;  // the first
    const sync::Connection& base;

    LoadHub(const std::filesystem::path& dir, int kiosks, int displays, const std::string& database_url = "",
            int count = 1)
        : hubs(make_hubs(dir, database_url, count)), bases(bases_of(hubs)), hub(*hubs.front()), base(bases.front()) {
        auto store = hub::open_hub_store(hub::HubData{dir / "hub", database_url, database_url.empty() ? "" : "bench"});
        if (!store) throw std::runtime_error(store.error().detail);
        for (int i = 0; i < kiosks + displays; ++i) {
            const bool kiosk = i < kiosks;
            auto code = (*store)->create_enrol_code(kiosk ? protocol::Role::kiosk : protocol::Role::display,
                                                   wall_clock_ms(), 60000);
            if (!code) throw std::runtime_error(code.error().detail);
            const std::string id = kiosk ? "kiosk-load" + (i == 0 ? std::string() : "-" + std::to_string(i))
                                         : "display-" + std::to_string(i - kiosks + 1);
            auto enrolled = sync::enrol_device(base_of(i), *code, id);
            if (!enrolled) throw std::runtime_error(enrolled.error());
            tokens.push_back(enrolled->token);
        }
    }
    const sync::Connection& base_of(int device) const {
        return bases[static_cast<std::size_t>(device) % bases.size()];
    }
    // The tokens of the devices that talk to one hub.
    std::vector<std::string> tokens_of_hub(std::size_t h) const {
        std::vector<std::string> mine;
        for (std::size_t i = h; i < tokens.size(); i += hubs.size()) mine.push_back(tokens[i]);
        return mine;
    }

private:
    static std::vector<std::unique_ptr<test::HubProcess>> make_hubs(const std::filesystem::path& dir,
                                                                    const std::string& database_url, int count) {
        std::vector<std::unique_ptr<test::HubProcess>> made;
        for (int h = 0; h < count; ++h) {
            made.push_back(std::make_unique<test::HubProcess>(dir / (h == 0 ? "hub" : "hub-" + std::to_string(h)), 0));
            if (!database_url.empty()) made.back()->add_arguments({"--db", database_url, "--office-id", "bench"});
            made.back()->start();
        }
        return made;
    }
    static std::vector<sync::Connection> bases_of(const std::vector<std::unique_ptr<test::HubProcess>>& hubs) {
        std::vector<sync::Connection> made;
        for (const auto& h : hubs) {
            sync::Connection c;
            c.hub_url = h->url();
            c.request_timeout_ms = 10000;
            made.push_back(c);
        }
        return made;
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

HubScale run_hub_scale(const std::filesystem::path& dir, int devices, int pushers, int events_per_s, int seconds,
                       const std::string& database_url, int hubs) {
    HubScale result;
    LoadHub load(dir, pushers, devices - pushers, database_url, hubs);
    test::HubProcess& hub = load.hub;
    const sync::Connection& base = load.base;
    const std::vector<std::string>& tokens = load.tokens;
    std::atomic<int> errors{0};
    std::vector<std::unique_ptr<LongPollers>> pollers;  // the kiosks poll too
    for (std::size_t h = 0; h < load.hubs.size(); ++h)
        pollers.push_back(std::make_unique<LongPollers>(load.bases[h], load.tokens_of_hub(h), errors, std::nullopt));
    for (const auto& p : pollers) (void)p->wait_connected(std::chrono::seconds(60));
    const auto resident_mb = [&] {
        double most = 0;
        for (const auto& h : load.hubs) most = std::max(most, rss_mb(h->pid(), "VmRSS:"));
        return most;
    };

    // Each kiosk pushes its share at a steady rate, offset so that pushes are spread evenly.
    std::mutex mutex;
    std::vector<double> latencies;
    const auto start = Clock::now() + std::chrono::milliseconds(200);
    const int per_kiosk = events_per_s * seconds / pushers;
    std::vector<std::thread> kiosks;
    for (int k = 0; k < pushers; ++k) {
        kiosks.emplace_back([&, k] {
            sync::Connection c = load.base_of(k);
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
    // The hubs' resident memory while that goes on (the largest of one hub).
    for (auto end = start + std::chrono::seconds(seconds); Clock::now() < end;) {
        result.rss_mb = std::max(result.rss_mb, resident_mb());
        std::this_thread::sleep_until(Clock::now() + std::chrono::milliseconds(250));
    }
    for (auto& k : kiosks) k.join();
    result.rss_mb = std::max(result.rss_mb, resident_mb());

    // 300 sockets that connect and say nothing (to the first hub), beside the 500 long-polls: a
    // push and a read.
    std::vector<int> idle;
    for (int i = 0; i < 300; ++i) idle.push_back(test::connect_loopback(hub.port()));
    sync::Connection kiosk = base, display = base;
    kiosk.token = tokens.front();
    display.token = load.tokens_of_hub(0).back();
    sync::HttpCall call;
    const auto pushed_at = Clock::now();
    call.prepare(kiosk, "POST", "/v1/events", one_ticket_push("kiosk-load", per_kiosk + 1), {});
    const bool pushed = call.perform().status == 200 && Clock::now() - pushed_at < std::chrono::seconds(1);
    const auto read_at = Clock::now();
    call.prepare(display, "GET", "/v1/events?after=0&limit=10", {}, {});
    const bool read = call.perform().status == 200 && Clock::now() - read_at < std::chrono::seconds(1);
    result.idle_sockets_ok = pushed && read && std::count(idle.begin(), idle.end(), -1) == 0;
    for (int fd : idle) close(fd);

    pollers.clear();
    for (const auto& h : load.hubs) h->kill_hard();
    result.push_ms = std::move(latencies);
    result.errors = errors;
    return result;
}

}  // namespace skranke::bench

namespace skranke::bench {

std::vector<double> run_pg_failover(const std::filesystem::path& dir, const std::string& database_url,
                                    const ServiceCatalogue& catalogue, int rounds) {
    // A kiosk and a display; both may use either hub.
    LoadHub load(dir, 1, 1, database_url, 2);
    StoreOptions kiosk;
    kiosk.path = dir / "kiosk.db";
    kiosk.device_id = "kiosk-load";
    auto store = Store::open(kiosk);
    if (!store) throw std::runtime_error(store.error().detail);
    TicketRequest request;
    request.need_id = catalogue.needs().front().id;
    const auto issue = [&] {
        auto t = (*store)->issue_ticket(request, catalogue, wall_clock_ms());
        if (!t) throw std::runtime_error(t.error().detail);
        return t->event_id;
    };
    // Whether the office's log holds the event, read through hub h.
    std::int64_t cursor = 0;
    const auto stored = [&](std::size_t h, const std::string& event_id) {
        sync::Connection c = load.bases[h];
        c.token = load.tokens[1];
        sync::HttpCall read;
        read.prepare(c, "GET", "/v1/events?after=" + std::to_string(cursor) + "&limit=1000", {}, {});
        const auto reply = read.perform();
        if (reply.status != 200) return false;
        const auto page = nlohmann::json::parse(reply.body);
        bool found = false;
        for (const auto& e : page["events"]) found = found || e["event"]["event_id"] == event_id;
        cursor = page["cursor"].get<std::int64_t>();
        return found;
    };
    const auto wait_stored = [&](std::size_t h, const std::string& event_id) {
        const auto give_up = Clock::now() + std::chrono::seconds(60);  // bounded: a failover that stalls is a failure
        while (!stored(h, event_id)) {
            if (Clock::now() > give_up) throw std::runtime_error("event " + event_id + " was not stored within 60 s");
            std::this_thread::sleep_until(Clock::now() + std::chrono::milliseconds(5));
        }
    };

    // The kiosk's engine as it runs in an office (its default options), given both hubs.
    sync::SyncOptions options;
    options.connection.hub_url = load.bases[0].hub_url + "," + load.bases[1].hub_url;
    options.connection.token = load.tokens[0];
    auto engine = sync::SyncEngine::start(kiosk, options);
    if (!engine) throw std::runtime_error(engine.error());
    const std::string first = issue();
    (*engine)->notify_local_event();
    wait_stored(0, first);

    std::vector<double> seconds;
    std::size_t in_use = 0;  // the engine begins with the first hub of its list
    for (int round = 0; round < rounds; ++round) {
        const std::size_t other = 1 - in_use;
        const auto killed = Clock::now();
        load.hubs[in_use]->kill_hard();
        const std::string id = issue();
        (*engine)->notify_local_event();
        wait_stored(other, id);
        seconds.push_back(std::chrono::duration<double>(Clock::now() - killed).count());
        load.hubs[in_use]->start();  // back for the next round, whose victim is the other one
        in_use = other;
    }
    engine->reset();
    for (const auto& h : load.hubs) h->kill_hard();
    return seconds;
}

}  // namespace skranke::bench
