// The visitor flow's application layer: turns intents into state changes and store calls,
// runs the idle and ticket timers, and speaks. The screens never see the store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "domain/numbering.hpp"
#include "domain/service_catalogue.hpp"
#include "shell/speech.hpp"
#include "store/queue_view.hpp"
#include "shell/translations.hpp"
#include "visitor/kiosk_config.hpp"
#include "visitor/read_aloud.hpp"
#include "visitor/screen_reader.hpp"
#include "visitor/visitor_state.hpp"

namespace skranke {
class Store;
}
namespace skranke::printer {
class TicketPrinter;
}

namespace skranke::visitor {

struct VisitorServices {
    Store* store = nullptr;  // null: the store could not be opened; visitors are sent to reception
    QueueView* view = nullptr;  // the queue as this kiosk knows it (people ahead, wait estimate)
    const ServiceCatalogue* catalogue = nullptr;
    const KioskConfig* config = nullptr;
    const ui::Translations* translations = nullptr;
    ui::Speaker* speaker = nullptr;
    std::function<std::int64_t()> wall_clock_ms;  // for tickets and opening hours
    // The device's clocks for numbering (read_device_clocks); unset: wall_clock_ms alone.
    std::function<ClockReading()> device_clocks;
    // Recent service durations (ms) this kiosk knows of; empty: the queue view's, if any.
    // Neither: the wait is "unknown".
    std::function<std::vector<std::int64_t>()> recent_service_ms;
    // A ticket or callback request was committed: wake the sync engine, checkpoint later.
    std::function<void()> ticket_stored;
    // The paper-ticket printer; null: the kiosk has none. A ticket is queued on it once
    // stored, and the ticket screen follows the job (tick()).
    printer::TicketPrinter* printer = nullptr;
};

class VisitorApp {
public:
    explicit VisitorApp(VisitorServices services);

    const VisitorState& state() const { return state_; }

    // Applies one intent. spoken is the visible text of the frame, for read-aloud.
    void apply(const Intent& intent, const std::vector<ui::SpokenText>& spoken, double now_s);
    // The screen was touched: the idle timer starts again.
    void touched(double now_s);
    // Runs the timers; returns true when the state changed (redraw needed).
    bool tick(double now_s);
    // After a frame is drawn, with what it shows in reading order: reads the idle warning
    // aloud, once, to a visitor who had the screen read this visit.
    // In screen-reader mode, says what the visitor explored or what a double tap did.
    void drawn(const std::vector<ui::SpokenText>& spoken, const std::vector<ui::TouchTarget>& targets);
    // Before a frame: the finger and the keypad keys held, as the platform reports them; returns
    // the finger ImGui is to get (screen_reader.hpp). drag_px: how far a finger moves to drag.
    Finger reader_input(Finger raw, const std::vector<int>& keypad_down, double now_s, float drag_px);
    const ScreenReader& screen_reader() const { return reader_; }
    // Seconds until a timer needs the loop to wake up (negative: none).
    double seconds_until_timer(double now_s) const;
    // The store, once open (the window comes up before it); null sends visitors to reception.
    void set_store(Store* store, QueueView* view) {
        services_.store = store;
        services_.view = view;
    }
    // Forgets the visitor: form, keyboard, ticket, messages, speech. Back to the start.
    void wipe();
    // Nobody is using the kiosk: the start screen as the last wipe left it (new office
    // settings are taken in only then).
    bool between_visits() const;

private:
    void go(Screen screen);
    void enter();
    void back();
    void refresh_office();
    void next();
    void skip();
    void type(const Intent& intent);
    void choose_appointment_time(const Intent& intent);
    void answer_sms(bool yes);
    bool sms_phone_given();
    void issue(bool callback);
    bool check_field(TextField field);
    std::string* field_text(TextField field);
    void read_aloud(const std::vector<ui::SpokenText>& spoken);
    // The language has a voice, or the office recorded prompts for it.
    bool can_read_aloud(const std::string& language) const;
    ReadAloud how_to_read() const;
    void reader_say(const std::vector<ui::SpokenText>& words);
    bool follow_paper(double now_s);
    bool resting() const;

    VisitorServices services_;
    VisitorState state_;
    double last_touch_s_ = 0;
    double idle_deadline_s_ = 0;  // when the idle warning wipes
    bool read_warning_ = false;   // the next frame drawn is the idle warning, to be read aloud
    double screen_since_s_ = 0;   // when the current ticket / receipt appeared
    std::uint64_t print_job_ = 0;  // the shown ticket's paper, while it is printing
    ScreenReader reader_;
};

}  // namespace skranke::visitor
