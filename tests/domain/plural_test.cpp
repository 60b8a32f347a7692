// The one plural rule, per language, against the Unicode CLDR forms of whole numbers.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "domain/plural.hpp"
#include "domain/text_table.hpp"

using namespace skranke;

namespace {

std::string forms(std::string_view language, const std::vector<std::int64_t>& numbers) {
    std::string out;
    for (const std::int64_t n : numbers) out += std::string(out.empty() ? "" : " ") + std::string(to_string(plural_form(language, n)));
    return out;
}

}  // namespace

TEST_CASE("Norwegian, English and Somali: one for 1, other for the rest") {
    for (const char* language : {"nb", "nn", "en", "so", "xx"}) {
        CAPTURE(language);
        CHECK(forms(language, {0, 1, 2, 11, 21, 101}) == "other one other other other other");
    }
}

TEST_CASE("Polish: 1 minuta, 2-4 minuty (not 12-14), 5 minut, 22 minuty, 25 minut") {
    CHECK(forms("pl", {1, 2, 3, 4, 5, 11, 12, 13, 14, 21, 22, 24, 25, 102, 112, 0}) ==
          "one few few few many many many many many many few few many few many many");
}

TEST_CASE("Ukrainian: 1, 21, 101 one; 2-4, 22-24 few; 11-14, 5-20, 0 many") {
    CHECK(forms("uk", {1, 21, 101, 11, 2, 3, 4, 22, 24, 12, 14, 5, 10, 15, 20, 0, 111}) ==
          "one one one many few few few few few many many many many many many many many");
}

TEST_CASE("Lithuanian, Arabic, Persian and Tigrinya, for the languages to come") {
    CHECK(forms("lt", {1, 21, 11, 2, 9, 12, 19, 10, 20, 0}) == "one one other few few other other other other other");
    CHECK(forms("ar", {0, 1, 2, 3, 10, 103, 11, 99, 100, 102}) == "zero one two few few few many many other other");
    CHECK(forms("fa", {0, 1, 2}) == "one one other");
    CHECK(forms("ti", {0, 1, 2}) == "one one other");
}

TEST_CASE("any count has a form: negative numbers and the extremes") {
    CHECK(plural_form("pl", -2) == PluralForm::few);
    // The smallest int64 reads as the largest (...807): many, and no overflow.
    CHECK(plural_form("uk", std::numeric_limits<std::int64_t>::min()) == PluralForm::many);
    CHECK(plural_form("pl", std::numeric_limits<std::int64_t>::max()) == PluralForm::many);
}

TEST_CASE("a text table picks a count's variant in the language that has the text, else the plain text") {
    const auto dir = std::filesystem::temp_directory_path() / ("skranke-plural-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "pl.toml") << "[language]\ncode = \"pl\"\nfallback = \"en\"\n[text]\n"
                                      "\"status.wait\" = \"około {minutes} minut\"\n"
                                      "\"status.wait.one\" = \"około {minutes} minuty\"\n";
    std::ofstream(dir / "en.toml") << "[language]\ncode = \"en\"\n[text]\n"
                                      "\"status.wait\" = \"about {minutes} minutes\"\n"
                                      "\"status.wait.one\" = \"about {minutes} minute\"\n"
                                      "\"status.first\" = \"first\"\n";
    const auto table = TextTable::load(dir, {"status."});
    std::filesystem::remove_all(dir);
    REQUIRE(table.ok());
    CHECK(table->counted("pl", "status.wait", 1) == "około {minutes} minuty");
    CHECK(table->counted("pl", "status.wait", 2) == "około {minutes} minut");  // no "few": the plain text
    CHECK(table->counted("pl", "status.wait", 25) == "około {minutes} minut");
    CHECK(table->counted("en", "status.wait", 1) == "about {minutes} minute");
    CHECK(table->counted("en", "status.wait", 21) == "about {minutes} minutes");  // English: only 1 is one
    CHECK(table->counted("pl", "status.first", 1) == "first");  // through the fallback
    CHECK(counted_key("ticket.wait", "uk", 22) == "ticket.wait.few");
}
