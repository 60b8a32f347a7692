// What every fuzz target uses to state a property: a broken one is reported and aborts,
// which libFuzzer records as a crash with the input that broke it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace skranke::fuzz {

[[noreturn]] inline void broken(const char* property, const char* file, int line) {
    std::fprintf(stderr, "\nPROPERTY BROKEN at %s:%d: %s\n", file, line, property);
    std::abort();
}

// The input as text, over libFuzzer's own buffer of exactly size bytes: a read past the
// end is an AddressSanitizer report, not a read of a terminating zero.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace skranke::fuzz

#define FUZZ_REQUIRE(condition) \
    ((condition) ? static_cast<void>(0) : ::skranke::fuzz::broken(#condition, __FILE__, __LINE__))
