#include "display/display_app.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "domain/day_log.hpp"
#include "domain/office_time.hpp"
#include "domain/queue_state.hpp"

namespace skranke::display {
namespace {

constexpr double refresh_every_s = 1.0;

std::string clock_text(std::int64_t utc_ms) {
    const LocalTime t = office_zone().local(utc_ms);
    char text[32];
    std::snprintf(text, sizeof text, "%02d:%02d", t.hour, t.minute);
    return text;
}

// Everyone waiting reads the same words at the same moment: the languages take turns on the
// seconds since the display started, all labels together.
// The turn now_s falls in, and how long a turn lasts.
std::pair<double, double> label_turn(const DisplayServices& services, double now_s) {
    const double turn_s = std::max(services.label_seconds, 1.0);
    return {std::floor(std::max(now_s, 0.0) / turn_s), turn_s};
}

std::string label_language(const DisplayServices& services, double now_s) {
    const auto& languages = services.label_languages;
    if (languages.empty()) return "nb";
    return languages[static_cast<std::size_t>(label_turn(services, now_s).first) % languages.size()];
}

}  // namespace

DisplayApp::DisplayApp(DisplayServices services) : services_(std::move(services)) {
    state_.office_name = services_.office_name;
    state_.language = label_language(services_, 0);
}

void DisplayApp::refresh(double now_s) {
    last_refresh_s_ = now_s;
    const std::int64_t now = services_.wall_clock_ms ? services_.wall_clock_ms() : wall_clock_ms();
    state_.clock = clock_text(now);
    state_.offline = services_.online && !services_.online();
    state_.highlight = now_s - newest_at_s_ < services_.highlight_seconds;
    state_.language = label_language(services_, now_s);
}

void DisplayApp::read_calls(double now_s) {
    const std::int64_t now = services_.wall_clock_ms ? services_.wall_clock_ms() : wall_clock_ms();
    const auto snapshot = services_.view ? services_.view->snapshot() : nullptr;
    if (!snapshot) return;  // keep showing the last known state
    last_version_ = snapshot->version;
    // Calls are timed on the office's reference clock: today is read on it too.
    const std::string today = service_day_of(snapshot->reference_now(now));
    last_day_ = today;
    // Who is inside is the domain's one rule, the kiosk's too.
    last_capacity_ = services_.room_capacity ? services_.room_capacity() : 0;
    state_.room_full = last_capacity_ > 0 && people_in_room(snapshot->queue(), snapshot->reference_now(now)) >= last_capacity_;
    // Only today's calls; the newest first.
    std::vector<CallRecord> calls;
    for (const CallRecord& call : snapshot->fold.calls())
        if (service_day_of(call.at_ms) == today) calls.push_back(call);
    std::set<std::string> today_ids;  // what announced_ becomes: today's calls only, so it stays a day's size
    for (const CallRecord& call : calls) {
        today_ids.insert(call.event_id);
        if (announced_.count(call.event_id) != 0) continue;
        // Calls already made when the display started are shown but not announced again.
        if (started_ && services_.announcer) services_.announcer->announce(call);
        if (started_) newest_at_s_ = now_s;
    }
    announced_ = std::move(today_ids);
    started_ = true;
    std::reverse(calls.begin(), calls.end());
    state_.newest.reset();
    state_.earlier.clear();
    // A ticket shows once, at its latest call.
    std::set<std::string> shown;
    for (const CallRecord& call : calls) {
        if (!shown.insert(call.ticket_id).second) continue;
        const ShownCall item{call.number, call.counter, call.recall};
        if (!state_.newest) state_.newest = item;
        else if (state_.earlier.size() < services_.history) state_.earlier.push_back(item);
        else break;
    }
}

bool DisplayApp::tick(double now_s) {
    bool changed = false;
    // The calls are read again only when the queue view has a new snapshot, or the day turned.
    const auto snapshot = services_.view ? services_.view->snapshot() : nullptr;
    const std::int64_t now = services_.wall_clock_ms ? services_.wall_clock_ms() : wall_clock_ms();
    const int capacity = services_.room_capacity ? services_.room_capacity() : 0;
    const bool log_moved = snapshot && (snapshot->version != last_version_ ||
                                        service_day_of(snapshot->reference_now(now)) != last_day_ ||
                                        capacity != last_capacity_);
    const bool highlight_over = state_.highlight && now_s - newest_at_s_ >= services_.highlight_seconds;
    const bool labels_turn = label_language(services_, now_s) != state_.language;
    if (log_moved || now_s - last_refresh_s_ >= refresh_every_s || highlight_over || labels_turn) {
        const DisplayState before = state_;
        if (log_moved) read_calls(now_s);
        refresh(now_s);
        changed = changed || state_.clock != before.clock || state_.highlight != before.highlight ||
                  state_.offline != before.offline || state_.room_full != before.room_full ||
                  state_.language != before.language ||
                  state_.earlier.size() != before.earlier.size() ||
                  (state_.newest.has_value() != before.newest.has_value()) ||
                  (state_.newest && before.newest &&
                   (state_.newest->number != before.newest->number || state_.newest->counter != before.newest->counter)) ||
                  newest_at_s_ == now_s;
    }
    // After reading: a call that just arrived starts its chime in this same tick.
    if (services_.announcer && services_.announcer->tick()) changed = true;
    announcing_ = services_.announcer && services_.announcer->busy();
    return changed;
}

double DisplayApp::seconds_until_timer(double now_s) const {
    double due = last_refresh_s_ + refresh_every_s - now_s;
    if (services_.label_languages.size() > 1) {  // the next turn of the labels, on time
        const auto [turn, turn_s] = label_turn(services_, now_s);
        due = std::min(due, (turn + 1) * turn_s - now_s);
    }
    if (announcing_) due = std::min(due, 0.1);  // poll the speaker while it talks
    return std::max(0.0, due);
}

}  // namespace skranke::display
