#include "domain/validation.hpp"

#include <array>
#include <cstdint>

#include "domain/service_catalogue.hpp"

namespace skranke {
namespace {

// Decodes one code point at text[i]; advances i. Returns -1 on any malformed sequence
// (overlong forms, surrogates, values above U+10FFFF, truncated sequences).
std::int32_t next_code_point(std::string_view text, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    std::size_t length;
    std::int32_t cp;
    std::int32_t min;
    if ((lead & 0xE0) == 0xC0) { length = 2; cp = lead & 0x1F; min = 0x80; }
    else if ((lead & 0xF0) == 0xE0) { length = 3; cp = lead & 0x0F; min = 0x800; }
    else if ((lead & 0xF8) == 0xF0) { length = 4; cp = lead & 0x07; min = 0x10000; }
    else return -1;
    if (i + length > text.size()) return -1;
    for (std::size_t k = 1; k < length; ++k) {
        const unsigned char next = byte(i + k);
        if ((next & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (next & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += length;
    return cp;
}

bool is_control(std::int32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

bool is_language_code(std::string_view code) {
    if (code.size() < 2 || code.size() > 3) return false;
    for (char c : code)
        if (c < 'a' || c > 'z') return false;
    return true;
}

}  // namespace

std::string_view to_string(Field field) {
    switch (field) {
        case Field::need: return "need";
        case Field::name: return "name";
        case Field::phone: return "phone";
        case Field::description: return "description";
        case Field::language: return "language";
        case Field::interpreter_language: return "interpreter_language";
        case Field::appointment_reference: return "appointment_reference";
    }
    return "unknown";
}

bool is_valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();)
        if (next_code_point(text, i) < 0) return false;
    return true;
}

std::size_t utf8_length(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++count)
        if (next_code_point(text, i) < 0) ++i;  // invalid byte: counted as one, never loops
    return count;
}

bool has_control_characters(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const std::int32_t cp = next_code_point(text, i);
        if (cp < 0) ++i;
        else if (is_control(cp)) return true;
    }
    return false;
}

bool is_counter_name(std::string_view name) {
    return !name.empty() && name.size() <= max_counter_bytes && is_valid_utf8(name) && !has_control_characters(name);
}

std::optional<std::string> normalise_phone(std::string_view text) {
    // Keep digits and a leading '+'; spaces and hyphens are separators people type.
    std::string digits;
    bool plus = false;
    bool seen_digit = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            digits += c;
            seen_digit = true;
        } else if (c == '+' && !seen_digit && !plus) {
            plus = true;
        } else if (c != ' ' && c != '-') {
            return std::nullopt;
        }
    }
    if (!plus && digits.size() > 2 && digits.compare(0, 2, "00") == 0) {  // 0047... = +47...
        plus = true;
        digits.erase(0, 2);
    }
    if (!plus) {
        // A Norwegian number: eight digits, never starting with 0 or 1.
        if (digits.size() != 8 || digits[0] == '0' || digits[0] == '1') return std::nullopt;
        return "+47" + digits;
    }
    if (digits.empty() || digits[0] == '0') return std::nullopt;  // country codes never start with 0
    if (digits.compare(0, 2, "47") == 0) {
        const std::string national = digits.substr(2);
        if (national.size() != 8 || national[0] == '0' || national[0] == '1') return std::nullopt;
        return "+" + digits;
    }
    if (digits.size() < 8 || digits.size() > 15) return std::nullopt;  // E.164: at most 15 digits
    return "+" + digits;
}

std::optional<ValidationProblem> check_text(Field field, std::string_view text, std::size_t max_chars) {
    if (!is_valid_utf8(text)) return ValidationProblem{field, "error.text_invalid", 0};
    if (has_control_characters(text)) return ValidationProblem{field, "error.text_control_characters", 0};
    // More than four bytes per allowed character is too long without counting code points.
    if (text.size() > max_chars * 4 || utf8_length(text) > max_chars)
        return ValidationProblem{field, "error.text_too_long", max_chars};
    return std::nullopt;
}

std::optional<ValidationProblem> check_phone(std::string_view text) {
    if (text.size() > 32 || !normalise_phone(text)) return ValidationProblem{Field::phone, "error.phone_format", 0};
    return std::nullopt;
}

std::vector<ValidationProblem> validate(const TicketRequest& request, const ServiceCatalogue& catalogue) {
    std::vector<ValidationProblem> problems;
    const auto add = [&](std::optional<ValidationProblem> problem) {
        if (problem) problems.push_back(std::move(*problem));
    };
    if (catalogue.find(request.need_id) == nullptr) problems.push_back({Field::need, "error.need_unknown", 0});
    if (!is_language_code(request.language)) problems.push_back({Field::language, "error.language_unknown", 0});
    if (request.interpreter_wanted && !request.interpreter_language.empty() &&
        !is_language_code(request.interpreter_language))
        problems.push_back({Field::interpreter_language, "error.language_unknown", 0});
    add(check_text(Field::name, request.name, max_name_chars));
    add(check_text(Field::description, request.description, max_description_chars));
    add(check_text(Field::appointment_reference, request.appointment_reference, max_reference_chars));
    if (!request.phone.empty()) add(check_phone(request.phone));
    else if (request.channel == Channel::callback)
        problems.push_back({Field::phone, "error.phone_required", 0});
    return problems;
}

}  // namespace skranke
