// kiosk_ui benchmark. Prints:
//   BENCH frame_cpu_median_ms      CPU time to build one frame (NewFrame to Render) of the
//                                  busiest visitor screen at 1080x1920, headless
//   BENCH idle_cpu_percent         the real skranke under Xvfb, 10 s untouched
//   BENCH cold_start_ratio         start to first presented frame, kiosk / bare GLFW window
//   BENCH language_atlas_build_ms  the longest median time of building one language's font
//                                  atlas (what a visitor who taps a language waits for)
//   BENCH kiosk_rss_over_bare_mb   peak RSS of the kiosk minus that of the bare window, the
//                                  largest of the kiosk started in Norwegian, Ukrainian,
//                                  Arabic and Tigrinya
// The window figures need a display (tests/bench/kiosk_ui/run provides Xvfb).
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <imgui.h>

#include "bench_stats.hpp"
#include "domain/service_catalogue.hpp"
#include "domain/office_time.hpp"
#include "shell/fonts.hpp"
#include "shell/speech.hpp"
#include "shell/translations.hpp"
#include "store/paths.hpp"
#include "store/queue_view.hpp"
#include "store/store.hpp"
#include "visitor/visitor_fonts.hpp"
#include "visitor/visitor_frame.hpp"

extern char** environ;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace skranke;

namespace {

double cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Median CPU time of building frames of each busy screen; the largest median. atlas_ms: the
// longest median time of building one language's font atlas.
double frame_cpu_median_ms(const fs::path& dir, double& atlas_ms) {
    const fs::path assets = default_asset_dir();
    ui::Translations translations;
    std::string error;
    if (!translations.load_dir(assets / "translations", error)) throw std::runtime_error(error);
    auto catalogue = ServiceCatalogue::load_file(assets / "services.toml");
    if (!catalogue) throw std::runtime_error(catalogue.error().detail);
    StoreOptions so;
    so.path = dir / "bench.db";
    auto store = Store::open(so);
    if (!store) throw std::runtime_error(store.error().detail);

    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1080, 1920);
    io.DeltaTime = 1.0f / 60.0f;
    const ui::PhysicalScale scale{96};
    visitor::KioskConfig config = visitor::default_kiosk_config();
    ui::FontSet fonts;
    // The same atlas as the kiosk's (kiosk/ui/main.cpp, visitor/visitor_fonts.hpp): the language
    // on screen; its number font has only digits and its letter.
    const auto build_atlas = [&](const std::string& language) {
        const auto started = Clock::now();
        if (!visitor::build_visitor_fonts(*io.Fonts, scale, translations, visitor::language_glyphs(translations, language),
                                          ui::default_font_dirs(), std::string(" 0123456789") + config.kiosk_letter,
                                          fonts, error))
            throw std::runtime_error(error);
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        io.Fonts->ClearTexData();  // as the kiosk once the GPU has it
        return std::tuple{ms, w, h};
    };
    // A visitor who taps a language waits for its atlas (built between two frames).
    for (const auto& language : translations.languages()) {
        std::vector<double> samples;
        int w = 0, h = 0;
        for (int i = 0; i < 5; ++i) {
            const auto [ms, width, height] = build_atlas(language.code);
            samples.push_back(ms);
            w = width;
            h = height;
        }
        const double median = bench::percentile(samples, 50);
        std::cout << "# font atlas " << language.code << ": " << w << "x" << h << " px, built in " << median << " ms\n";
        atlas_ms = std::max(atlas_ms, median);
    }

    for (auto& day : config.office.hours.week) day = visitor::DayHours{true, 0, 24 * 60};
    ui::RecordingSpeaker speaker;
    visitor::VisitorServices services;
    // The queue view the kiosk keeps beside its store (people ahead, the wait estimate).
    QueueView::Options view_options;
    view_options.thread = false;
    auto queue_view = QueueView::open(so, view_options);
    if (!queue_view) throw std::runtime_error("queue view: " + queue_view.error().detail);
    services.store = store->get();
    services.view = queue_view->get();
    services.catalogue = &*catalogue;
    services.config = &config;
    services.translations = &translations;
    services.speaker = &speaker;
    services.wall_clock_ms = [] { return wall_clock_ms(); };
    visitor::VisitorApp app(services);
    visitor::VisitorView view;
    ui::TouchRecorder recorder;
    const auto intent = [](visitor::IntentKind kind, std::string text = {}, bool flag = false) {
        return visitor::Intent{kind, std::move(text), flag, ui::KeyKind::none};
    };
    double now = 0;
    double worst = 0;
    const auto measure = [&](const char* what) {
        std::vector<double> samples;
        for (int i = 0; i < 300; ++i) {
            now += 1.0 / 60;
            const double start = cpu_ms();
            ImGui::NewFrame();
            const auto frame = visitor::draw_visitor_frame(app, view, translations, fonts, scale, recorder, now);
            ImGui::Render();
            samples.push_back(cpu_ms() - start);
        }
        const double median = bench::percentile(samples, 50);
        std::cout << "# frame " << what << " median " << median << " ms\n";
        worst = std::max(worst, median);
    };
    // Ukrainian has the longest texts; Arabic is joined and reordered (shell/bidi.hpp) as
    // each line is measured and drawn.
    for (const std::string language : {"uk", "ar"}) {
        app.apply(intent(visitor::IntentKind::start_over), {}, now);
        app.apply(intent(visitor::IntentKind::choose_language, language), {}, now);
        build_atlas(language);
        app.apply(intent(visitor::IntentKind::answer_appointment, {}, false), {}, now);
        measure((language + " need").c_str());
        app.apply(intent(visitor::IntentKind::choose_need, "emergency_food"), {}, now);
        app.apply(intent(visitor::IntentKind::answer_interpreter, {}, true), {}, now);
        measure((language + " questions").c_str());
        app.apply(intent(visitor::IntentKind::next), {}, now);
        measure((language + " details").c_str());
    }
    ImGui::DestroyContext();
    return worst;
}

pid_t spawn(const std::vector<std::string>& args) {
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0)
        throw std::runtime_error("spawn " + args[0]);
    return pid;
}

// Seconds from now until the file exists (bounded: 60 s).
double wait_for_file(const fs::path& file, Clock::time_point started) {
    const auto deadline = started + std::chrono::seconds(60);
    while (!fs::exists(file)) {
        if (Clock::now() > deadline) throw std::runtime_error("no first frame within 60 s: " + file.string());
        std::this_thread::sleep_until(Clock::now() + std::chrono::milliseconds(1));
    }
    return std::chrono::duration<double>(Clock::now() - started).count();
}

long status_kb(pid_t pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    return 0;
}

double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string skip;
    for (int i = 0; i < 11; ++i) fields >> skip;  // fields 3..13
    long utime = 0, stime = 0;
    fields >> utime >> stime;
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void stop(pid_t pid) {
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
}

}  // namespace

int main() {
    const fs::path dir = fs::temp_directory_path() / ("skranke-bench-ui-" + std::to_string(getpid()));
    fs::create_directories(dir);
    double atlas_ms = 0;
    bench::print("frame_cpu_median_ms", frame_cpu_median_ms(dir, atlas_ms), "ms");
    bench::print("language_atlas_build_ms", atlas_ms, "ms");
    if (!std::getenv("DISPLAY")) {
        std::cout << "# no DISPLAY: window figures skipped (run through tests/bench/kiosk_ui/run)\n";
        fs::remove_all(dir);
        return 0;
    }
    // The bare window first, then the kiosk, one at a time so neither slows the other.
    auto started = Clock::now();
    const pid_t bare = spawn({BARE_WINDOW_BIN, (dir / "bare.ready").string()});
    const double bare_start = wait_for_file(dir / "bare.ready", started);
    std::this_thread::sleep_until(Clock::now() + std::chrono::seconds(1));
    const long bare_rss = status_kb(bare, "VmHWM");
    stop(bare);

    // The kiosk's atlas holds the language on screen: its peak is that of the largest one. It
    // starts in each of the heaviest scripts (an office may make any language the default).
    double kiosk_start = 0, idle_cpu = 0;
    long kiosk_rss = 0;
    for (const std::string language : {"nb", "uk", "ar", "ti"}) {
        std::ofstream(dir / "kiosk.toml") << "[screen]\ndpi = 96\n[visitor]\ndefault_language = \"" << language << "\"\n";
        fs::remove(dir / "kiosk.ready");
        started = Clock::now();
        const pid_t kiosk = spawn({SKRANKE_BIN, "--config", (dir / "kiosk.toml").string(), "--store",
                                   (dir / "kiosk.db").string(), "--ready-file", (dir / "kiosk.ready").string()});
        const double start_s = wait_for_file(dir / "kiosk.ready", started);
        std::this_thread::sleep_until(Clock::now() + std::chrono::seconds(1));
        if (language == "nb") {  // the shipped default: its start and its idle
            kiosk_start = start_s;
            const double cpu_before = cpu_seconds(kiosk);
            std::this_thread::sleep_until(Clock::now() + std::chrono::seconds(10));
            idle_cpu = (cpu_seconds(kiosk) - cpu_before) / 10.0 * 100.0;
        }
        const long rss = status_kb(kiosk, "VmHWM");
        stop(kiosk);
        std::cout << "# peak RSS of the kiosk in " << language << ": " << static_cast<double>(rss) / 1024.0 << " MB\n";
        kiosk_rss = std::max(kiosk_rss, rss);
    }

    std::cout << "# first frame: kiosk " << kiosk_start * 1000 << " ms, bare window " << bare_start * 1000 << " ms\n";
    std::cout << "# peak RSS: kiosk " << static_cast<double>(kiosk_rss) / 1024.0 << " MB (the largest), bare window "
              << static_cast<double>(bare_rss) / 1024.0 << " MB\n";
    bench::print("idle_cpu_percent", idle_cpu, "%");
    bench::print("cold_start_ratio", kiosk_start / bare_start, "x");
    bench::print("kiosk_rss_over_bare_mb", static_cast<double>(kiosk_rss - bare_rss) / 1024.0, "MB");
    fs::remove_all(dir);
    return 0;
}
