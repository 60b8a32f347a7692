// The quick reading of issue events (protocol::IssueEventReader, simdjson on-demand)
// against the one general reader (protocol::parse_event): the quick one gives exactly the
// typed event the general one gives for the same text, or declines.
#include "fuzz_check.hpp"
#include "protocol/event_codec.hpp"
#include "protocol/issue_event.hpp"

using namespace skranke;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static protocol::IssueEventReader reader;  // as the hub keeps one per thread
    const std::string_view text = fuzz::as_text(data, size);
    const auto quick = reader.read(text);
    if (!quick) return 0;
    const auto general = protocol::parse_event(text);
    FUZZ_REQUIRE(general.ok());
    FUZZ_REQUIRE(*general == *quick);
    FUZZ_REQUIRE(is_issue(*quick));
    return 0;
}
