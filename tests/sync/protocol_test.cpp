// Protocol shapes and the engine's timing rules, without a network.
#include <doctest/doctest.h>

#include <set>

#include "client/hub_client.hpp"
#include "client/sync_engine.hpp"
#include "domain/events.hpp"
#include "protocol/issue_event.hpp"
#include "protocol/protocol.hpp"
#include "support/sample_events.hpp"
#include "support/store_fixture.hpp"

using namespace skranke;
using namespace skranke::test;

TEST_CASE("nesting is checked before parsing, and brackets inside strings do not count") {
    CHECK(protocol::nesting_within(R"({"a":[{"b":"[[[[[[[[[[[[[[[[[[[[[["}]})", 4));
    CHECK_FALSE(protocol::nesting_within(std::string(17, '['), 16));
    CHECK(protocol::nesting_within(std::string(16, '['), 16));
    CHECK(protocol::nesting_within(R"("\"[[[[")", 0));
}

TEST_CASE("a JSON text is what RFC 8259 says: no NUL byte, no byte order mark") {
    const std::string event = issued_event("kiosk-a", 1, test_time_ms()).dump();
    CHECK_FALSE(protocol::parse_json_text(event).is_discarded());
    CHECK(protocol::parse_event(event).ok());
    for (const std::string& bad : {event + std::string("\0", 1) + "anything", std::string("\0", 1) + event,
                                   "\xEF\xBB\xBF" + event, event.substr(0, 10) + std::string("\0", 1) + event.substr(10)}) {
        CHECK(protocol::parse_json_text(bad).is_discarded());
        CHECK_FALSE(protocol::parse_event(bad).ok());
    }
    CHECK(protocol::parse_json_text(R"({"text": "\u0000 escaped is fine"})").is_object());
}

TEST_CASE("a push body is split into the events' own texts in one pass") {
    const auto split = protocol::split_event_batch(
        " {\n \"events\" : [ {\"a\":\"],}\\\"{\"} ,\n[1,[2]] ,\"x\", 3 ] } \n", 16);
    REQUIRE(split);
    CHECK_FALSE(split->too_deep);
    REQUIRE(split->events.size() == 4);
    CHECK(split->events[0] == R"({"a":"],}\"{"})");
    CHECK(split->events[1] == "[1,[2]]");
    CHECK(split->events[2] == R"("x")");
    CHECK(split->events[3] == "3");
    for (const auto text : split->events) CHECK_FALSE(nlohmann::json::parse(text, nullptr, false).is_discarded());

    const auto empty = protocol::split_event_batch(R"({"events":[ ]})", 16);
    REQUIRE(empty);
    CHECK(empty->events.empty());
    // Two levels are the body's own: an event may nest 14 more.
    CHECK_FALSE(protocol::split_event_batch("{\"events\":[" + std::string(14, '[') + std::string(14, ']') + "]}", 16)->too_deep);
    CHECK(protocol::split_event_batch("{\"events\":[" + std::string(15, '[') + std::string(15, ']') + "]}", 16)->too_deep);
    // Any other layout is left to the whole parse.
    for (const char* other : {R"({"events":[],"x":1})", R"({"x":1,"events":[]})", R"({"events":[1]} x)",
                              R"({"events":[1})", R"({"events":{}})", R"([{"events":[]}])", R"({"events":["]})",
                              "", "{"}) {
        CAPTURE(other);
        CHECK_FALSE(protocol::split_event_batch(other, 16));
    }
}

TEST_CASE("the hub's quick reading of issue events agrees with the general one, or leaves the event to it") {
    protocol::IssueEventReader reader;
    auto kiosk_made = issued_event("kiosk-a", 7, test_time_ms());
    kiosk_made["ticket"]["name"] = "Åse Ødegård بن";
    kiosk_made["ticket"]["appointment_ms"] = test_time_ms() + 3600000;
    auto callback = issued_event("kiosk-b", 1, test_time_ms());
    callback["type"] = "callback.requested";
    callback["ticket"]["channel"] = "callback";
    callback["ticket"]["phone"] = "+4790000000";

    // What kiosks write is read the quick way, to the same ticket; spaces change nothing.
    for (const auto& text : {kiosk_made.dump(), callback.dump(), issued_event("kiosk-a", 1, test_time_ms(), true, 'C').dump(),
                             " " + kiosk_made.dump() + " "}) {
        CAPTURE(text);
        const auto event = nlohmann::json::parse(text);
        const auto quick = reader.read(text);
        REQUIRE(quick);
        CHECK(type_name(*quick) == event.at("type").get<std::string>());
        const auto general = protocol::parse_event(text);
        REQUIRE(general.ok());
        CHECK(*quick == *general);
    }

    // Everything else is left to the general reading, whatever that makes of it.
    const std::string good = kiosk_made.dump();
    std::vector<std::string> others = {
        kiosk_made.dump(2),                                                 // line breaks
        good + "x", good + good, good + "}",                                // something after it
        good.substr(0, good.size() - 1),                                    // cut short
        "[" + good + "]", "7", "null", "",
    };
    const auto changed = [&](auto change) {
        auto event = kiosk_made;
        change(event);
        others.push_back(event.dump());
    };
    changed([](auto& e) { e["ticket"]["name"] = "Kari \"K\" Nordmann"; });   // an escape
    changed([](auto& e) { e["ticket"]["description"] = "line\nbreak"; });
    changed([](auto& e) { e["extra"] = 1; });                                  // unknown fields
    changed([](auto& e) { e["ticket"]["extra"] = 1; });
    changed([](auto& e) { e["ticket"]["accessibility"]["extra"] = true; });
    changed([](auto& e) { e.erase("created_ms"); });                            // missing fields
    changed([](auto& e) { e["ticket"].erase("name"); });
    changed([](auto& e) { e["ticket"].erase("state"); });
    changed([](auto& e) { e["ticket"]["accessibility"].erase("sight"); });
    changed([](auto& e) { e["device_seq"] = "7"; });                            // wrong types
    changed([](auto& e) { e["device_seq"] = 7.0; });
    changed([](auto& e) { e["created_ms"] = 1.5; });
    changed([](auto& e) { e["ticket"]["sequence"] = 1.0; });
    changed([](auto& e) { e["ticket"]["sequence"] = 4294967297LL; });
    changed([](auto& e) { e["ticket"]["urgent"] = 0; });
    changed([](auto& e) { e["ticket"]["appointment_ms"] = 1.5; });
    changed([](auto& e) { e["ticket"]["appointment_ms"] = "soon"; });
    changed([](auto& e) { e["ticket"]["name"] = nullptr; });
    changed([](auto& e) { e["ticket"]["accessibility"] = true; });
    changed([](auto& e) { e["ticket"] = "A 001"; });
    changed([](auto& e) { e["ticket"]["letter"] = "AB"; });                     // wrong values
    changed([](auto& e) { e["ticket"]["channel"] = "pigeon"; });
    changed([](auto& e) { e["ticket"]["state"] = "lost"; });
    changed([](auto& e) { e["event_id"] = "kiosk-a:8"; });                      // wrong shape
    changed([](auto& e) { e["device_id"] = "Kiosk A"; });
    changed([](auto& e) { e["device_seq"] = 0; });
    changed([](auto& e) { e["type"] = "ticket.called"; });
    changed([](auto& e) { e["type"] = "ticket.exploded"; });
    std::string twice = good;  // a field twice
    twice.insert(1, R"("created_ms":1,)");
    others.push_back(twice);
    std::string not_utf8 = good;
    not_utf8.replace(not_utf8.find("Åse"), 2, "\xff\xfe");
    others.push_back(not_utf8);
    for (const auto& text : others) {
        CAPTURE(text);
        CHECK_FALSE(reader.read(text));
    }
    // The reader is used again and again on one thread.
    CHECK(reader.read(good));
}

TEST_CASE("results and log entries survive a round trip through JSON") {
    const protocol::EventResult r{"kiosk-a:1", "rejected", std::nullopt, "already_called", "x"};
    const auto back = protocol::event_result_from_json(protocol::to_json(r));
    REQUIRE(back);
    CHECK(back->code == "already_called");
    CHECK_FALSE(protocol::event_result_from_json(nlohmann::json{{"event_id", "a"}, {"status", "maybe"}}));
    const protocol::LogEntry e{7, test_time_ms(), -5, issued_event("kiosk-a", 1, test_time_ms()).dump()};
    const auto entry = protocol::read_log_entry(nlohmann::json::parse(protocol::log_entry_json(e)));
    REQUIRE(entry);
    CHECK(entry->hub_seq == 7);
    CHECK(entry->received_ms == test_time_ms());
    CHECK(entry->device_clock_offset_ms == -5);
    REQUIRE(entry->event.ok());
    CHECK(*entry->event == as_event(issued_event("kiosk-a", 1, test_time_ms())));
}

TEST_CASE("a push reply is written as nlohmann-json writes it, and read back the quick way or the general one") {
    const std::vector<protocol::EventResult> results = {
        {"kiosk-a:1", "stored", 41, "", ""},
        {"kiosk-a:2", "rejected", std::nullopt, "conflict", "event id kiosk-a:2 was stored with a \"different\" body"},
        {"kiosk-a:3", "rejected", std::nullopt, "bad_event", "Øyvind's ticket\nis malformed"},
        {"Odd \"id\"", "stored", 43, "", ""},
        {"kiosk-a:5", "stored", 9007199254740993LL, "", ""},
    };
    nlohmann::json tree = nlohmann::json::array();
    for (const auto& r : results) tree.push_back(protocol::to_json(r));
    const std::string expected = nlohmann::json{{"results", tree}, {"hub_time_ms", 1772442000000LL}}.dump();
    const std::string written = protocol::push_reply_json(results, 1772442000000LL);
    CHECK(written == expected);

    const auto same = [&](const std::string& text) {
        CAPTURE(text);
        const auto back = protocol::push_reply_results(text);
        REQUIRE(back);
        REQUIRE(back->size() == results.size());
        for (std::size_t i = 0; i < results.size(); ++i) CHECK(protocol::to_json((*back)[i]) == tree[i]);
    };
    same(written);  // escapes in it: read as a JSON tree
    const std::vector<protocol::EventResult> plain(results.begin(), results.begin() + 1);
    const auto plain_back = protocol::push_reply_results(protocol::push_reply_json(plain, 1));
    REQUIRE(plain_back);
    REQUIRE(plain_back->size() == 1);
    CHECK(plain_back->front().hub_seq == 41);
    same(nlohmann::json::parse(written).dump(2));
    same(R"({"results":[)" + tree[0].dump() + "," + tree[1].dump() + "," + tree[2].dump() + "," + tree[3].dump() + "," +
         tree[4].dump() + R"(],"extra":true})");
    CHECK(protocol::push_reply_results(R"({"results":[]})")->empty());

    for (const char* bad : {"", "[]", "{}", R"({"results":{}})", R"({"results":[7]})",
                            R"({"results":[{"event_id":"a"}]})", R"({"results":[{"event_id":"a","status":"maybe"}]})",
                            R"({"results":[{"event_id":"a","status":"stored","hub_seq":"1"}]})",
                            R"({"results":[{"event_id":"a","status":"stored"}]} x)", R"({"results":[{"event_id":"a","status":"stored"})"}) {
        CAPTURE(bad);
        CHECK_FALSE(protocol::push_reply_results(bad));
    }
}

TEST_CASE("backoff is capped, grows exponentially and is fully jittered") {
    CHECK(sync::backoff_delay_ms(0, 250, 30000, ~0ULL) <= 250);
    CHECK(sync::backoff_delay_ms(3, 250, 30000, 2000) == 2000);
    CHECK(sync::backoff_delay_ms(3, 250, 30000, 2001) == 0);  // 2001 % 2001: the full range down to zero
    for (int attempt = 0; attempt < 80; ++attempt) CHECK(sync::backoff_delay_ms(attempt, 250, 30000, ~0ULL) <= 30000);
    std::set<std::int64_t> seen;
    for (std::uint64_t r = 0; r < 50; ++r) seen.insert(sync::backoff_delay_ms(10, 250, 30000, r * 7919));
    CHECK(seen.size() > 40);
}

TEST_CASE("Retry-After is read as seconds or as an HTTP date") {
    CHECK(sync::parse_retry_after_ms(" 3\r\n") == 3000);
    CHECK(sync::parse_retry_after_ms("0") == 0);
    CHECK_FALSE(sync::parse_retry_after_ms("soon"));
    CHECK_FALSE(sync::parse_retry_after_ms(""));
    CHECK(sync::parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT") == 0);  // in the past: now
}
