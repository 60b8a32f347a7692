// ticket_issue: how long issuing a ticket takes (validate, number, ticket + outbox event,
// COMMIT with WAL + synchronous=FULL) against the floor set by the disk: one raw SQLite
// insert-commit of a row of the same size, in the same configuration, on the same disk.
// Issues and raw commits alternate so both see the same disk conditions. The per-round
// p99s are noisy on a shared disk, so the run is repeated and the median round reported.
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
#include "domain/office_time.hpp"
#include "protocol/event_codec.hpp"
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

struct Round {
    std::vector<double> issue_ms, raw_ms;
    std::size_t row_bytes = 0;
};

// One round: count issues alternating with count raw commits, on fresh files in dir.
Round run_round(const std::filesystem::path& dir, const skranke::ServiceCatalogue& catalogue, int count) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    skranke::StoreOptions options;
    options.path = dir / "kiosk.db";
    options.kiosk_letter = 'B';
    auto store = skranke::Store::open(options);
    if (!store) die("store: " + store.error().detail);

    skranke::TicketRequest request;
    for (const auto& need : catalogue.needs())
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

    Round round;
    for (int i = -20; i < count; ++i) {  // 20 warm-up rounds are not measured
        auto start = Clock::now();
        auto ticket = (*store)->issue_ticket(request, catalogue, skranke::wall_clock_ms());
        const double issue = ms_since(start);
        if (!ticket) die("issue: " + ticket.error().detail);
        if (round.row_bytes == 0)
            round.row_bytes = 2 * skranke::protocol::write_event(skranke::issued_event(*ticket)).size();  // row + outbox
        const std::string payload(round.row_bytes, 'x');
        start = Clock::now();
        sqlite3_bind_blob(insert, 1, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE) die("raw insert");
        sqlite3_reset(insert);
        const double raw_commit = ms_since(start);
        // Between visitors a kiosk checkpoints its log (Store::checkpoint); the raw file
        // does the same, untimed, so both commits see a log of the same size.
        if (!(*store)->checkpoint()) die("checkpoint");
        sqlite3_wal_checkpoint_v2(raw, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        if (i >= 0) {
            round.issue_ms.push_back(issue);
            round.raw_ms.push_back(raw_commit);
        }
    }
    sqlite3_finalize(insert);
    sqlite3_close(raw);
    store->reset();
    std::filesystem::remove_all(dir);
    return round;
}

}  // namespace

// ticket_issue [tickets per round] [rounds]: each round issues the tickets on fresh files;
// every figure printed is the median over the rounds, so one disk hiccup does not decide it.
int main(int argc, char** argv) {
    const int count = argc > 1 ? std::atoi(argv[1]) : 1000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    // The same disk as a kiosk's store would use: under the build directory, not tmpfs.
    const std::filesystem::path dir = std::filesystem::current_path() / "bench-ticket-issue";
    auto catalogue = skranke::ServiceCatalogue::load_file(skranke::default_asset_dir() / "services.toml");
    if (!catalogue) die("catalogue: " + catalogue.error().detail);

    using skranke::bench::percentile;
    std::vector<double> issue_p50, issue_p99, raw_p50, raw_p99, ratio_p50, ratio_p99;
    std::size_t row_bytes = 0;
    for (int r = 0; r < rounds; ++r) {
        const Round round = run_round(dir, *catalogue, count);
        row_bytes = round.row_bytes;
        issue_p50.push_back(percentile(round.issue_ms, 50));
        issue_p99.push_back(percentile(round.issue_ms, 99));
        raw_p50.push_back(percentile(round.raw_ms, 50));
        raw_p99.push_back(percentile(round.raw_ms, 99));
        ratio_p50.push_back(issue_p50.back() / raw_p50.back());
        ratio_p99.push_back(issue_p99.back() / raw_p99.back());
        std::fprintf(stderr, "round %d: issue p50 %.3f p99 %.3f ms, raw p50 %.3f p99 %.3f ms\n", r + 1, issue_p50.back(), issue_p99.back(), raw_p50.back(), raw_p99.back());
    }
    using skranke::bench::print;
    print("ticket_issue_p50_ms", percentile(issue_p50, 50), "ms");
    print("ticket_issue_p99_ms", percentile(issue_p99, 50), "ms");
    print("raw_commit_p50_ms", percentile(raw_p50, 50), "ms");
    print("raw_commit_p99_ms", percentile(raw_p99, 50), "ms");
    print("ticket_issue_p50_ratio", percentile(ratio_p50, 50), "ratio");
    print("ticket_issue_p99_ratio", percentile(ratio_p99, 50), "ratio");
    print("ticket_row_bytes", static_cast<double>(row_bytes), "bytes");
    return 0;
}
