// The reference JSON reading the targets compare with: nlohmann-json, but only for texts
// that are JSON by RFC 8259. nlohmann-json itself also takes a text that starts with a
// byte order mark (skipped) or holds a NUL byte (read as the end of the input), so it
// would accept "{...}\0anything" as an event (see crashes-found/README.md).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace skranke::fuzz {

inline bool is_plain_json_text(std::string_view text) {
    return text.find('\0') == std::string_view::npos && text.substr(0, 3) != "\xEF\xBB\xBF";
}

// The value of a JSON text, or a discarded value when it is not one.
inline nlohmann::json strict_parse(std::string_view text) {
    if (!is_plain_json_text(text)) return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(text, nullptr, false);
}

}  // namespace skranke::fuzz
