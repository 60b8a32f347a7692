// Every staff text the console and display use exists in Norwegian and English, no staff
// translation has a key nobody uses, and every announcement language has a voice.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "support/headless_roles.hpp"
#include "support/store_fixture.hpp"

namespace fs = std::filesystem;

namespace {

bool is_key(const std::string& text) {
    if (text.find('.') == std::string::npos) return false;
    for (char c : text)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
    return true;
}

// String literals in the staff screens that look like keys: "console.x", "display.x", "announce.x".
std::set<std::string> keys_used() {
    std::set<std::string> keys;
    for (const char* dir : {"console", "display"}) {
        for (const auto& entry : fs::directory_iterator(fs::path(SKRANKE_SOURCE_DIR) / "kiosk" / "ui" / dir)) {
            std::ifstream in(entry.path());
            std::stringstream s;
            s << in.rdbuf();
            const std::string text = s.str();
            for (std::size_t at = text.find('"'); at != std::string::npos; at = text.find('"', at + 1)) {
                const std::size_t end = text.find('"', at + 1);
                if (end == std::string::npos) break;
                const std::string literal = text.substr(at + 1, end - at - 1);
                for (const char* prefix : {"console.", "display.", "announce."})
                    if (literal.rfind(prefix, 0) == 0 && is_key(literal)) keys.insert(literal);
                at = end;
            }
        }
    }
    for (const auto& need : skranke::test::shipped_catalogue().needs()) keys.insert("group." + need.queue_group);
    return keys;
}

}  // namespace

TEST_CASE("every staff text key exists in nb and en, and none is unused") {
    const auto used = keys_used();
    REQUIRE(used.size() > 60);
    CHECK(used.count("console.call_next") == 1);
    CHECK(used.count("console.fig_wait_p90") == 1);
    const auto& texts = skranke::test::staff_translations();
    for (const char* code : {"nb", "en"}) {
        CAPTURE(code);
        const auto list = texts.keys_of(code);
        const std::set<std::string> present(list.begin(), list.end());
        for (const auto& key : used)
            if (!present.count(key)) FAIL_CHECK("missing in " << code << ": " << key);
        for (const auto& key : present)
            if (!used.count(key)) FAIL_CHECK("unused in " << code << ": " << key);
    }
    for (const auto& language : texts.languages()) {
        CAPTURE(language.code);
        CHECK_FALSE(language.voice.empty());
        CHECK(texts.text(language.code, "announce.call").find("{number}") != std::string::npos);
    }
}
