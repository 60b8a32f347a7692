// protocol::nesting_within, the hub's check before any JSON parse, against the depth of
// the value nlohmann-json reads from the same text.
#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "protocol/protocol.hpp"
#include "strict_json.hpp"

using nlohmann::json;
using namespace skranke;

namespace {

// Counts the deepest nesting of arrays and objects while nlohmann-json parses (SAX: no
// tree, no recursion, so any depth is safe to measure).
struct DepthCounter final : nlohmann::json_sax<json> {
    int depth = 0;
    int deepest = 0;
    bool open() {
        deepest = std::max(deepest, ++depth);
        return true;
    }
    bool close() {
        --depth;
        return true;
    }
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return open(); }
    bool key(string_t&) override { return true; }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(); }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::as_text(data, size);
    // Any text: a limit that holds also holds for every larger limit.
    bool within_before = false;
    for (int limit = 0; limit <= protocol::max_json_depth + 2; ++limit) {
        const bool within = protocol::nesting_within(text, limit);
        FUZZ_REQUIRE(within || !within_before);
        within_before = within;
    }
    DepthCounter counter;
    if (!fuzz::is_plain_json_text(text) || !json::sax_parse(text, &counter)) return 0;
    // A text that parses: within a limit exactly when its real depth is within it.
    for (int limit = 0; limit <= protocol::max_json_depth + 2; ++limit)
        FUZZ_REQUIRE(protocol::nesting_within(text, limit) == (counter.deepest <= limit));
    FUZZ_REQUIRE(protocol::nesting_within(text, counter.deepest));
    if (counter.deepest > 0) FUZZ_REQUIRE(!protocol::nesting_within(text, counter.deepest - 1));
    return 0;
}
