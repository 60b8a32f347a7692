// What a visitor types (kiosk/domain/validation.hpp), against references written here:
// simdjson's UTF-8 check, code points and control characters counted byte by byte. What
// validation accepts is valid UTF-8, within its length, free of control characters, and a
// normalised phone number normalises to itself.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>

#include <simdjson.h>

#include "domain/service_catalogue.hpp"
#include "domain/validation.hpp"
#include "fuzz_check.hpp"

using namespace skranke;

namespace {

// Code points of valid UTF-8: every byte that is not a continuation byte starts one.
std::size_t code_points(std::string_view text) {
    std::size_t count = 0;
    for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

// C0, DEL and C1 in valid UTF-8: C1 (U+0080-U+009F) is the two bytes C2 80-C2 9F.
bool has_control(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b < 0x20 || b == 0x7F) return true;
        if (b == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F) return true;
    }
    return false;
}

bool text_acceptable(std::string_view text, std::size_t max_chars) {
    return simdjson::validate_utf8(text.data(), text.size()) && !has_control(text) && code_points(text) <= max_chars;
}

bool is_language_code(std::string_view code) {
    if (code.size() < 2 || code.size() > 3) return false;
    for (const char c : code)
        if (c < 'a' || c > 'z') return false;
    return true;
}

// The normalised form: '+' and 8 to 15 digits, a Norwegian one '+47' and 8 digits not
// starting with 0 or 1.
bool is_normalised_phone(std::string_view phone) {
    if (phone.size() < 9 || phone.size() > 16 || phone[0] != '+' || phone[1] == '0') return false;
    for (const char c : phone.substr(1))
        if (c < '0' || c > '9') return false;
    if (phone.substr(1, 2) == "47") return phone.size() == 11 && phone[3] != '0' && phone[3] != '1';
    return true;
}

const ServiceCatalogue& catalogue() {
    static const ServiceCatalogue loaded = [] {
        auto result = ServiceCatalogue::load_file(std::string(SKRANKE_ASSET_DIR) + "/services.toml");
        if (!result) std::abort();
        return std::move(result.value());
    }();
    return loaded;
}

void check_one_text(std::string_view text) {
    const bool valid = is_valid_utf8(text);
    FUZZ_REQUIRE(valid == simdjson::validate_utf8(text.data(), text.size()));
    if (valid) {
        FUZZ_REQUIRE(utf8_length(text) == code_points(text));
        FUZZ_REQUIRE(has_control_characters(text) == has_control(text));
    }
    FUZZ_REQUIRE(utf8_length(text) <= text.size());
    for (const std::size_t limit : {std::size_t{0}, std::size_t{1}, max_name_chars, max_reference_chars}) {
        const auto problem = check_text(Field::name, text, limit);
        FUZZ_REQUIRE(!problem == text_acceptable(text, limit));
        if (problem) FUZZ_REQUIRE(problem->field == Field::name && !problem->message_key.empty());
    }
    // The phone: what is accepted normalises to the normal form, and that to itself.
    const auto phone = normalise_phone(text);
    FUZZ_REQUIRE(!check_phone(text) == (text.size() <= 32 && phone.has_value()));
    if (phone) {
        FUZZ_REQUIRE(is_normalised_phone(*phone));
        FUZZ_REQUIRE(normalise_phone(*phone) == phone);
        FUZZ_REQUIRE(!check_phone(*phone));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    TicketRequest r;
    const auto& needs = catalogue().needs();
    r.need_id = input.ConsumeBool() ? needs[input.ConsumeIntegralInRange<std::size_t>(0, needs.size() - 1)].id
                                    : input.ConsumeRandomLengthString(70);
    r.channel = input.PickValueInArray({Channel::walk_in, Channel::appointment, Channel::callback});
    r.interpreter_wanted = input.ConsumeBool();
    r.language = input.ConsumeRandomLengthString(4);
    r.interpreter_language = input.ConsumeRandomLengthString(4);
    r.name = input.ConsumeRandomLengthString(400);
    r.phone = input.ConsumeRandomLengthString(40);
    r.appointment_reference = input.ConsumeRandomLengthString(200);
    r.description = input.ConsumeRemainingBytesAsString();
    for (const std::string* text : {&r.name, &r.phone, &r.description}) check_one_text(*text);

    // The whole request: a problem for a field exactly when that field is wrong.
    bool problem_for[7] = {};
    for (const ValidationProblem& p : validate(r, catalogue())) problem_for[static_cast<int>(p.field)] = true;
    FUZZ_REQUIRE(problem_for[static_cast<int>(Field::need)] == (catalogue().find(r.need_id) == nullptr));
    FUZZ_REQUIRE(problem_for[static_cast<int>(Field::language)] == !is_language_code(r.language));
    FUZZ_REQUIRE(problem_for[static_cast<int>(Field::interpreter_language)] ==
                 (r.interpreter_wanted && !r.interpreter_language.empty() && !is_language_code(r.interpreter_language)));
    FUZZ_REQUIRE(problem_for[static_cast<int>(Field::name)] == !text_acceptable(r.name, max_name_chars));
    FUZZ_REQUIRE(problem_for[static_cast<int>(Field::description)] ==
                 !text_acceptable(r.description, max_description_chars));
    FUZZ_REQUIRE(problem_for[static_cast<int>(Field::appointment_reference)] ==
                 !text_acceptable(r.appointment_reference, max_reference_chars));
    const bool phone_ok = r.phone.empty() ? r.channel != Channel::callback : !check_phone(r.phone);
    FUZZ_REQUIRE(problem_for[static_cast<int>(Field::phone)] == !phone_ok);
    return 0;
}
