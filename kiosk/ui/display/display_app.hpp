// The waiting-room display's application layer: reads the calls from the local replica
// (kept by the sync engine), keeps the view model and announces each new call once.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "display/announcer.hpp"
#include "display/display_state.hpp"
#include "store/store.hpp"

namespace skranke::display {

struct DisplayServices {
    Store* store = nullptr;
    Announcer* announcer = nullptr;               // empty: silent
    std::function<std::int64_t()> wall_clock_ms;
    std::function<bool()> online;                 // empty: always online
    std::function<std::int64_t()> cursor;         // the engine's cursor: refresh when it moves
    std::string office_name = "NAV";
    std::size_t history = 7;                      // earlier calls shown under the newest
    double highlight_seconds = 8;
};

class DisplayApp {
public:
    explicit DisplayApp(DisplayServices services);

    const DisplayState& state() const { return state_; }
    // Reads new calls and announces them; true when something visible changed.
    bool tick(double now_s);
    // Clock, offline mark and highlight.
    void refresh(double now_s);
    // The calls from the store (announcing the new ones).
    void read_calls(double now_s);
    double seconds_until_timer(double now_s) const;
    // How many calls it remembers as announced: today's only, so a year leaves no trace.
    std::size_t remembered_calls() const { return announced_.size(); }

private:
    DisplayServices services_;
    DisplayState state_;
    std::set<std::string> announced_;  // call event ids already announced (or there at start)
    bool started_ = false;
    bool announcing_ = false;
    double newest_at_s_ = -1e9;
    double last_refresh_s_ = -1e9;
    std::int64_t last_cursor_ = -1;
    std::string last_clock_;
};

}  // namespace skranke::display
