// ticket_issue: how long issuing a ticket takes (validate, number, ticket + outbox event,
// COMMIT with WAL + synchronous=FULL) against the floor set by the disk: one raw SQLite
// insert-commit of a row of the same size, in the same configuration, on the same disk.
// Issues and raw commits alternate so both see the same disk conditions.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "bench_stats.hpp"
#include "domain/events.hpp"
#include "domain/service_catalogue.hpp"
#include "domain/service_day.hpp"
#include "store/paths.hpp"
#include "store/store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "ticket_issue: %s\n", what.c_str());
    std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
    const int count = argc > 1 ? std::atoi(argv[1]) : 1000;
    // The same disk as a kiosk's store would use: under the build directory, not tmpfs.
    const std::filesystem::path dir = std::filesystem::current_path() / "bench-ticket-issue";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);

    auto catalogue = skranke::ServiceCatalogue::load_file(skranke::default_asset_dir() / "services.toml");
    if (!catalogue) die("catalogue: " + catalogue.error().detail);
    skranke::StoreOptions options;
    options.path = dir / "kiosk.db";
    options.kiosk_letter = 'B';
    auto store = skranke::Store::open(options);
    if (!store) die("store: " + store.error().detail);

    skranke::TicketRequest request;
    for (const auto& need : catalogue->needs())
        if (!need.emergency && !need.appointment) { request.need_id = need.id; break; }
    request.name = "Kari Nordmann";
    request.phone = "91234567";
    request.description = "Trenger hjelp med søknad om økonomisk sosialhjelp";

    // Raw floor: one row holding as many bytes as a ticket row plus its event body.
    sqlite3* raw = nullptr;
    if (sqlite3_open((dir / "raw.db").c_str(), &raw) != SQLITE_OK) die("raw open");
    sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE r (id INTEGER PRIMARY KEY, payload BLOB)",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(raw, "INSERT INTO r (payload) VALUES (?1)", -1, &insert, nullptr);

    std::vector<double> issue_ms, raw_ms;
    std::size_t row_bytes = 0;
    for (int i = -20; i < count; ++i) {  // 20 warm-up rounds are not measured
        auto start = Clock::now();
        auto ticket = (*store)->issue_ticket(request, *catalogue, skranke::wall_clock_ms());
        const double issue = ms_since(start);
        if (!ticket) die("issue: " + ticket.error().detail);
        if (row_bytes == 0) {
            row_bytes = skranke::ticket_issued_event(*ticket).dump().size() + skranke::ticket_to_json(*ticket).dump().size();
        }
        const std::string payload(row_bytes, 'x');
        start = Clock::now();
        sqlite3_bind_blob(insert, 1, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE) die("raw insert");
        sqlite3_reset(insert);
        const double raw_commit = ms_since(start);
        if (i >= 0) {
            issue_ms.push_back(issue);
            raw_ms.push_back(raw_commit);
        }
    }
    sqlite3_finalize(insert);
    sqlite3_close(raw);
    store->reset();
    std::filesystem::remove_all(dir);

    using skranke::bench::percentile;
    using skranke::bench::print;
    const double issue_p99 = percentile(issue_ms, 99), raw_p99 = percentile(raw_ms, 99);
    print("ticket_issue_p50_ms", percentile(issue_ms, 50), "ms");
    print("ticket_issue_p99_ms", issue_p99, "ms");
    print("raw_commit_p50_ms", percentile(raw_ms, 50), "ms");
    print("raw_commit_p99_ms", raw_p99, "ms");
    print("ticket_issue_p50_ratio", percentile(issue_ms, 50) / percentile(raw_ms, 50), "ratio");
    print("ticket_issue_p99_ratio", issue_p99 / raw_p99, "ratio");
    print("ticket_row_bytes", static_cast<double>(row_bytes), "bytes");
    return 0;
}
