// The paper ticket's two speed targets (issue: the visitor must not wait for paper):
//   BENCH ticket_print_render_ms          drawing one ticket with its QR code and encoding
//                                          it as ESC/POS: median of N (target <= 20 ms)
//   BENCH ticket_visible_to_print_start_ms from the kiosk queuing a ticket it has just put
//                                          on screen to ESC @ at the printer, after the
//                                          three status queries: median of M (<= 100 ms)
// The printer is the tests' fake one on 127.0.0.1, which reads ESC/POS as a printer does.
// Usage: bench_print [renders] [prints]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "bench_stats.hpp"
#include "printer/escpos.hpp"
#include "printer/ticket_printer.hpp"
#include "shell/fonts.hpp"
#include "shell/keyboard.hpp"
#include "shell/translations.hpp"
#include "support/fake_printer.hpp"

using namespace skranke;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start, Clock::time_point end) {
    return std::chrono::duration<double, std::milli>(end - start).count();
}

printer::PrintedTicket sample_ticket(int i) {
    printer::PrintedTicket t;
    t.office = "NAV Grünerløkka";
    char number[16];
    std::snprintf(number, sizeof number, "A %03d", i % 1000);
    t.number = number;
    t.visitor = {{"Допомога з житлом", true},
                 {"Час: 04.12.2026 14:05", false},
                 {"Перед вами в черзі: 3", false},
                 {"Сідайте в залі очікування. Коли ваш номер з'явиться на екрані, підійдіть до вказаного віконця.", false}};
    char token[40];
    std::snprintf(token, sizeof token, "%032x", i);
    t.status_url = std::string("https://skranke.example.no/status/") + token;
    t.status_caption = "Відскануйте код телефоном, щоб бачити своє місце в черзі.";
    t.staff = {{"Hjelp med bolig", true}, {"Språk: Ukrainsk", false}, {"Sett deg i venterommet.", false}};
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    const int renders = argc > 1 ? std::atoi(argv[1]) : 300;
    const int prints = argc > 2 ? std::atoi(argv[2]) : 100;
    ui::Translations translations;
    std::string error;
    if (!translations.load_dir(std::string(SKRANKE_ASSET_DIR_FOR_BENCH) + "/translations", error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    auto texts = translations.all_texts();
    for (auto& k : ui::keyboard_characters()) texts.push_back(k);
    texts.push_back("NAV Grünerløkka");
    const auto make = [&](const std::vector<std::string>& more) {
        auto all = texts;
        all.insert(all.end(), more.begin(), more.end());
        return printer::TicketRenderer::create(all, ui::default_font_dirs());
    };

    const auto built_at = Clock::now();
    auto renderer = make({});
    if (!renderer) {
        std::fprintf(stderr, "%s\n", renderer.error().c_str());
        return 1;
    }
    std::printf("# the printer's fonts built once at start in %.0f ms\n", ms_since(built_at, Clock::now()));

    std::vector<double> render_ms, draw_ms;
    std::size_t bytes = 0;
    for (int i = 0; i < renders; ++i) {
        const printer::PrintedTicket ticket = sample_ticket(i);
        const auto start = Clock::now();
        const printer::Raster raster = (*renderer)->render(ticket);
        const auto drawn = Clock::now();
        const std::string commands = printer::ticket_commands(raster);
        render_ms.push_back(ms_since(start, Clock::now()));
        draw_ms.push_back(ms_since(start, drawn));
        bytes = commands.size();
    }
    std::printf("# of which drawing: median %.3f ms\n", bench::percentile(draw_ms, 50));
    std::printf("# %d tickets drawn and encoded, %zu bytes each\n", renders, bytes);
    bench::print("ticket_print_render_ms", bench::percentile(render_ms, 50), "ms");
    bench::print("ticket_print_render_p95_ms", bench::percentile(render_ms, 95), "ms");

    test::FakePrinter fake;
    printer::PrinterSettings settings;
    settings.connection = printer::PrinterSettings::Connection::network;
    settings.address = fake.address();
    // The printer's thread says when a job ends or the state changes, as it wakes the kiosk.
    std::mutex mutex;
    std::condition_variable changed;
    printer::TicketPrinter tp(printer::open_link(settings), make, [&] {
        std::lock_guard lock(mutex);
        changed.notify_all();
    });
    // Waits until pred holds (the printer's news), at most 20 s.
    const auto wait_for = [&](auto pred) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(20), pred);
    };
    // Its fonts are built on its thread at start, as in the kiosk: wait for the first state.
    if (!wait_for([&] { return tp.state().has_value(); })) {
        std::fprintf(stderr, "the printer gave no state\n");
        return 1;
    }
    std::vector<double> start_ms;
    for (int i = 0; i < prints; ++i) {
        const auto queued = Clock::now();
        const auto job = tp.print(sample_ticket(i));
        if (!fake.wait_for_jobs(static_cast<std::size_t>(i + 1), std::chrono::seconds(20)) ||
            tp.job(job) == printer::JobState::failed) {
            std::fprintf(stderr, "ticket %d was not printed\n", i);
            return 1;
        }
        start_ms.push_back(ms_since(queued, fake.jobs().back().started));
        if (!wait_for([&] { return tp.job(job) != printer::JobState::queued; })) {
            std::fprintf(stderr, "ticket %d never ended\n", i);
            return 1;
        }
    }
    std::printf("# %d tickets printed on the fake printer at %s\n", prints, fake.address().c_str());
    bench::print("ticket_visible_to_print_start_ms", bench::percentile(start_ms, 50), "ms");
    bench::print("ticket_visible_to_print_start_p95_ms", bench::percentile(start_ms, 95), "ms");
    return 0;
}
