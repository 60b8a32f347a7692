// notify benchmark: from a call stored at the hub to the SMS gateway's request for it.
//   BENCH notify_called_to_gateway_p50_ms
//   BENCH notify_called_to_gateway_p99_ms   (target: at most 500 ms)
// A hub in this process on 127.0.0.1 (its HTTP front, its writer), a kiosk's and a
// reception's stores pushing through their engines, the notifier with its engine and senders,
// and the tests' fake gateway. Calls go one at a time, each when the last one's SMS arrived,
// so each figure is the whole path with nothing queued before it: the hub's long-poll to the
// notifier, its claim pushed and read back, the request to the gateway.
//   bench_notify [calls]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "bench_stats.hpp"
#include "client/saved_hub.hpp"
#include "domain/office_time.hpp"
#include "domain/service_catalogue.hpp"
#include "hub/hub_server.hpp"
#include "notify/notifier.hpp"
#include "store/sync_store.hpp"
#include "support/fake_gateway.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace std::chrono_literals;

namespace {

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "bench_notify: %s\n", what.c_str());
    std::exit(1);
}

void save(const std::filesystem::path& file, const std::string& text) {
    FILE* f = std::fopen(file.c_str(), "w");
    if (!f) die("cannot write " + file.string());
    std::fputs(text.c_str(), f);
    std::fclose(f);
}

sync::Connection connection_to(const hub::Hub& hub, const std::string& token) {
    sync::Connection c;
    c.hub_url = "http://127.0.0.1:" + std::to_string(hub.port());
    c.token = token;
    return c;
}

std::string enrol(hub::Hub& hub, protocol::Role role, const std::string& device_id) {
    auto code = hub.store().create_enrol_code(role, wall_clock_ms(), 60000);
    if (!code) die("no enrolment code");
    auto enrolled = sync::enrol_device(connection_to(hub, ""), *code, device_id);
    if (!enrolled) die("enrolment: " + enrolled.error());
    return enrolled->token;
}

struct Device {
    std::unique_ptr<Store> store;
    std::unique_ptr<sync::SyncEngine> engine;
};

Device open_device(hub::Hub& hub, const std::filesystem::path& dir, protocol::Role role, const std::string& id) {
    StoreOptions options;
    options.path = dir / (id + ".db");
    options.device_id = id;
    options.kiosk_letter = 'B';
    const std::string token = enrol(hub, role, id);
    Device device;
    auto store = Store::open(options);
    if (!store) die("store: " + store.error().detail);
    device.store = std::move(*store);
    sync::SyncOptions sync;
    sync.connection = connection_to(hub, token);
    sync.pull = false;
    sync.backoff_initial_ms = 20;
    sync.backoff_cap_ms = 400;
    auto engine = sync::SyncEngine::start(options, sync);
    if (!engine) die("engine: " + engine.error());
    device.engine = std::move(*engine);
    return device;
}

// The hub's receive time of one event (wall clock, ms), once it is stored.
std::int64_t hub_received_ms(sqlite3* hub_db, const std::string& event_id) {
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(hub_db, "SELECT received_ms FROM events WHERE event_id = ?1", -1, &q, nullptr);
    sqlite3_bind_text(q, 1, event_id.c_str(), -1, SQLITE_TRANSIENT);
    std::int64_t received = 0;
    if (sqlite3_step(q) == SQLITE_ROW) received = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return received;
}

}  // namespace

int main(int argc, char** argv) {
    const int calls = argc > 1 ? std::atoi(argv[1]) : 250;
    spdlog::set_level(spdlog::level::warn);
    char dir_template[] = "/tmp/skranke-bench-notify-XXXXXX";
    if (!mkdtemp(dir_template)) die("no temporary folder");
    const std::filesystem::path dir = dir_template;
    const std::filesystem::path assets = SKRANKE_ASSET_DIR_FOR_BENCH;
    save(dir / "office.toml", "[office]\nname = \"NAV Bench\"\nsms_near_front = 0\n");  // only the called SMS

    hub::HubOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.data_dir = dir / "hub";
    options.office_file = dir / "office.toml";
    options.services_file = assets / "services.toml";
    auto hub = hub::Hub::start(options);
    if (!hub) die("hub: " + hub.error());
    auto catalogue = ServiceCatalogue::load_file(assets / "services.toml");
    if (!catalogue) die("no catalogue");

    Device kiosk = open_device(**hub, dir, protocol::Role::kiosk, "kiosk-bench");
    Device reception = open_device(**hub, dir, protocol::Role::reception, "reception-bench");
    test::FakeGateway gateway;

    // The notifier as `skranke-notify run` starts it, from its settings file.
    const auto notify_db = dir / "notify.db";
    std::string notify_id;
    {
        auto store = Store::open(notify::notify_store_options(notify_db, true));
        if (!store) die("notifier store");
        notify_id = (*store)->device_id();
        SyncStore sync_store(**store);
        if (!sync::save_hub(sync_store, connection_to(**hub, enrol(**hub, protocol::Role::notify, notify_id))))
            die("cannot save the hub");
    }
    save(dir / "credentials.toml", "token = \"t\"\n");
    std::filesystem::permissions(dir / "credentials.toml", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    save(dir / "notify.toml", "store = \"" + notify_db.string() + "\"\ncredentials = \"" + (dir / "credentials.toml").string() +
                                  "\"\n[gateway]\nurl = \"" + gateway.url() + "\"\n"
                                  "body = '{\"to\": \"{phone}\", \"text\": \"{text}\"}'\n");
    auto config = notify::load_notify_config(dir / "notify.toml");
    if (!config) die(config.error());
    auto credentials = notify::load_credentials(config->credentials);
    if (!credentials) die(credentials.error());
    auto texts = TextTable::load(assets / "translations", {"sms."});
    if (!texts) die(texts.error());
    sync::Connection notify_connection;
    {
        auto store = Store::open(notify::notify_store_options(notify_db, false));
        SyncStore sync_store(**store);
        notify_connection = *sync::load_saved_hub(sync_store).value();
    }
    auto notifier = notify::Notifier::start({*config, *credentials, *texts, notify_connection, {}});
    if (!notifier) die(notifier.error());

    // The visitors, all waiting with an SMS wish.
    const Need* need = nullptr;
    for (const Need& n : catalogue->needs())
        if (!n.emergency) {
            need = &n;
            break;
        }
    if (!need) die("no ordinary need");
    std::vector<std::string> tickets;
    for (int i = 0; i < calls; ++i) {
        TicketRequest request;
        request.need_id = need->id;
        request.phone = "+4794" + std::to_string(100000 + i);
        request.sms_wanted = true;
        auto ticket = kiosk.store->issue_ticket(request, *catalogue, wall_clock_ms());
        if (!ticket) die("ticket: " + ticket.error().detail);
        tickets.push_back(ticket->event_id);
    }
    kiosk.engine->notify_local_event();

    sqlite3* hub_db = nullptr;
    if (sqlite3_open_v2((dir / "hub" / "hub.db").c_str(), &hub_db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        die("cannot read hub.db");
    sqlite3_busy_timeout(hub_db, 5000);
    // Staff call only tickets the office knows: every ticket stored at the hub first, so no
    // call meets an unknown ticket.
    if (!test::wait_until([&] { return hub_received_ms(hub_db, tickets.back()) != 0; }, 60s))
        die("the kiosk's tickets did not reach the hub");
    std::vector<double> latencies;
    const char* counters[] = {"1", "2", "3", "4"};
    for (int i = 0; i < calls; ++i) {
        auto called = SyncStore(*reception.store).record_event(TicketCalled{tickets[i], counters[i % 4]}, wall_clock_ms(), "staff-bench");
        if (!called) die("call: " + called.error().detail);
        reception.engine->notify_local_event();
        if (!gateway.wait_delivered(static_cast<std::size_t>(i) + 1, 30s)) die("no SMS for call " + std::to_string(i));
        const std::int64_t stored = hub_received_ms(hub_db, called->event_id);
        if (stored == 0) die("the call is not at the hub");
        latencies.push_back(static_cast<double>(gateway.delivered().back().wall_ms - stored));
    }
    sqlite3_close(hub_db);
    notifier->reset();
    reception.engine.reset();
    kiosk.engine.reset();
    hub->reset();
    std::filesystem::remove_all(dir);

    bench::print("notify_called_to_gateway_p50_ms", bench::percentile(latencies, 50), "ms");
    bench::print("notify_called_to_gateway_p99_ms", bench::percentile(latencies, 99), "ms");
    return 0;
}
