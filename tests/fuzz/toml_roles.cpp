// The staff roles' roles.toml loader (load_role_config): any file either loads with every
// value in its documented range (assets/roles.toml, docs/console.md, docs/display.md), or is
// refused with a message naming the file and more.
#include <cmath>
#include <string>

#include "fuzz_check.hpp"
#include "memory_file.hpp"
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
    return 0;
}
