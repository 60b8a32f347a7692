// Checks on what a visitor types. Nothing is cut silently: too long is an error the
// visitor sees, in their language (message_key is a translation key).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ticket.hpp"

namespace skranke {

inline constexpr std::size_t max_name_chars = 80;          // code points
inline constexpr std::size_t max_description_chars = 500;  // code points
inline constexpr std::size_t max_reference_chars = 40;
inline constexpr std::size_t max_counter_bytes = 32;

enum class Field { need, name, phone, description, language, interpreter_language, appointment_reference };
std::string_view to_string(Field field);

struct ValidationProblem {
    Field field{};
    std::string message_key;   // e.g. "error.phone_format"
    std::size_t limit = 0;     // for "too long" messages: the limit in characters
};

// UTF-8 helpers used by validation and the on-screen keyboard.
bool is_valid_utf8(std::string_view text);
std::size_t utf8_length(std::string_view text);  // code points; text must be valid UTF-8
bool has_control_characters(std::string_view text);  // C0, DEL, C1 (as code points)

// A counter's name as staff pick it and the display shows it ("2", "Skranke 3"): 1 to
// max_counter_bytes bytes of UTF-8 without control characters.
bool is_counter_name(std::string_view name);

// A phone number a visitor may give: Norwegian 8 digits (spaces allowed, optional +47/0047)
// or an international +<country> number of 8 to 15 digits. Returns the normalised form
// ("+4791234567") or nothing.
std::optional<std::string> normalise_phone(std::string_view text);

std::optional<ValidationProblem> check_text(Field field, std::string_view text, std::size_t max_chars);
std::optional<ValidationProblem> check_phone(std::string_view text);

class ServiceCatalogue;
// All problems with a request, empty when it may be stored.
std::vector<ValidationProblem> validate(const TicketRequest& request, const ServiceCatalogue& catalogue);

}  // namespace skranke
