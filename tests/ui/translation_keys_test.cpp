// Every key the code uses exists in every language file, and no file has a key nobody
// uses. Keys in code are string literals passed to t("...") or marked text_key("..."),
// plus the keys that come from data: the service catalogue, the interpreter languages in
// the default kiosk config, and the message keys the domain and store return.
#include <doctest/doctest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "support/headless_kiosk.hpp"
#include "support/store_fixture.hpp"
#include "visitor/kiosk_config.hpp"

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool is_key(const std::string& text) {
    if (text.find('.') == std::string::npos || text.back() == '.') return false;
    for (char c : text)
        if (!((c >= 'a' && c <= 'z') || c == '_' || c == '.')) return false;
    return true;
}

// Literals right after one of the openers ("t(\"" at a word start, "text_key(\"", or a
// bare "\"error."), without std::regex (GCC 12 warns inside it at -O1).
void scan_text(const std::string& text, const std::vector<std::string>& openers, std::set<std::string>& keys) {
    for (const auto& opener : openers) {
        for (std::size_t at = text.find(opener); at != std::string::npos; at = text.find(opener, at + 1)) {
            if (opener == "t(\"" && at > 0) {
                const char before = text[at - 1];
                if (std::isalnum(static_cast<unsigned char>(before)) || before == '_') continue;
            }
            const std::size_t begin = opener.back() == '"' ? at + opener.size() : at + 1;
            const std::size_t end = text.find('"', begin);
            if (end == std::string::npos) continue;
            const std::string key = text.substr(begin, end - begin);
            if (is_key(key)) keys.insert(key);
        }
    }
}

void scan(const fs::path& dir, const std::vector<std::string>& openers, std::set<std::string>& keys) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        const auto ext = entry.path().extension();
        if (ext != ".cpp" && ext != ".hpp") continue;
        scan_text(read(entry.path()), openers, keys);
    }
}

std::set<std::string> keys_used() {
    const fs::path source = SKRANKE_SOURCE_DIR;
    std::set<std::string> keys;
    scan(source / "kiosk" / "ui", {"t(\"", "text_key(\""}, keys);
    // The hub's status page on the visitor's phone (sync/hub/status_page.cpp).
    scan(source / "sync" / "hub", {"\"status."}, keys);
    scan(source / "sync" / "notify", {"\"sms."}, keys);  // the SMS texts (skranke-notify)
    // Message keys the domain and the store hand to the UI.
    const std::vector<std::string> message = {"\"error."};
    scan(source / "kiosk" / "store", message, keys);
    for (const char* file : {"validation.cpp", "validation.hpp"})
        scan_text(read(source / "kiosk" / "domain" / file), message, keys);
    for (const auto& need : skranke::test::shipped_catalogue().needs()) keys.insert(need.text_key);
    skranke::visitor::KioskConfig config = skranke::visitor::default_kiosk_config();
    std::string error;
    REQUIRE(skranke::visitor::load_kiosk_config(skranke::test::asset_dir() / "kiosk.toml", config, error));
    for (const auto& code : config.interpreter_languages) keys.insert("language." + code);
    return keys;
}

// "ticket.wait.few" is a variant of "ticket.wait" for a plural form (domain/plural.hpp); any
// other key is its own base.
std::string counted_base(const std::string& key) {
    const auto dot = key.rfind('.');
    if (dot == std::string::npos) return key;
    const std::string form = key.substr(dot + 1);
    for (const char* known : {"zero", "one", "two", "few", "many", "other"})
        if (form == known) return key.substr(0, dot);
    return key;
}

}  // namespace

TEST_CASE("every key used in code exists in every language, and no language has unused keys") {
    const std::set<std::string> used = keys_used();
    REQUIRE(used.size() > 50);  // the scan found the code's keys
    CHECK(used.count("nav.back") == 1);
    CHECK(used.count("error.go_to_reception") == 1);
    CHECK(used.count("need.emergency_food") == 1);
    const auto& translations = skranke::test::shipped_translations();
    REQUIRE(translations.languages().size() >= 6);
    for (const auto& lang : translations.languages()) {
        CAPTURE(lang.code);
        const auto list = translations.keys_of(lang.code);
        const std::set<std::string> present(list.begin(), list.end());
        for (const auto& key : used)
            if (!present.count(key)) FAIL_CHECK("missing in " << lang.code << ": " << key);
        for (const auto& key : present)
            if (!used.count(key) && !used.count(counted_base(key))) FAIL_CHECK("unused in " << lang.code << ": " << key);
    }
}

TEST_CASE("the six languages are offered, each named in its own language and script") {
    const auto& translations = skranke::test::shipped_translations();
    const std::vector<std::pair<std::string, std::string>> expected = {{"nb", "Norsk bokmål"}, {"nn", "Norsk nynorsk"},
                                                                       {"en", "English"},      {"pl", "Polski"},
                                                                       {"uk", "Українська"},   {"so", "Soomaali"}};
    for (const auto& [code, name] : expected) {
        CAPTURE(code);
        const auto* lang = translations.language(code);
        REQUIRE(lang);
        CHECK(lang->native_name == name);
    }
    // A key missing in one language falls back to its fallback language, never to nothing.
    CHECK(translations.text("nn", "no.such.key") == "no.such.key");
    CHECK(translations.text("so", "nav.back") == "Dib u noqo");
}

TEST_CASE("placeholders are filled everywhere they appear") {
    CHECK(skranke::ui::fill("{a} and {a} {b}", {{"a", "x"}, {"b", "{a}"}}) == "x and x {a}");
}
