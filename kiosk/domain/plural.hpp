// Which plural form a count takes in a language ("1 minutt", "2 minuty", "5 minut"), by the
// Unicode CLDR rules for whole numbers. Texts with a count have one variant per form the
// language uses; the one rule here picks it, for every program that fills in a count.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace skranke {

enum class PluralForm { zero, one, two, few, many, other };

std::string_view to_string(PluralForm form);

// The form of the whole number n in the language (a code such as "pl"). A language without
// rules of its own here takes English's: one for 1, other for the rest.
PluralForm plural_form(std::string_view language, std::int64_t n);

// The key of a text's variant for the count n in the language: key, a full stop and the form
// ("ticket.wait.few"). A text table looks this up first, then the key itself.
std::string counted_key(std::string_view key, std::string_view language, std::int64_t n);

}  // namespace skranke
