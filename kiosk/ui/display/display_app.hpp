// The waiting-room display's application layer: reads the calls from the queue view's newest
// snapshot (kept up to date off the UI thread), keeps the view model and announces each new
// call once.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "display/announcer.hpp"
#include "display/display_state.hpp"
#include "store/queue_view.hpp"

namespace skranke::display {

struct DisplayServices {
    QueueView* view = nullptr;                    // the calls, as the device knows them
    Announcer* announcer = nullptr;               // empty: silent
    std::function<std::int64_t()> wall_clock_ms;
    std::function<bool()> online;                 // empty: always online
    // office.room_capacity as the office's configuration has it now; empty or 0: no limit.
    std::function<int()> room_capacity;
    std::string office_name = "NAV";
    std::size_t history = 7;                      // earlier calls kept beside the newest (as many shown as fit)
    double highlight_seconds = 8;
    // The labels' languages, each shown for label_seconds in turn (the first alone: always).
    std::vector<std::string> label_languages = {"nb"};
    double label_seconds = 6;
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
    std::uint64_t last_version_ = 0;  // of the snapshot the calls were read from
    std::string last_day_;            // the office day they were read for
    std::string last_clock_;
    int last_capacity_ = 0;           // the room's capacity the state was read with
};

}  // namespace skranke::display
