#include "domain/plural.hpp"

#include <cstdint>
#include <limits>

namespace skranke {
namespace {

bool in(std::int64_t value, std::int64_t low, std::int64_t high) { return value >= low && value <= high; }

}  // namespace

std::string_view to_string(PluralForm form) {
    switch (form) {
        case PluralForm::zero: return "zero";
        case PluralForm::one: return "one";
        case PluralForm::two: return "two";
        case PluralForm::few: return "few";
        case PluralForm::many: return "many";
        case PluralForm::other: return "other";
    }
    return "other";
}

PluralForm plural_form(std::string_view language, std::int64_t n) {
    // The rules look at the number's digits: a negative count reads as its size. Saturated,
    // so the smallest int64 has a size too.
    constexpr std::int64_t top = std::numeric_limits<std::int64_t>::max();
    const std::int64_t i = n >= 0 ? n : n < -top ? top : -n;
    const std::int64_t last = i % 10, last_two = i % 100;
    if (language == "pl") {
        if (i == 1) return PluralForm::one;
        if (in(last, 2, 4) && !in(last_two, 12, 14)) return PluralForm::few;
        return PluralForm::many;
    }
    if (language == "uk" || language == "ru" || language == "be") {
        if (last == 1 && last_two != 11) return PluralForm::one;
        if (in(last, 2, 4) && !in(last_two, 12, 14)) return PluralForm::few;
        return PluralForm::many;
    }
    if (language == "lt") {
        if (last == 1 && !in(last_two, 11, 19)) return PluralForm::one;
        if (in(last, 2, 9) && !in(last_two, 11, 19)) return PluralForm::few;
        return PluralForm::other;
    }
    if (language == "ar") {
        if (i == 0) return PluralForm::zero;
        if (i == 1) return PluralForm::one;
        if (i == 2) return PluralForm::two;
        if (in(last_two, 3, 10)) return PluralForm::few;
        if (in(last_two, 11, 99)) return PluralForm::many;
        return PluralForm::other;
    }
    // Persian and Tigrinya: 0 and 1 take the singular.
    if (language == "fa" || language == "ti") return i <= 1 ? PluralForm::one : PluralForm::other;
    // Norwegian (both), English, Somali and the rest.
    return i == 1 ? PluralForm::one : PluralForm::other;
}

std::string counted_key(std::string_view key, std::string_view language, std::int64_t n) {
    return std::string(key) + "." + std::string(to_string(plural_form(language, n)));
}

}  // namespace skranke
