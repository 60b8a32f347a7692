// The office's time zone is configuration, not the process's TZ: the real programs, started
// in time zones far from the office's, still number tickets and read days in the office's.
#include <doctest/doctest.h>

#include "domain/office_time.hpp"
#include "support/child_process.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::test;

namespace {

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

// A zone whose date differs from the office's (Oslo) right now: UTC-11 while it is before
// noon in Oslo, UTC+14 after.
std::string far_zone() {
    return office_zone().local(wall_clock_ms()).hour < 12 ? "Pacific/Pago_Pago" : "Pacific/Kiritimati";
}

}  // namespace

TEST_CASE("skranke-cli in a far time zone numbers its tickets on the office's day") {
    TempDir dir;
    const std::string far = far_zone();
    const std::string office_day = service_day_of(wall_clock_ms());
    const std::string far_day = OfficeZone::named(far)->local(wall_clock_ms()).date();
    CAPTURE(far);
    REQUIRE(far_day != office_day);
    const auto cli = [&](const std::filesystem::path& store, const std::string& args) {
        return run_command("env TZ=" + far + " " + SKRANKE_CLI + " --store " + quoted(store) + " " + args);
    };
    const auto office_store = dir / "office.db";
    const auto issued = cli(office_store, "--time-zone Europe/Oslo issue other");
    REQUIRE_MESSAGE(issued.status == 0, issued.output);
    // The same day again after the run: not across the office's midnight.
    if (service_day_of(wall_clock_ms()) != office_day) return;
    CHECK(query_texts(office_store, "SELECT service_day FROM tickets") == std::vector<std::string>{office_day});
    const auto today = cli(office_store, "--time-zone Europe/Oslo today");
    CHECK(today.status == 0);
    CHECK(today.output.find("A 001") != std::string::npos);  // today is the office's day

    // Told that the office is in the far zone, the same program numbers on that zone's day.
    const auto far_store = dir / "far.db";
    REQUIRE(cli(far_store, "--time-zone " + far + " issue other").status == 0);
    CHECK(query_texts(far_store, "SELECT service_day FROM tickets") == std::vector<std::string>{far_day});

    // A zone tzdata does not know is refused, naming the option, and makes no store.
    const auto bad = cli(dir / "bad.db", "--time-zone Mars/Olympus issue other");
    CHECK(bad.status != 0);
    CHECK(bad.output.find("--time-zone") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "bad.db"));
}

TEST_CASE("skranke-hub refuses an office time zone tzdata does not know, naming the option") {
    TempDir dir;
    const auto ran = run_command(std::string(SKRANKE_HUB) + " --data " + quoted(dir / "hub") +
                                 " --port 0 --time-zone Europe/Atlantis");
    CHECK(ran.status != 0);
    CHECK(ran.output.find("--time-zone") != std::string::npos);
    CHECK(ran.output.find("tzdata") != std::string::npos);
}
