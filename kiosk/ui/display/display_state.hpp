// What the waiting-room display shows, and nothing more: ticket numbers and counters. The
// view model has no field that could hold a name, phone, need or description, so the
// screen cannot draw one by mistake.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace skranke::display {

struct ShownCall {
    std::string number;   // "B 017"
    std::string counter;  // "2"
    bool recall = false;
};

struct DisplayState {
    std::string office_name;
    std::string clock;                 // "14:05"
    std::optional<ShownCall> newest;   // very large
    bool highlight = false;            // the newest call is fresh: drawn brighter for a few seconds
    std::vector<ShownCall> earlier;    // the calls before it, newest first
    bool offline = false;              // the hub has not answered for a while
    bool room_full = false;            // as many wait inside as office.room_capacity (a count, never who)
    std::string language = "nb";       // of the labels now ("Nummer", "Skranke 2"): the office's languages in turn
};

}  // namespace skranke::display
