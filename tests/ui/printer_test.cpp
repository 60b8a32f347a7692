// The paper ticket: drawn with the kiosk's fonts, sent as an ESC/POS raster to a fake printer
// that reads ESC/POS on its own, over TCP, a device node and a stand-in for CUPS's lp; the
// printer's state decides what the visitor is told; the QR code reads back with zbarimg.
#include <doctest/doctest.h>

#include <stb_image.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include "printer/escpos.hpp"
#include "printer/ticket_printer.hpp"
#include "shell/keyboard.hpp"
#include "support/child_process.hpp"
#include "support/fake_printer.hpp"
#include "support/headless_kiosk.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace fs = std::filesystem;
using namespace skranke;
using namespace std::chrono_literals;
using printer::JobState;
using printer::PrinterState;
using test::FakePrinter;

namespace {

// As the kiosk makes it: every translation's and keyboard's characters, and more.
Result<std::unique_ptr<printer::TicketRenderer>, std::string> renderer_for(const std::vector<std::string>& more) {
    auto texts = test::shipped_translations().all_texts();
    for (auto& k : ui::keyboard_characters()) texts.push_back(k);
    texts.insert(texts.end(), more.begin(), more.end());
    return printer::TicketRenderer::create(texts, ui::default_font_dirs());
}

std::unique_ptr<printer::TicketRenderer> make_renderer(const std::vector<std::string>& more = {}) {
    auto made = renderer_for(more);
    REQUIRE_MESSAGE(made, (made ? "" : made.error()));
    return std::move(*made);
}

printer::TicketPrinter::MakeRenderer renderer_maker() { return renderer_for; }

// A ticket of a Ukrainian-speaking visitor, with Norwegian for staff, as the kiosk composes it.
printer::PrintedTicket ukrainian_ticket() {
    printer::PrintedTicket t;
    t.office = "NAV Grünerløkka";
    t.number = "A 017";
    t.visitor = {{"Допомога з житлом", true},
                 {"Час: 04.12.2026 14:05", false},
                 {"Перед вами в черзі: 3", false},
                 {"Сідайте в залі очікування. Коли ваш номер з'явиться на екрані, підійдіть до вказаного віконця.", false}};
    t.status_url = "https://skranke.example.no/status/0123456789abcdef0123456789abcdef";
    t.status_caption = "Відскануйте код телефоном, щоб бачити своє місце в черзі.";
    t.staff = {{"Hjelp med bolig", true}, {"Språk: Ukrainsk", false}, {"Zażółć gęślą jaźń: ÆØÅ æøå", false}};
    return t;
}

printer::Raster read_png(const fs::path& file) {
    int w = 0, h = 0, channels = 0;
    unsigned char* pixels = stbi_load(file.c_str(), &w, &h, &channels, 1);
    REQUIRE_MESSAGE(pixels != nullptr, "cannot read " << file);
    printer::Raster r{w, h, {}};
    for (int i = 0; i < w * h; ++i) r.dots.push_back(pixels[i] < 128 ? 1 : 0);
    stbi_image_free(pixels);
    return r;
}

// What zbarimg reads in an image (its D-Bus complaints on stderr left out).
std::string qr_text(const fs::path& png) {
    return test::run_command("sh -c 'zbarimg --raw -q \"" + png.string() + "\" 2>/dev/null'").output;
}

printer::PrinterSettings network_printer(const FakePrinter& fake) {
    printer::PrinterSettings settings;
    settings.connection = printer::PrinterSettings::Connection::network;
    settings.address = fake.address();
    return settings;
}

// Draws frames until the shown ticket's paper is no longer on its way; says how it went.
visitor::TicketView::Paper paper_of(test::HeadlessKiosk& kiosk) {
    test::wait_until([&] {
        kiosk.frame();
        return kiosk.state().ticket->paper != visitor::TicketView::Paper::printing;
    }, 20s);
    kiosk.frame();
    return kiosk.state().ticket->paper;
}

// Waits until the job has ended, and says how.
JobState ended(const printer::TicketPrinter& tp, std::uint64_t job) {
    test::wait_until([&] { return tp.job(job) != JobState::queued; }, 20s);
    return tp.job(job);
}

std::size_t printed_dots(const printer::Raster& r) {
    std::size_t n = 0;
    for (auto d : r.dots) n += d;
    return n;
}

}  // namespace

TEST_CASE("ESC/POS: the raster goes out in bands after ESC @, with feed and cut, and reads back dot for dot") {
    printer::Raster r{64, 600, std::vector<std::uint8_t>(64 * 600, 0)};
    for (int y = 0; y < r.height; ++y) r.dots[static_cast<std::size_t>(y * 64 + (y * 7) % 64)] = 1;
    const std::string bytes = printer::ticket_commands(r);
    CHECK(bytes.rfind("\x1B@", 0) == 0);
    CHECK(bytes.substr(bytes.size() - 4) == std::string("\x1DVB\x00", 4));
    // Three bands of at most 256 rows: 256 + 256 + 88.
    CHECK(bytes.substr(2, 8) == std::string("\x1Dv0\x00\x08\x00\x00\x01", 8));
    const auto back = printer::raster_of(bytes);
    REQUIRE(back);
    CHECK(back->width == 64);
    CHECK(back->height == 600);
    CHECK(back->dots == r.dots);
    // A band cut short, or a command the kiosk never sends, is not a ticket.
    CHECK_FALSE(printer::raster_of(bytes.substr(0, 100)));
    CHECK_FALSE(printer::raster_of("\x1B@\x1B\x74\x11"));
}

TEST_CASE("the printer's state from its three status answers; noise is no state") {
    const auto state = [](test::PrinterAnswers a) { return printer::state_from_status(a.printer, a.offline_cause, a.paper); };
    CHECK(state(test::printer_ok) == PrinterState::ok);
    CHECK(state(test::printer_paper_low) == PrinterState::paper_low);
    CHECK(state(test::printer_paper_out) == PrinterState::paper_out);
    CHECK(state(test::printer_cover_open) == PrinterState::cover_open);
    CHECK(printer::state_from_status(0x1A, 0x12, 0x12) == PrinterState::offline);
    CHECK_FALSE(printer::state_from_status(0x00, 0x12, 0x12));
    CHECK_FALSE(printer::state_from_status(0x12, 0xFF, 0x12));
    CHECK(printer::can_print(PrinterState::paper_low));
    CHECK_FALSE(printer::can_print(PrinterState::paper_out));
    CHECK(printer::to_string(PrinterState::cover_open) == "cover_open");
}

TEST_CASE("the paper ticket in Ukrainian, Polish and Norwegian matches its reference, and its QR code reads back") {
    const printer::PrintedTicket ticket = ukrainian_ticket();
    const auto renderer = make_renderer({ticket.office});  // the office's name, as the kiosk adds it
    CHECK(renderer->covers(ticket));
    const printer::Raster raster = renderer->render(ticket);
    CHECK(raster.width == printer::paper_dots);
    CHECK(raster.height > 800);
    CHECK(raster.height < 2400);  // about 10-30 cm of paper

    const fs::path reference = fs::path(SKRANKE_SOURCE_DIR) / "tests/ui/reference/paper-ticket-uk.png";
    test::TempDir dir;
    const fs::path actual = dir.path() / "paper-ticket-uk.png";
    std::string error;
    REQUIRE_MESSAGE(printer::write_png(raster, actual, error), error);
    if (std::getenv("SKRANKE_UPDATE_REFERENCES")) fs::copy_file(actual, reference, fs::copy_options::overwrite_existing);
    if (const char* docs = std::getenv("SKRANKE_SCREENSHOTS_TO"))
        fs::copy_file(actual, fs::path(docs) / "paper-ticket-uk.png", fs::copy_options::overwrite_existing);
    const printer::Raster expected = read_png(reference);
    CHECK(expected.width == raster.width);
    CHECK(expected.height == raster.height);
    const bool same = expected.dots == raster.dots;
    if (!same) fs::copy_file(actual, fs::temp_directory_path() / "paper-ticket-uk.actual.png", fs::copy_options::overwrite_existing);
    CHECK_MESSAGE(same, "the ticket differs from " << reference << " (see /tmp/paper-ticket-uk.actual.png)");

    // The QR code is the ticket's status address, read by a real decoder.
    CHECK(qr_text(actual) == ticket.status_url + "\n");

    // Every script prints: each line draws ink, and the atlas holds every character.
    for (const auto& line : {"Привіт Ґанок", "Zażółć gęślą jaźń", "Blåbær søt ÆØÅ"}) {
        printer::PrintedTicket one;
        one.office = line;
        one.number = "B 001";
        CHECK(renderer->covers(one));
        printer::PrintedTicket blank = one;
        blank.office = "";
        CHECK(printed_dots(renderer->render(one)) > printed_dots(renderer->render(blank)) + 200);
    }
    // A character no translation has: the renderer says so, and a new one covers it.
    printer::PrintedTicket greek;
    greek.office = "Ωμέγα";
    CHECK_FALSE(renderer->covers(greek));
    CHECK(make_renderer({greek.office})->covers(greek));
}

TEST_CASE("a right-to-left ticket: the visitor's lines start at the paper's right edge, letters joined") {
    const std::string salaam = "\u0633\u0644\u0627\u0645";  // seen lam alef meem
    const auto renderer = make_renderer({salaam});
    for (const bool rtl : {false, true}) {
        CAPTURE(rtl);
        printer::PrintedTicket t;
        t.visitor = {{salaam, true}};
        t.visitor_rtl = rtl;
        CHECK(renderer->covers(t));
        const printer::Raster r = renderer->render(t);
        int left = r.width, right = -1;
        for (int y = 0; y < r.height; ++y)
            for (int x = 0; x < r.width; ++x)
                if (r.dot(x, y)) {
                    left = std::min(left, x);
                    right = std::max(right, x);
                }
        REQUIRE(right > left);
        const int margin = static_cast<int>(2 * printer::dots_per_mm);
        if (rtl) {
            CHECK(right > r.width - margin - 12);
            CHECK(left > r.width / 2);
        } else {
            CHECK(left < margin + 12);
            CHECK(right < r.width / 2);
        }
        // Joined: the same dots as the word written in its joined forms (initial seen, lam-alef,
        // meem); unjoined letters would be other glyphs.
        printer::PrintedTicket drawn = t;
        drawn.visitor = {{"\uFEB3\uFEFC\uFEE1", true}};
        CHECK(renderer->render(drawn).dots == r.dots);
    }
}

TEST_CASE("a network printer: the state is asked first, then the ticket prints as drawn; paper low still prints") {
    FakePrinter fake;
    printer::PrinterSettings settings = network_printer(fake);
    std::atomic<int> wakes{0};
    printer::TicketPrinter tp(printer::open_link(settings), renderer_maker(), [&] { ++wakes; });
    REQUIRE(test::wait_until([&] { return tp.state().has_value(); }, 20s));
    CHECK(tp.state() == PrinterState::ok);

    const std::uint64_t job = tp.print(ukrainian_ticket());
    REQUIRE(fake.wait_for_jobs(1, 20s));
    CHECK(ended(tp, job) == JobState::printed);
    CHECK(wakes > 0);
    const auto printed = printer::raster_of(fake.jobs().front().bytes);
    REQUIRE(printed);
    const printer::Raster drawn = make_renderer({ukrainian_ticket().office})->render(ukrainian_ticket());
    CHECK(printed->width == drawn.width);
    CHECK(printed->height == drawn.height);
    CHECK(printed->dots == drawn.dots);
    CHECK(fake.status_queries() >= 6);  // three at the start, three before the ticket

    fake.set_answers(test::printer_paper_low);
    const std::uint64_t second = tp.print(ukrainian_ticket());
    REQUIRE(fake.wait_for_jobs(2, 20s));
    CHECK(ended(tp, second) == JobState::printed);
    CHECK(tp.state() == PrinterState::paper_low);
}

TEST_CASE("paper out, cover open, switched off: nothing is printed and the state says why") {
    FakePrinter fake;
    printer::PrinterSettings settings = network_printer(fake);
    settings.timeout_ms = 1000;
    printer::TicketPrinter tp(printer::open_link(settings), renderer_maker(), [] {});
    for (const auto& [answers, state] : {std::pair{test::printer_paper_out, PrinterState::paper_out},
                                         std::pair{test::printer_cover_open, PrinterState::cover_open}}) {
        CAPTURE(printer::to_string(state));
        fake.set_answers(answers);
        const std::uint64_t job = tp.print(ukrainian_ticket());
        CHECK(ended(tp, job) == JobState::failed);
        CHECK(tp.state() == state);
    }
    CHECK(fake.jobs().empty());
    fake.switch_off();
    const std::uint64_t job = tp.print(ukrainian_ticket());
    CHECK(ended(tp, job) == JobState::failed);
    CHECK(tp.state() == PrinterState::offline);
    CHECK(fake.jobs().empty());
}

TEST_CASE("a printer that answers no status query still gets the ticket; its state stays unknown") {
    FakePrinter fake;
    fake.set_answers({0x00, 0x00, 0x00});  // bytes that are no status answer
    printer::PrinterSettings settings = network_printer(fake);
    printer::TicketPrinter tp(printer::open_link(settings), renderer_maker(), [] {});
    const std::uint64_t job = tp.print(ukrainian_ticket());
    REQUIRE(fake.wait_for_jobs(1, 20s));
    CHECK(ended(tp, job) == JobState::printed);
    CHECK_FALSE(tp.state().has_value());
}

TEST_CASE("a printer that never answers a status query: asked again only between tickets, never before one") {
    FakePrinter fake;
    fake.set_silent(true);
    const auto link = printer::open_link(network_printer(fake));
    CHECK_FALSE(link->check().has_value());  // one query, unanswered
    CHECK(fake.status_queries() == 1);
    const auto commands = printer::ticket_commands(make_renderer({ukrainian_ticket().office})->render(ukrainian_ticket()));
    const printer::PrintOutcome out = link->print(commands);
    CHECK(out.printed);
    CHECK_FALSE(out.state.has_value());
    REQUIRE(fake.wait_for_jobs(1, 20s));
    CHECK(fake.status_queries() == 1);  // the ticket went without waiting for an answer
    // Once it answers again, check() finds out, and tickets are asked about again.
    fake.set_silent(false);
    CHECK(link->check() == PrinterState::ok);
    fake.set_answers(test::printer_paper_out);
    CHECK_FALSE(link->print(commands).printed);
}

TEST_CASE("a USB printer's device node (here a pseudo-terminal): status and ticket through the same file") {
    FakePrinter fake(FakePrinter::Transport::pty);
    printer::PrinterSettings settings;
    settings.connection = printer::PrinterSettings::Connection::device;
    settings.device = fake.device();
    printer::TicketPrinter tp(printer::open_link(settings), renderer_maker(), [] {});
    const std::uint64_t job = tp.print(ukrainian_ticket());
    REQUIRE(fake.wait_for_jobs(1, 20s));
    CHECK(ended(tp, job) == JobState::printed);
    CHECK(printer::raster_of(fake.jobs().front().bytes).has_value());
    fake.set_answers(test::printer_paper_out);
    const std::uint64_t out = tp.print(ukrainian_ticket());
    CHECK(ended(tp, out) == JobState::failed);
    CHECK(tp.state() == PrinterState::paper_out);
    // A device that is not there is offline.
    settings.device = "/dev/null-printer-that-is-not-there";
    printer::TicketPrinter missing(printer::open_link(settings), renderer_maker(), [] {});
    REQUIRE(test::wait_until([&] { return missing.state().has_value(); }, 20s));
    CHECK(missing.state() == PrinterState::offline);
}

TEST_CASE("a CUPS queue: lp gets the raw commands for the named queue; an lp that fails is a failed job") {
    test::TempDir dir;
    const fs::path lp = dir.path() / "lp";
    const fs::path got = dir.path() / "job.bin";
    const fs::path args = dir.path() / "args.txt";
    {
        std::ofstream script(lp);
        script << "#!/bin/sh\necho \"$@\" > " << args << "\ncat > " << got << "\n[ \"$2\" = kiosk-printer ]\n";
    }
    fs::permissions(lp, fs::perms::owner_all);
    printer::PrinterSettings settings;
    settings.connection = printer::PrinterSettings::Connection::cups;
    settings.queue = "kiosk-printer";
    settings.lp_program = lp.string();
    printer::TicketPrinter tp(printer::open_link(settings), renderer_maker(), [] {});
    const std::uint64_t job = tp.print(ukrainian_ticket());
    CHECK(ended(tp, job) == JobState::printed);
    std::ifstream in(got, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    CHECK(printer::raster_of(bytes).has_value());
    std::ifstream a(args);
    std::string line;
    std::getline(a, line);
    CHECK(line == "-d kiosk-printer -o raw");

    settings.queue = "another-queue";  // the stand-in refuses it, as lp refuses an unknown queue
    printer::TicketPrinter refused(printer::open_link(settings), renderer_maker(), [] {});
    const std::uint64_t no = refused.print(ukrainian_ticket());
    CHECK(ended(refused, no) == JobState::failed);
    CHECK(refused.state() == PrinterState::offline);
}

TEST_CASE("a CUPS lp that never ends is stopped at the deadline: the job fails, and the next one is not held") {
    test::TempDir dir;
    const fs::path lp = dir.path() / "lp";
    std::ofstream(lp) << "#!/bin/sh\ncat > /dev/null\nexec sleep 60\n";
    fs::permissions(lp, fs::perms::owner_all);
    printer::PrinterSettings settings;
    settings.connection = printer::PrinterSettings::Connection::cups;
    settings.queue = "kiosk-printer";
    settings.lp_program = lp.string();
    settings.timeout_ms = 300;
    printer::TicketPrinter tp(printer::open_link(settings), renderer_maker(), [] {});
    const auto started = std::chrono::steady_clock::now();
    const std::uint64_t first = tp.print(ukrainian_ticket());
    const std::uint64_t second = tp.print(ukrainian_ticket());
    CHECK(ended(tp, first) == JobState::failed);
    CHECK(ended(tp, second) == JobState::failed);
    CHECK(std::chrono::steady_clock::now() - started < 15s);  // not the 60 s lp would take
    CHECK(tp.state() == PrinterState::offline);
}

// A CUPS stand-in that holds each job until the test says how it went: it takes the job,
// then waits for a line on a named pipe and ends with that status.
struct HeldLp {
    test::TempDir dir;
    fs::path program = dir.path() / "lp";
    fs::path release = dir.path() / "release";

    HeldLp() {
        REQUIRE(::mkfifo(release.c_str(), 0600) == 0);
        std::ofstream(program) << "#!/bin/sh\ncat > /dev/null\nread status < " << release << "\nexit $status\n";
        fs::permissions(program, fs::perms::owner_all);
    }
    void end_job(int status) const { std::ofstream(release) << status << "\n"; }
};

TEST_CASE("Done stays where it is while the ticket prints, once it has printed, and when it could not print") {
    HeldLp lp;
    printer::PrinterSettings settings;
    settings.connection = printer::PrinterSettings::Connection::cups;
    settings.queue = "kiosk-printer";
    settings.lp_program = lp.program.string();
    settings.timeout_ms = 60000;
    for (const bool prints : {true, false}) {
        for (const char* language : {"nb", "uk", "so"}) {
            CAPTURE(language);
            CAPTURE(prints);
            // A printer of its own: one that has failed is not asked for the next ticket.
            printer::TicketPrinter tp(printer::open_link(settings), renderer_maker(), [] {});
            test::HeadlessOptions options;
            options.printer = &tp;
            test::HeadlessKiosk kiosk(options);
            REQUIRE(kiosk.walk_in(language, "social_rent"));
            REQUIRE(kiosk.skip_to_confirm());
            REQUIRE(kiosk.tap("confirm.get_ticket"));
            kiosk.frame();
            REQUIRE(kiosk.state().ticket->paper == visitor::TicketView::Paper::printing);
            const ui::TouchTarget* done = kiosk.targets().find("ticket.done");
            REQUIRE(done != nullptr);
            const ui::Rect while_printing = done->rect;
            lp.end_job(prints ? 0 : 1);
            CHECK(paper_of(kiosk) == (prints ? visitor::TicketView::Paper::printed : visitor::TicketView::Paper::failed));
            done = kiosk.targets().find("ticket.done");
            REQUIRE(done != nullptr);
            CHECK(done->rect.y0 == while_printing.y0);
            CHECK(done->rect.y1 == while_printing.y1);
        }
    }
}

TEST_CASE("the kiosk: printed after the ticket is stored; take your ticket, or write down your number when it cannot print") {
    FakePrinter fake;
    printer::PrinterSettings settings = network_printer(fake);
    printer::TicketPrinter tp(printer::open_link(settings), renderer_maker(), [] {});
    test::HeadlessOptions options;
    options.config.office.name = "NAV Grünerløkka";
    options.config.office.status_page = "https://skranke.example.no/status/";
    options.printer = &tp;
    test::HeadlessKiosk kiosk(options);
    REQUIRE(kiosk.walk_in("uk", "social_rent"));
    REQUIRE(kiosk.skip_to_confirm());
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    REQUIRE(kiosk.page() == "ticket");
    // The ticket is in the store before anything is printed.
    const auto stored = kiosk.stored_tickets();
    REQUIRE(stored.size() == 1);
    REQUIRE(fake.wait_for_jobs(1, 20s));
    CHECK(paper_of(kiosk) == visitor::TicketView::Paper::printed);
    CHECK(kiosk.said("Візьміть талон"));
    // What was printed: the number, and the QR code of this ticket's status page.
    const auto printed = printer::raster_of(fake.jobs().front().bytes);
    REQUIRE(printed);
    test::TempDir dir;
    std::string error;
    REQUIRE(printer::write_png(*printed, dir.path() / "printed.png", error));
    CHECK(qr_text(dir.path() / "printed.png") == "https://skranke.example.no/status/" + stored.front().status_token + "\n");
    REQUIRE(kiosk.tap("ticket.done"));

    // Out of paper: the ticket is still valid; the visitor is asked to write the number down.
    fake.set_answers(test::printer_paper_out);
    REQUIRE(kiosk.walk_in("en", "social_rent"));
    REQUIRE(kiosk.skip_to_confirm());
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    CHECK(paper_of(kiosk) == visitor::TicketView::Paper::failed);
    CHECK(kiosk.said("Please write down your number: " + kiosk.state().ticket->number));
    CHECK(kiosk.stored_tickets().size() == 2);
    CHECK(fake.jobs().size() == 1);
    CHECK(tp.state() == PrinterState::paper_out);
}
