// protocol::split_event_batch, the hub's one-pass split of a push body, against a JSON
// reading of the whole body (nlohmann-json, strict_json.hpp): the split either declines
// (the hub then parses the body whole) or gives exactly the events the whole reading
// gives, as pieces of the body.
#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "protocol/protocol.hpp"
#include "strict_json.hpp"

using nlohmann::json;
using namespace skranke;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body = fuzz::as_text(data, size);
    const auto split = protocol::split_event_batch(body, protocol::max_json_depth);
    const bool body_within = protocol::nesting_within(body, protocol::max_json_depth);
    const json whole = body_within ? fuzz::strict_parse(body) : json(json::value_t::discarded);
    const bool whole_is_batch = !whole.is_discarded() && whole.is_object() && whole.size() == 1 &&
                                whole.contains("events") && whole.at("events").is_array();
    if (!split) {
        // A body as devices write it (nlohmann's dump) always takes the one-pass path.
        if (whole_is_batch) FUZZ_REQUIRE(body != whole.dump());
        return 0;
    }
    if (split->too_deep) {
        // The hub refuses the body as too_deep: only right when it does nest too deep.
        FUZZ_REQUIRE(!body_within);
        return 0;
    }
    FUZZ_REQUIRE(body_within);  // not too deep in events means not too deep as a whole
    std::vector<json> events;
    bool every_event_parses = true;
    for (const std::string_view text : split->events) {
        FUZZ_REQUIRE(text.data() >= body.data() && text.data() + text.size() <= body.data() + body.size());
        // Two levels are the body's own ({"events": [...]}).
        FUZZ_REQUIRE(protocol::nesting_within(text, protocol::max_json_depth - 2));
        json event = fuzz::strict_parse(text);
        if (event.is_discarded()) {
            every_event_parses = false;
            break;
        }
        events.push_back(std::move(event));
    }
    // The hub answers malformed_json when an event text does not parse: so every event
    // parses exactly when the whole body is a batch, and then they are the same events.
    FUZZ_REQUIRE(every_event_parses == whole_is_batch);
    if (whole_is_batch) {
        const json& listed = whole.at("events");
        FUZZ_REQUIRE(events.size() == listed.size());
        for (std::size_t i = 0; i < events.size(); ++i) FUZZ_REQUIRE(events[i] == listed[i]);
    }
    return 0;
}
