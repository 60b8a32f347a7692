// The staff roles' roles.toml loader (load_role_config): any file either loads with every
// value in its documented range (assets/roles.toml, docs/console.md, docs/display.md), each
// what the file says (or the default where it says nothing), or is refused with a message
// naming the file and more.
#include <cmath>
#include <string>

#include "domain/office_time.hpp"
#include "fuzz_check.hpp"
#include "memory_file.hpp"
#include "toml_expect.hpp"
#include "roles/role_config.hpp"

using namespace skranke;

namespace {

bool short_texts(const std::vector<std::string>& list) {
    if (list.empty()) return false;
    for (const std::string& text : list)
        if (text.empty() || text.size() > 32) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static fuzz::MemoryFile file("roles.toml");
    file.write(fuzz::as_text(data, size));
    roles::RoleConfig c;
    std::string error;
    if (!roles::load_role_config(file.path(), c, error)) {
        const std::string prefix = file.path().string() + ": ";
        FUZZ_REQUIRE(error.compare(0, prefix.size(), prefix) == 0 && error.size() > prefix.size());
        return 0;
    }
    FUZZ_REQUIRE(c.role == "kiosk" || c.role == "reception" || c.role == "display");
    FUZZ_REQUIRE(short_texts(c.counters));
    FUZZ_REQUIRE(short_texts(c.announce_languages));
    FUZZ_REQUIRE(c.idle_sign_out_ms >= 60'000 && c.idle_sign_out_ms <= 24 * 60 * 60'000 && c.idle_sign_out_ms % 60'000 == 0);
    FUZZ_REQUIRE(c.history <= 12);
    FUZZ_REQUIRE(c.volume >= 0 && c.volume <= 100);
    FUZZ_REQUIRE(std::isfinite(c.highlight_seconds) && c.highlight_seconds >= 0);
    FUZZ_REQUIRE(c.diagonal_inches >= 15 && c.diagonal_inches <= 110);
    const auto parsed = fuzz::parse_toml(fuzz::as_text(data, size));
    FUZZ_REQUIRE(parsed.has_value());
    const fuzz::FileSays file_says{*parsed};
    const roles::RoleConfig d;
    FUZZ_REQUIRE(file_says.text("device", "role", c.role, d.role));
    FUZZ_REQUIRE(file_says.text("device", "hub_url", c.hub_url, d.hub_url));
    FUZZ_REQUIRE(file_says.text("device", "ca_file", c.ca_file, d.ca_file));
    FUZZ_REQUIRE(file_says.text("office", "time_zone", c.time_zone, d.time_zone));
    FUZZ_REQUIRE(OfficeZone::named(c.time_zone).has_value());
    FUZZ_REQUIRE(file_says.texts("console", "counters", c.counters, d.counters));
    FUZZ_REQUIRE(file_says.whole("console", "idle_sign_out_minutes", c.idle_sign_out_ms / 60'000, d.idle_sign_out_ms / 60'000));
    FUZZ_REQUIRE(file_says.text("console", "alert_sound", c.alert_sound, d.alert_sound));
    FUZZ_REQUIRE(file_says.text("display", "office_name", c.office_name, d.office_name));
    FUZZ_REQUIRE(file_says.texts("display", "announce_languages", c.announce_languages, d.announce_languages));
    FUZZ_REQUIRE(file_says.whole("display", "history", static_cast<std::int64_t>(c.history), static_cast<std::int64_t>(d.history)));
    FUZZ_REQUIRE(file_says.text("display", "chime", c.chime, d.chime));
    FUZZ_REQUIRE(file_says.whole("display", "volume", c.volume, d.volume));
    FUZZ_REQUIRE(file_says.number("display", "highlight_seconds", c.highlight_seconds, d.highlight_seconds));
    FUZZ_REQUIRE(file_says.number("display", "diagonal_inches", c.diagonal_inches, d.diagonal_inches));
    return 0;
}
