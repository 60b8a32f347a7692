// history: Skranke after a year in an office. A year of walk-ins (about 500,000 events over
// 365 days by default) goes into a real hub through its store's push (the code a device's
// push reaches, with the receive time of each hour), and into a reception console's and a
// kiosk's stores through the store API the sync engine uses (log pages, acknowledgements,
// and the engine's hourly tidy run once a day: outbox pruning, the log window, the
// retention). The kiosk numbers its own third of the tickets through Store::issue_ticket.
// Then, with that year behind them:
//   console_refresh_p99_ms          the console's work per refresh on its UI thread
//   console_view_page_p99_ms        the queue view's work per applied log page (its own thread)
//   kiosk_issue_with_history_ratio  ticket issue p99, year-old store over a fresh one
//   kiosk_ticket_screen_with_history_ratio  the same for issue + what the ticket screen reads
//   device_store_mb_after_year      the console's SQLite file and write-ahead log
//   kiosk_store_mb_after_year       the kiosk's (its own tickets stay: numbering reads them)
//   new_device_start_s              a new console enrolled against the year-old hub until its
//                                   queue shows today's tickets (real HTTP, the real engine)
//   hub_figures_day_ms              /v1/figures.csv for one day on the year-old hub (p99)
//
//   bench_history [days] [tickets per day]     (defaults 365, 445)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include <spdlog/spdlog.h>

#include "bench_stats.hpp"
#include "client/staff_client.hpp"
#include "client/sync_engine.hpp"
#include "console/console_app.hpp"
#include "domain/events.hpp"
#include "domain/office_time.hpp"
#include "domain/service_catalogue.hpp"
#include "hub/hub_server.hpp"
#include "hub/pushed_event.hpp"
#include "hub/staff_store.hpp"
#include "protocol/event_codec.hpp"
#include "protocol/protocol.hpp"
#include "store/paths.hpp"
#include "store/queue_view.hpp"
#include "store/sqlite_util.hpp"
#include "store/store.hpp"
#include "store/sync_store.hpp"
#include "visitor/queue_figures.hpp"

using namespace skranke;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::int64_t minute = 60'000, hour = 60 * minute, day = 24 * hour;
constexpr std::int64_t retention_ms = 30 * day;  // the hub's default

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "history bench: %s\n", what.c_str());
    std::exit(1);
}

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double file_mb(const std::filesystem::path& file) {
    double bytes = 0;
    for (const char* suffix : {"", "-wal"}) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(file.string() + suffix, ec);
        if (!ec) bytes += static_cast<double>(size);
    }
    return bytes / (1024.0 * 1024.0);
}

std::unique_ptr<Store> open_store(const std::filesystem::path& file, const std::string& id, char letter) {
    StoreOptions options;
    options.path = file;
    options.device_id = id;
    options.kiosk_letter = letter;
    auto store = Store::open(options);
    if (!store) die("store " + file.string() + ": " + store.error().detail);
    return std::move(*store);
}

// One hour of the office's log: what the hub received in it, in order.
struct Hour {
    std::int64_t received_ms = 0;
    std::vector<Event> events;
};

// The office's year, made one day at a time: three kiosks (the first is the benchmarked
// kiosk, numbering through its real store) and three reception desks. Each ticket is called
// 10-40 minutes after it arrives, one in ten recalled, nine in ten served 6-12 minutes after
// the call, the rest no-shows. Today ends at now: the last tickets still wait.
class Office {
public:
    Office(const ServiceCatalogue& catalogue, Store& own_kiosk) : catalogue_(catalogue), own_kiosk_(own_kiosk) {
        for (const Need& need : catalogue.needs())
            if (!need.emergency && !need.appointment) needs_.push_back(need.id);
        if (needs_.empty()) die("the catalogue has no ordinary need");
    }

    // The hours of a day with count tickets: an ordinary day opens at 08:00 for seven and a
    // half hours; today ends at end_ms (now), its last tickets still waiting.
    std::vector<Hour> make_day(std::int64_t day_start, std::int64_t end_ms, bool today, int count) {
        const std::int64_t open = today ? std::max(day_start + minute, end_ms - 8 * hour - 30 * minute) : day_start + 8 * hour;
        const std::int64_t span = today ? std::max<std::int64_t>(end_ms - open - hour, 30 * minute) : 7 * hour + 30 * minute;
        std::multimap<std::int64_t, Event> timed;
        for (int i = 0; i < count; ++i) {
            const std::int64_t at = open + span * i / count;
            const int kiosk = i % 3;
            Ticket ticket;
            TicketRequest request;
            request.need_id = needs_[static_cast<std::size_t>(random() % needs_.size())];
            request.language = i % 7 == 0 ? "en" : "nb";
            request.name = "Besøkende " + std::to_string(i);
            request.phone = "9" + std::to_string(1000000 + i);
            request.description = "Spørsmål om sosialhjelp og husleie denne måneden";
            if (kiosk == 0) {
                auto issued = own_kiosk_.issue_ticket(request, catalogue_, at);
                if (!issued) die("kiosk issue: " + issued.error().detail);
                ticket = *issued;
                own_events_.push_back(ticket.event_id);
            } else {
                const std::string day_of = service_day_of(at);
                if (number_day_[kiosk] != day_of) number_day_[kiosk] = day_of, numbers_[kiosk] = 0;
                ticket.number = TicketNumber{static_cast<char>('A' + kiosk), ++numbers_[kiosk]};
                ticket.service_day = service_day_of(at);
                ticket.request = request;
                ticket.created_ms = at;
                ticket.device_id = "kiosk-" + std::to_string(kiosk + 1);
                ticket.device_seq = ++device_seq_[ticket.device_id];
                ticket.event_id = ticket.device_id + ":" + std::to_string(ticket.device_seq);
            }
            timed.emplace(at, issued_event(ticket));
            // Today's last tickets still wait, and three are at a counter.
            const int left_today = count - i;
            if (today && left_today <= 40) continue;
            const std::string desk = "desk-" + std::to_string(i % 3 + 1), counter = std::to_string(i % 3 + 1);
            std::int64_t t = at + (10 + random() % 30) * minute;
            timed.emplace(t, action(TicketCalled{ticket.event_id, counter}, desk, t));
            if (i % 10 == 3) {
                t += minute;
                timed.emplace(t, action(TicketRecalled{ticket.event_id, counter}, desk, t));
            }
            if (today && left_today <= 43) continue;
            t += (6 + random() % 7) * minute;
            if (i % 10 != 7) timed.emplace(t, action(TicketServed{ticket.event_id, counter}, desk, t));
            else timed.emplace(t, action(TicketNoShow{ticket.event_id, counter}, desk, t));
        }
        std::vector<Hour> hours;
        for (auto& [at, event] : timed) {
            if (!is_issue(event)) {  // a desk numbers its actions in the order it makes them
                EventEnvelope& e = event.envelope;
                e.device_seq = ++device_seq_[e.device_id];
                e.event_id = make_event_id(e.device_id, e.device_seq);
            }
            const std::int64_t received = std::min(end_ms, (at / hour + 1) * hour);  // the end of its hour
            if (hours.empty() || hours.back().received_ms != received) hours.push_back({received, {}});
            // A device's events reach the hub in its own order: time order within a device.
            hours.back().events.push_back(std::move(event));
        }
        return hours;
    }

    const std::vector<std::string>& own_events() const { return own_events_; }
    void forget_own_events() { own_events_.clear(); }

private:
    static Event action(EventBody body, const std::string& desk, std::int64_t at) {
        return staff_event(std::move(body), desk, 0, at, "kari");  // numbered once in time order
    }
    std::uint64_t random() {
        state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
        return state_ >> 33;
    }

    const ServiceCatalogue& catalogue_;
    Store& own_kiosk_;
    std::map<int, std::string> number_day_;  // per kiosk: the day it numbers and its last number
    std::map<int, int> numbers_;
    std::vector<std::string> needs_;
    std::map<std::string, std::int64_t> device_seq_;
    std::vector<std::string> own_events_;  // the kiosk's events not yet acknowledged
    std::uint64_t state_ = 20261204;
};

// A device's store as a year of running leaves it: each hour's page of the log applied (a
// kiosk's without personal fields, as the hub sends them to kiosks), the engine's tidy once a
// day on the hub's clock.
struct AgedDevice {
    std::unique_ptr<Store> store;
    bool kiosk = false;
    std::int64_t cursor = 0;

    void apply(const Hour& page_hour, std::int64_t first_seq) {
        std::vector<MergedEvent> page;
        page.reserve(page_hour.events.size());
        std::int64_t seq = first_seq;
        for (const Event& e : page_hour.events) {
            MergedEvent m{seq++, page_hour.received_ms, 0, e};
            if (kiosk) remove_personal_fields(m.event);
            page.push_back(std::move(m));
        }
        cursor = seq - 1;
        if (auto applied = SyncStore(*store).apply_log(page, cursor); !applied) die("apply log: " + applied.error().detail);
    }
    void tidy(std::int64_t now) {
        sync::SyncOptions options;
        sync::tidy_store(*store, now, 0, retention_ms, options);
    }
};

struct YearHub {
    std::unique_ptr<hub::Hub> hub;
    sync::Connection connection(const std::string& token) const {
        sync::Connection c;
        c.hub_url = "http://127.0.0.1:" + std::to_string(hub->port());
        c.token = token;
        return c;
    }
    std::string enrol(protocol::Role role, const std::string& id) {
        auto code = hub->store().create_enrol_code(role, wall_clock_ms(), 60000);
        if (!code) die(code.error().detail);
        auto enrolled = sync::enrol_device(connection(""), *code, id);
        if (!enrolled) die("enrol: " + enrolled.error());
        return enrolled->token;
    }
};

std::vector<double> time_kiosk_path(Store& store, QueueView* view, const ServiceCatalogue& catalogue, int count,
                                    std::vector<double>* screen) {
    std::vector<double> issue_ms;
    TicketRequest request;
    for (const Need& need : catalogue.needs())
        if (!need.emergency && !need.appointment) {
            request.need_id = need.id;
            break;
        }
    request.name = "Ola Nordmann";
    request.phone = "91234567";
    for (int i = 0; i < count; ++i) {
        const auto start = Clock::now();
        auto ticket = store.issue_ticket(request, catalogue, read_device_clocks());
        if (!ticket) die("issue: " + ticket.error().detail);
        issue_ms.push_back(ms_since(start));
        if (!view) {
            (void)store.checkpoint();
            continue;
        }
        // What the ticket screen reads next (visitor_app.cpp): the view's newest snapshot with
        // the new ticket in its place; the view's thread takes the ticket in afterwards.
        const auto snapshot = view->snapshot();
        const auto ahead = visitor::people_ahead_of_new(snapshot->queue(), *ticket, snapshot->hub_ahead_ms,
                                                        snapshot->reference_now(wall_clock_ms()));
        if (!ahead) die("the new ticket has no place in the queue");
        view->changed();
        screen->push_back(ms_since(start));
        // The next visitor comes many seconds later: the view has taken this ticket in by then.
        const auto taken = view->wait_for([&](const QueueSnapshot& s) { return s.queue().find(ticket->event_id) != nullptr; },
                                          std::chrono::seconds(10));
        if (!taken) die("the queue view did not take the new ticket in within 10 s");
        (void)store.checkpoint();  // as the kiosk does once the ticket is on screen
    }
    return issue_ms;
}

}  // namespace

int main(int argc, char** argv) {
    const int days = argc > 1 ? std::max(2, std::atoi(argv[1])) : 365;
    const int per_day = argc > 2 ? std::max(45, std::atoi(argv[2])) : 445;
    spdlog::set_level(spdlog::level::warn);
    const auto dir = std::filesystem::temp_directory_path() / ("skranke-history-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto catalogue = ServiceCatalogue::load_file(default_asset_dir() / "services.toml");
    if (!catalogue) die("catalogue: " + catalogue.error().detail);

    hub::HubOptions hub_options;
    hub_options.data_dir = dir / "hub";
    hub_options.services_file = default_asset_dir() / "services.toml";
    hub_options.threads = 16;
    auto started = hub::Hub::start(hub_options);
    if (!started) die(started.error());
    YearHub year_hub{std::move(*started)};

    // The devices that lived through the year.
    AgedDevice console{open_store(dir / "console.db", "desk-4", 'A'), false};
    AgedDevice kiosk{open_store(dir / "kiosk.db", "kiosk-1", 'A'), true};
    // Seeding only: the kiosk's own commits without a disk sync (the rows are the real code's;
    // durability is not what is measured). Put back before anything is timed.
    sql::exec(kiosk.store->handle(), "PRAGMA synchronous=OFF");
    Office office(*catalogue, *kiosk.store);

    const std::int64_t now = wall_clock_ms();
    const auto seeding = Clock::now();
    std::int64_t events = 0;
    for (int d = days - 1; d >= 0; --d) {
        const bool today = d == 0;
        const std::int64_t start = office_zone().day_start_utc(now - d * day);
        const std::int64_t end = today ? now : office_zone().day_start_utc(start + day + 2 * hour) - 1;
        for (const Hour& h : office.make_day(start, std::min(end, now), today, per_day)) {
            std::vector<std::string> texts;
            texts.reserve(h.events.size());
            for (const Event& e : h.events) texts.push_back(protocol::write_event(e));
            std::vector<hub::PushedEvent> pushed;
            pushed.reserve(texts.size());
            for (const std::string& text : texts) pushed.push_back(hub::pushed_event_of(protocol::parse_json_text(text), text));
            const std::int64_t first = year_hub.hub->store().last_seq() + 1;
            auto results = year_hub.hub->store().push(pushed, hub::Contact{h.received_ms, 0, {}});
            if (!results) die("hub push: " + results.error().detail);
            for (const protocol::EventResult& r : *results)
                if (r.status != "stored") die("the hub refused " + r.event_id + ": " + r.code + " " + r.message);
            events += static_cast<std::int64_t>(h.events.size());
            console.apply(h, first);
            kiosk.apply(h, first);
        }
        // The hub acknowledged the kiosk's own events of the day.
        std::vector<SyncAck> acks;
        for (const std::string& id : office.own_events()) acks.push_back({id, true, "", ""});
        office.forget_own_events();
        if (auto acked = SyncStore(*kiosk.store).apply_acks(acks, std::min(end, now)); !acked)
            die("acks: " + acked.error().detail);
        console.tidy(std::min(end, now));
        kiosk.tidy(std::min(end, now));
    }
    sql::exec(kiosk.store->handle(), "PRAGMA synchronous=FULL");
    std::printf("# seeded %lld events over %d days (%d tickets a day) in %.0f s\n", static_cast<long long>(events), days,
                per_day, ms_since(seeding) / 1000);
    bench::print("history_events", static_cast<double>(events), "events");
    bench::print("device_store_mb_after_year", file_mb(dir / "console.db"), "MB");
    bench::print("kiosk_store_mb_after_year", file_mb(dir / "kiosk.db"), "MB");

    // The console with its year: the queue view opened on its store, the app on top.
    StoreOptions console_options;
    console_options.path = dir / "console.db";
    QueueView::Options view_options;
    view_options.thread = false;  // this program says when it reads, to time it
    auto view = QueueView::open(console_options, view_options);
    if (!view) die("view: " + view.error().detail);
    console::ConsoleServices services;
    services.store = console.store.get();
    services.view = view->get();
    services.catalogue = &*catalogue;
    services.counters = {"1", "2", "3", "4"};
    console::ConsoleApp app(services);
    // What the year must leave working: today's queue as the office made it (the last 40
    // tickets wait), and a log the window keeps to a few days.
    if (app.state().waiting.size() != 40) die("the console shows " + std::to_string(app.state().waiting.size()) + " waiting, not 40");
    if ((*view)->snapshot()->queue().tickets().size() > 5 * static_cast<std::size_t>(per_day))
        die("the console's log holds more than its window");
    std::printf("# console: %zu waiting today, %zu tickets in its window\n", app.state().waiting.size(),
                (*view)->snapshot()->queue().tickets().size());
    std::vector<double> refresh_ms;
    for (int i = 0; i < 600; ++i) {
        const auto start = Clock::now();
        app.refresh();
        refresh_ms.push_back(ms_since(start));
    }
    bench::print("console_refresh_median_ms", bench::percentile(refresh_ms, 50), "ms");
    bench::print("console_refresh_p99_ms", bench::percentile(refresh_ms, 99), "ms");

    // Today goes on: pages of 20 events (issues and calls) reach the console; the view takes
    // each on its own thread (timed here on this one).
    std::vector<double> page_ms;
    std::int64_t seq = year_hub.hub->store().last_seq();
    for (const Hour& h : office.make_day(office_zone().day_start_utc(now), now, true, 50)) {
        for (std::size_t from = 0; from < h.events.size(); from += 20) {
            Hour page{h.received_ms, {}};
            for (std::size_t i = from; i < std::min(h.events.size(), from + 20); ++i) page.events.push_back(h.events[i]);
            console.apply(page, seq + 1);
            seq += static_cast<std::int64_t>(page.events.size());
            const auto start = Clock::now();
            if (auto updated = (*view)->update_now(); !updated) die("view: " + updated.error().detail);
            page_ms.push_back(ms_since(start));
        }
    }
    bench::print("console_view_page_p99_ms", bench::percentile(page_ms, 99), "ms");

    // The kiosk: ticket issue with its year, against a fresh store, the same count each.
    {
        StoreOptions kiosk_options;
        kiosk_options.path = dir / "kiosk.db";
        QueueView::Options told;  // as the kiosk program has it: a thread woken when told
        told.poll_ms = 0;
        auto kiosk_view = QueueView::open(kiosk_options, told);
        if (!kiosk_view) die("kiosk view: " + kiosk_view.error().detail);
        auto fresh = open_store(dir / "fresh.db", "kiosk-9", 'Z');
        StoreOptions fresh_options;
        fresh_options.path = dir / "fresh.db";
        auto fresh_view = QueueView::open(fresh_options, told);
        if (!fresh_view) die("fresh view: " + fresh_view.error().detail);
        std::vector<double> year_screen, fresh_screen;
        std::vector<double> year_issue, fresh_issue;
        for (int round = 0; round < 4; ++round) {  // interleaved, so both meet the same disk
            auto y = time_kiosk_path(*kiosk.store, kiosk_view->get(), *catalogue, 250, &year_screen);
            auto f = time_kiosk_path(*fresh, fresh_view->get(), *catalogue, 250, &fresh_screen);
            year_issue.insert(year_issue.end(), y.begin(), y.end());
            fresh_issue.insert(fresh_issue.end(), f.begin(), f.end());
        }
        const double year_p99 = bench::percentile(year_issue, 99), fresh_p99 = bench::percentile(fresh_issue, 99);
        std::printf("# ticket issue p99: %.2f ms with the year, %.2f ms fresh (medians %.2f, %.2f)\n", year_p99,
                    fresh_p99, bench::percentile(year_issue, 50), bench::percentile(fresh_issue, 50));
        bench::print("kiosk_issue_with_history_ratio", year_p99 / fresh_p99, "x");
        const double year_screen_p99 = bench::percentile(year_screen, 99);
        const double fresh_screen_p99 = bench::percentile(fresh_screen, 99);
        std::printf("# issue + ticket screen p99: %.2f ms with the year, %.2f ms fresh\n", year_screen_p99,
                    fresh_screen_p99);
        bench::print("kiosk_ticket_screen_with_history_ratio", year_screen_p99 / fresh_screen_p99, "x");
    }

    // A new reception PC against the year-old hub: enrolled, its engine started, until the
    // queue view holds everything the hub has and the console shows today's queue.
    {
        const auto start = Clock::now();
        const std::string token = year_hub.enrol(protocol::Role::reception, "desk-new");
        StoreOptions options;
        options.path = dir / "new-console.db";
        options.device_id = "desk-new";
        auto store = open_store(options.path, "desk-new", 'A');
        QueueView::Options threaded;
        auto new_view = QueueView::open(options, threaded);
        if (!new_view) die("new view: " + new_view.error().detail);
        sync::SyncOptions sync_options;
        sync_options.connection = year_hub.connection(token);
        sync_options.store_written = [v = new_view->get()] { (void)v->update_now(); };
        auto engine = sync::SyncEngine::start(options, sync_options);
        if (!engine) die("engine: " + engine.error());
        // The engine hands each page to the view before it moves on: the view reaching the
        // hub's last entry is the console's queue complete.
        const std::int64_t last = year_hub.hub->store().last_seq();
        if (!(*new_view)->wait_for([&](const QueueSnapshot& s) { return s.cursor >= last; }, std::chrono::seconds(60)))
            die("a new console did not catch up within a minute");
        console::ConsoleServices fresh_services;
        fresh_services.store = store.get();
        fresh_services.view = new_view->get();
        fresh_services.catalogue = &*catalogue;
        console::ConsoleApp fresh_app(fresh_services);
        if (fresh_app.state().waiting.size() != 40) die("the new console does not show today's 40 waiting");
        const double took = ms_since(start) / 1000;
        std::printf("# new console: %zu waiting shown, %zu entries in its log\n", fresh_app.state().waiting.size(),
                    (*new_view)->applied());
        bench::print("new_device_start_s", took, "s");
    }

    // The day's figures from the year-old hub, for days across the year.
    {
        auto staff = hub::StaffStore::open(dir / "hub" / "staff.db");
        if (!staff) die("staff: " + staff.error().detail);
        if (auto added = (*staff)->add({"kari", "Kari N.", hub::StaffRole::reception}, "135790", wall_clock_ms()); !added)
            die("staff: " + added.error().detail);
        const std::string token = year_hub.enrol(protocol::Role::reception, "desk-figures");
        const auto connection = year_hub.connection(token);
        auto signed_in = sync::staff_sign_in(connection, "kari", "135790", "1");
        if (!signed_in) die("staff sign-in failed");
        std::vector<double> figures_ms;
        for (int round = 0; round < 3; ++round)
            for (int back : {0, 1, 2, 7, 30, 90, 180, 270, days - 1}) {
                const std::string on = service_day_of(now - static_cast<std::int64_t>(std::min(back, days - 1)) * day);
                const auto start = Clock::now();
                auto csv = sync::fetch_figures_csv(connection, signed_in->session, on);
                figures_ms.push_back(ms_since(start));
                if (!csv) die("figures for " + on + " failed");
                // A header and one line per ticket of that day (today's, and the first day's, are whole too).
                const auto lines = std::count(csv->begin(), csv->end(), '\n');
                if (lines != per_day + 1) die("figures for " + on + ": " + std::to_string(lines) + " lines");
            }
        bench::print("hub_figures_day_median_ms", bench::percentile(figures_ms, 50), "ms");
        bench::print("hub_figures_day_ms", bench::percentile(figures_ms, 99), "ms");
    }
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("# peak resident %.0f MB (hub, devices and seeding in one process)\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
    year_hub.hub.reset();
    std::filesystem::remove_all(dir);
    return 0;
}
