// The kiosk's kiosk.toml loader (load_kiosk_config): any file either loads with every value
// in the range docs/kiosk.md gives, each what the file says (or the default where it says
// nothing), or is refused with a message naming the file and more.
#include <cctype>
#include <cmath>
#include <string>

#include "calendar_check.hpp"
#include "domain/office_time.hpp"
#include "fuzz_check.hpp"
#include "memory_file.hpp"
#include "toml_expect.hpp"
#include "visitor/kiosk_config.hpp"

using namespace skranke;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static fuzz::MemoryFile file("kiosk.toml");
    file.write(fuzz::as_text(data, size));
    visitor::KioskConfig c = visitor::default_kiosk_config();
    std::string error;
    if (!visitor::load_kiosk_config(file.path(), c, error)) {
        const std::string prefix = file.path().string() + ": ";
        FUZZ_REQUIRE(error.compare(0, prefix.size(), prefix) == 0 && error.size() > prefix.size());
        return 0;
    }
    FUZZ_REQUIRE(error.empty());
    const auto parsed = fuzz::parse_toml(fuzz::as_text(data, size));
    FUZZ_REQUIRE(parsed.has_value());
    const fuzz::FileSays file_says{*parsed};
    const visitor::KioskConfig d = visitor::default_kiosk_config();
    FUZZ_REQUIRE(file_says.number("screen", "dpi", c.dpi, d.dpi));
    FUZZ_REQUIRE(file_says.text("screen", "orientation", c.orientation, d.orientation));
    FUZZ_REQUIRE(file_says.whole("timing", "idle_seconds", c.idle_seconds, d.idle_seconds));
    FUZZ_REQUIRE(file_says.whole("timing", "idle_countdown_seconds", c.idle_countdown_seconds, d.idle_countdown_seconds));
    FUZZ_REQUIRE(file_says.whole("timing", "ticket_seconds", c.ticket_seconds, d.ticket_seconds));
    FUZZ_REQUIRE(file_says.whole("timing", "retry_seconds", c.retry_seconds, d.retry_seconds));
    FUZZ_REQUIRE(file_says.text("office", "phone", c.office.phone, d.office.phone));
    FUZZ_REQUIRE(file_says.text("office", "kiosk_letter", std::string(1, c.kiosk_letter), std::string(1, d.kiosk_letter)));
    FUZZ_REQUIRE(file_says.whole("office", "open_counters", c.open_counters, d.open_counters));
    FUZZ_REQUIRE(file_says.text("office", "time_zone", c.time_zone, d.time_zone));
    FUZZ_REQUIRE(OfficeZone::named(c.time_zone).has_value());
    FUZZ_REQUIRE(file_says.whole("speech", "volume", c.volume_percent, d.volume_percent));
    FUZZ_REQUIRE(file_says.text("visitor", "default_language", c.default_language, d.default_language));
    FUZZ_REQUIRE(file_says.texts("visitor", "interpreter_languages", c.interpreter_languages, d.interpreter_languages));
    FUZZ_REQUIRE(std::isfinite(c.dpi) && c.dpi >= 50 && c.dpi <= 600);
    FUZZ_REQUIRE(c.orientation == "portrait" || c.orientation == "landscape");
    FUZZ_REQUIRE(c.idle_seconds >= 10 && c.idle_seconds <= 3600);
    FUZZ_REQUIRE(c.idle_countdown_seconds >= 20 && c.idle_countdown_seconds <= 600);
    FUZZ_REQUIRE(c.ticket_seconds >= 5 && c.ticket_seconds <= 600);
    FUZZ_REQUIRE(c.retry_seconds >= 1 && c.retry_seconds <= 3600);
    FUZZ_REQUIRE(c.kiosk_letter >= 'A' && c.kiosk_letter <= 'Z');
    FUZZ_REQUIRE(c.open_counters >= 1 && c.open_counters <= 100);
    FUZZ_REQUIRE(c.volume_percent >= 0 && c.volume_percent <= 100);
    for (const visitor::DayHours& day : c.office.hours.week) {
        if (day.open) FUZZ_REQUIRE(day.from_minute >= 0 && day.from_minute < day.to_minute && day.to_minute <= 24 * 60);
    }
    // A date that can never come would be a closed day the office never gets.
    for (const std::string& date : c.office.hours.closed_dates) FUZZ_REQUIRE(fuzz::is_calendar_date(date));
    for (const std::string& date : c.office.hours.appointment_only_dates) FUZZ_REQUIRE(fuzz::is_calendar_date(date));
    return 0;
}
