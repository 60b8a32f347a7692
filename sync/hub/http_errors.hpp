// How every hub route answers: JSON bodies, and errors as {"code", "message"} (PROTOCOL.md §9).
#pragma once

#include <string_view>

#include <httplib.h>

#include "protocol/protocol.hpp"

namespace skranke::hub {

inline constexpr const char* json_type = "application/json";

inline void send_error(httplib::Response& res, int status, std::string_view code, std::string_view message) {
    res.status = status;
    res.set_content(protocol::error_body(code, message), json_type);
}

}  // namespace skranke::hub
