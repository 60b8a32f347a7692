// What a visitor types is checked with a clear, translatable message; nothing is cut.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "domain/validation.hpp"
#include "support/store_fixture.hpp"

using namespace skranke;
using namespace std::string_literals;

namespace {

std::string utf8_of(char32_t cp) {
    std::string out;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return out;
}

std::string key_of(const std::optional<ValidationProblem>& problem) { return problem ? problem->message_key : "ok"; }

}  // namespace

TEST_CASE("Norwegian and international phone numbers are accepted and normalised") {
    CHECK(normalise_phone("91234567") == "+4791234567");
    CHECK(normalise_phone("912 34 567") == "+4791234567");
    CHECK(normalise_phone("+47 912 34 567") == "+4791234567");
    CHECK(normalise_phone("0047 91234567") == "+4791234567");
    CHECK(normalise_phone("22-33-44-55") == "+4722334455");
    CHECK(normalise_phone("+48 601 234 567") == "+48601234567");
    CHECK(normalise_phone("+380 67 123 4567") == "+380671234567");
    CHECK(normalise_phone("00252 61 1234567") == "+252611234567");
}

TEST_CASE("phone numbers of the wrong form are refused, never guessed at") {
    for (const char* bad : {"", "1234567", "912345678", "01234567", "+47 1234 5678", "+47 9123 456", "+0 12345678",
                            "+1234567", "+1234567890123456", "91 23 45 6a", "9123+4567", "++4791234567", "+",
                            "٩١٢٣٤٥٦٧"})
        CHECK_MESSAGE(!normalise_phone(bad).has_value(), bad);
    CHECK(key_of(check_phone("12")) == "error.phone_format");
    CHECK(key_of(check_phone(std::string(1 << 20, '9'))) == "error.phone_format");
    CHECK(key_of(check_phone("91234567")) == "ok");
}

TEST_CASE("invalid UTF-8 of every kind is refused") {
    for (const std::string& bad : {"\xff"s, "\xc3"s, "a\x80"s, "\xc0\xaf"s /* overlong '/' */,
                                   "\xe0\x80\xaf"s /* overlong */, "\xed\xa0\x80"s /* surrogate */,
                                   "\xf4\x90\x80\x80"s /* above U+10FFFF */, "\xf0\x9f\x98"s /* cut emoji */}) {
        CHECK_FALSE(is_valid_utf8(bad));
        CHECK(key_of(check_text(Field::name, bad, max_name_chars)) == "error.text_invalid");
    }
}

TEST_CASE("every control character is refused, including NUL inside the text") {
    for (char32_t cp = 0; cp < 0x20; ++cp) {
        const std::string text = "Ola" + utf8_of(cp) + "Nordmann";
        CHECK_MESSAGE(key_of(check_text(Field::name, text, max_name_chars)) == "error.text_control_characters",
                      static_cast<int>(cp));
    }
    for (char32_t cp = 0x7F; cp <= 0x9F; ++cp)
        CHECK(key_of(check_text(Field::description, "x" + utf8_of(cp), max_description_chars)) ==
              "error.text_control_characters");
    CHECK(key_of(check_text(Field::name, std::string("a\0b", 3), max_name_chars)) == "error.text_control_characters");
}

TEST_CASE("emoji, right-to-left and other scripts are welcome and counted as characters") {
    const std::string emoji = "Trenger hjelp 🙏👨‍👩‍👧";
    const std::string arabic = "أحتاج مساعدة";
    const std::string hebrew_mixed = "שלום Ola 123";
    const std::string ukrainian = "Олена Шевченко";
    const std::string somali = "Waxaan u baahanahay caawimaad";
    for (const auto& text : {emoji, arabic, hebrew_mixed, ukrainian, somali, "Ærlig Øystein Åsen"s})
        CHECK_MESSAGE(key_of(check_text(Field::description, text, max_description_chars)) == "ok", text);
    CHECK(utf8_length("Åse") == 3);
    CHECK(utf8_length("🙏") == 1);
    // Exactly at the limit in a four-byte script is fine; one more is "too long", not cut.
    std::string at_limit;
    for (std::size_t i = 0; i < max_name_chars; ++i) at_limit += "😀";
    CHECK(key_of(check_text(Field::name, at_limit, max_name_chars)) == "ok");
    const auto over = check_text(Field::name, at_limit + "😀", max_name_chars);
    CHECK(key_of(over) == "error.text_too_long");
    REQUIRE(over);
    CHECK(over->limit == max_name_chars);
}

TEST_CASE("a one-megabyte string is refused as too long, quickly and without a crash") {
    const std::string huge(1 << 20, 'a');
    CHECK(key_of(check_text(Field::description, huge, max_description_chars)) == "error.text_too_long");
    std::string huge_utf8;
    while (huge_utf8.size() < (1u << 20)) huge_utf8 += "ø";
    CHECK(key_of(check_text(Field::name, huge_utf8, max_name_chars)) == "error.text_too_long");
    std::string huge_invalid(1 << 20, '\xff');
    CHECK(key_of(check_text(Field::name, huge_invalid, max_name_chars)) == "error.text_invalid");
}

TEST_CASE("a whole request lists every problem with its field") {
    TicketRequest request;
    request.need_id = "no_such_need";
    request.language = "Norsk!";
    request.name = "Ola\nNordmann";
    request.phone = "123";
    request.description = std::string(max_description_chars + 1, 'x');
    const auto problems = validate(request, test::shipped_catalogue());
    std::set<std::string> seen;
    for (const auto& p : problems) seen.insert(std::string(to_string(p.field)) + "=" + p.message_key);
    CHECK(seen == std::set<std::string>{"need=error.need_unknown", "language=error.language_unknown",
                                        "name=error.text_control_characters", "phone=error.phone_format",
                                        "description=error.text_too_long"});
}

TEST_CASE("a callback request needs a phone number; a walk-in does not") {
    TicketRequest request = test::plain_request();
    CHECK(validate(request, test::shipped_catalogue()).empty());
    request.channel = Channel::callback;
    const auto problems = validate(request, test::shipped_catalogue());
    REQUIRE(problems.size() == 1);
    CHECK(problems.front().message_key == "error.phone_required");
    request.phone = "+47 912 34 567";
    CHECK(validate(request, test::shipped_catalogue()).empty());
}
