#include "hub_load.hpp"


#include <atomic>
#include <stdexcept>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "client/hub_client.hpp"
#include "domain/events.hpp"
#include "domain/service_day.hpp"
#include "hub/hub_store.hpp"
#include "support/hub_process.hpp"

namespace skranke::bench {
namespace {

using Clock = std::chrono::steady_clock;

double peak_rss_mb(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (status >> key) {
        if (key == "VmHWM:") {
            double kb = 0;
            status >> kb;
            return kb / 1024.0;
        }
        std::getline(status, key);
    }
    return 0;
}

}  // namespace

HubLoad run_hub_load(const std::filesystem::path& dir, int devices, int events_per_s, int seconds) {
    HubLoad result;
    test::HubProcess hub(dir / "hub", devices + 56);
    hub.start();
    sync::Connection base;
    base.hub_url = hub.url();
    base.request_timeout_ms = 10000;

    std::vector<std::string> tokens;
    {
        auto store = hub::HubStore::open(dir / "hub" / "hub.db");
        if (!store) throw std::runtime_error(store.error().detail);
        for (int i = 0; i <= devices; ++i) {
            auto code = (*store)->create_enrol_code(i == 0 ? protocol::Role::kiosk : protocol::Role::display,
                                                   wall_clock_ms(), 60000);
            auto enrolled = sync::enrol_device(base, *code, i == 0 ? "kiosk-load" : "display-" + std::to_string(i));
            if (!enrolled) throw std::runtime_error(enrolled.error());
            tokens.push_back(enrolled->token);
        }
    }

    std::mutex mutex;
    std::map<std::string, Clock::time_point> sent;
    std::atomic<bool> stop{false};
    std::atomic<int> errors{0};
    std::atomic<int> connected{0};  // devices whose first poll was answered
    std::vector<double> delivery;
    std::thread pollers([&] {
        CURLM* multi = curl_multi_init();
        std::vector<std::unique_ptr<sync::HttpCall>> calls;
        std::vector<std::int64_t> cursors(static_cast<std::size_t>(devices), 0);
        std::map<CURL*, std::size_t> index;
        std::vector<bool> answered(static_cast<std::size_t>(devices), false);
        const auto begin_poll = [&](std::size_t i) {
            sync::Connection c = base;
            c.token = tokens[i + 1];
            const std::string wait = answered[i] ? "20000" : "0";  // the first call only connects
            calls[i]->prepare(c, "GET", "/v1/events?after=" + std::to_string(cursors[i]) + "&wait_ms=" + wait, {}, {}, 20000);
            curl_multi_add_handle(multi, calls[i]->handle());
        };
        for (int i = 0; i < devices; ++i) {
            calls.push_back(std::make_unique<sync::HttpCall>());
            index[calls.back()->handle()] = static_cast<std::size_t>(i);
            begin_poll(static_cast<std::size_t>(i));
        }
        while (!stop) {
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
                    ++errors;
                } else {
                    const auto page = nlohmann::json::parse(reply.body);
                    std::lock_guard lock(mutex);
                    for (const auto& e : page["events"])
                        if (auto it = sent.find(e["event"]["event_id"].get<std::string>()); it != sent.end())
                            delivery.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
                    cursors[i] = page["cursor"].get<std::int64_t>();
                    if (!answered[i]) {
                        answered[i] = true;
                        ++connected;
                    }
                }
                begin_poll(i);
            }
            curl_multi_poll(multi, nullptr, 0, 100, nullptr);
        }
        for (auto& c : calls) curl_multi_remove_handle(multi, c->handle());
        curl_multi_cleanup(multi);
    });

    // Events at a steady rate from one kiosk, one per push, as visitors arrive.
    sync::Connection kiosk = base;
    kiosk.token = tokens[0];
    sync::HttpCall push;
    // Events start once every device is connected and long-polling.
    const auto connect_deadline = Clock::now() + std::chrono::seconds(30);
    while (connected < devices && Clock::now() < connect_deadline)
        std::this_thread::sleep_until(Clock::now() + std::chrono::milliseconds(10));
    const auto start = Clock::now() + std::chrono::milliseconds(200);
    const int total = events_per_s * seconds;
    for (int n = 1; n <= total; ++n) {
        std::this_thread::sleep_until(start + std::chrono::microseconds(1000000LL * n / events_per_s));
        Ticket t;
        t.request.need_id = "other";
        t.number = {'L', n};
        t.created_ms = wall_clock_ms();
        t.service_day = service_day_of(t.created_ms);
        t.device_id = "kiosk-load";
        t.device_seq = n;
        t.event_id = make_event_id(t.device_id, n);
        {
            std::lock_guard lock(mutex);
            sent[t.event_id] = Clock::now();
        }
        push.prepare(kiosk, "POST", "/v1/events", nlohmann::json{{"events", {ticket_issued_event(t)}}}.dump(), {});
        if (push.perform().status != 200) ++errors;
    }
    // The last event's deliveries, then stop.
    const auto settle = Clock::now() + std::chrono::seconds(3);
    std::this_thread::sleep_until(settle);
    stop = true;
    pollers.join();
    result.peak_rss_mb = peak_rss_mb(hub.pid());
    hub.kill_hard();  // a graceful stop would wait out the idle keep-alive connections
    result.delivery_ms = std::move(delivery);
    const auto expected = static_cast<std::size_t>(total) * static_cast<std::size_t>(devices);
    result.errors = errors + static_cast<int>(expected - std::min(expected, result.delivery_ms.size()));
    return result;
}

}  // namespace skranke::bench
