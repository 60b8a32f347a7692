// The kiosk config: the shipped file loads, bad values are refused with the key named.
#include <doctest/doctest.h>

#include <fstream>

#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"
#include "visitor/kiosk_config.hpp"
#include "visitor/queue_figures.hpp"

using namespace skranke::visitor;

namespace {

bool load_text(const std::string& text, KioskConfig& config, std::string& error) {
    skranke::test::TempDir dir;
    {
        std::ofstream out(dir / "kiosk.toml");
        out << text;
    }
    config = default_kiosk_config();
    return load_kiosk_config(dir / "kiosk.toml", config, error);
}

}  // namespace

TEST_CASE("the shipped kiosk.toml loads with the documented defaults") {
    KioskConfig config = default_kiosk_config();
    std::string error;
    REQUIRE(load_kiosk_config(skranke::test::asset_dir() / "kiosk.toml", config, error));
    CHECK(config.idle_seconds == 60);
    CHECK(config.idle_countdown_seconds >= 20);
    CHECK(config.retry_seconds == 30);
    CHECK(config.hours.week[0].open);
    CHECK_FALSE(config.hours.week[6].open);
    CHECK(config.kiosk_letter == 'A');
}

TEST_CASE("bad config values are refused with the key named") {
    KioskConfig config;
    std::string error;
    CHECK_FALSE(load_text("[timing]\nidle_countdown_seconds = 5\n", config, error));
    CHECK(error.find("timing.idle_countdown_seconds") != std::string::npos);
    CHECK_FALSE(load_text("[timing]\nretry_seconds = 0\n", config, error));
    CHECK(error.find("timing.retry_seconds") != std::string::npos);
    CHECK_FALSE(load_text("[opening_hours]\nmonday = \"9 to 5\"\n", config, error));
    CHECK(error.find("opening_hours.monday") != std::string::npos);
    CHECK_FALSE(load_text("[office]\nkiosk_letter = \"AB\"\n", config, error));
    CHECK(error.find("office.kiosk_letter") != std::string::npos);
    CHECK_FALSE(load_text("[screen]\ndpi = 5\n", config, error));
    CHECK_FALSE(load_text("not toml = = =", config, error));
    REQUIRE(load_text("[opening_hours]\nappointment_only_days = [\"wednesday\", \"2026-03-04\"]\n", config, error));
    CHECK(config.hours.appointment_only_weekdays[2]);
    CHECK(config.hours.appointment_only_dates.size() == 1);
}

TEST_CASE("the wait estimate says nothing without enough data") {
    CHECK_FALSE(estimate_wait_minutes(3, {}, 2));
    CHECK_FALSE(estimate_wait_minutes(3, {600000, 600000}, 2));
    CHECK(estimate_wait_minutes(0, {600000, 600000, 600000}, 2) == 0);
    // 4 ahead, 10 minutes each, 2 counters: 20 minutes.
    CHECK(estimate_wait_minutes(4, {600000, 540000, 660000}, 2) == 20);
}
