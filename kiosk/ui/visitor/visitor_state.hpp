// The visitor flow's view model: everything the screens read. The application layer
// (visitor_app) owns it and changes it only in response to intents and timers; screens
// never write to it. Everything the visitor entered is in VisitorForm, so wiping is
// resetting one value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shell/keyboard.hpp"
#include "shell/touch.hpp"
#include "visitor/opening_hours.hpp"
#include "visitor/queue_figures.hpp"

namespace skranke::visitor {

enum class Screen {
    start,                 // welcome + language
    notice,                // the office's notice before anything else (office.entry_notice)
    appointment_question,  // "Do you have an appointment?"
    appointment_time,      // "What time is your appointment?" (big time buttons, "I don't know")
    appointment_details,   // optional name / reference for a check-in
    need,                  // need grid
    questions,             // children, interpreter, accessibility
    details,               // optional description, name, phone
    confirm,               // summary + "Get ticket"
    ticket,                // the ticket
    closed,                // outside opening hours
    room_full,             // the waiting room is full (office.room_capacity)
    callback_need,         // callback request: need
    callback_phone,        // callback request: phone (required)
    callback_confirm,      // callback request: summary + "Send"
    callback_done,         // "We will call you"
    sms,                   // "Do you want an SMS when it is nearly your turn?" (office.sms_near_front)
    reception,             // the store failed: "please go to the reception desk"
};
std::string_view screen_name(Screen screen);
inline constexpr Screen all_screens[] = {Screen::start,
                                         Screen::notice,
                                         Screen::appointment_question,
                                         Screen::appointment_time,
                                         Screen::appointment_details,
                                         Screen::need,
                                         Screen::questions,
                                         Screen::details,
                                         Screen::confirm,
                                         Screen::ticket,
                                         Screen::closed,
                                         Screen::room_full,
                                         Screen::callback_need,
                                         Screen::callback_phone,
                                         Screen::callback_confirm,
                                         Screen::callback_done,
                                         Screen::sms,
                                         Screen::reception};

enum class TextField { none, description, name, phone, reference };

// What the visitor told the kiosk. Personal data: wiped after each visit.
struct VisitorForm {
    bool appointment = false;
    std::optional<std::int64_t> appointment_ms;  // the tapped time; nothing: "I don't know"
    std::string need_id;
    std::optional<bool> children;
    std::optional<bool> interpreter;
    std::string interpreter_language;
    bool wheelchair = false;
    bool hearing = false;
    bool sight = false;
    std::string description;
    std::string name;
    std::string phone;
    std::string reference;
    // The answer to the SMS question: only a tap on "Yes" is consent; no answer is no SMS.
    std::optional<bool> sms;
    // Chose "wait outside" on the room-full screen: asked for the SMS first, not counted inside.
    bool waits_outside = false;
};

// A need button, from the service catalogue.
struct NeedChoice {
    std::string id;
    std::string text_key;
    std::string pictogram;
    bool emergency = false;
    bool appointment = false;
};

// The ticket (or callback receipt) as shown: no store types in the view.
struct TicketView {
    // The paper ticket: none (no printer, or a callback receipt), on its way, in the
    // visitor's hand, or not printed (the visitor is asked to write the number down).
    enum class Paper { none, printing, printed, failed };

    std::string number;         // "A 017"
    std::string spoken_number;  // "A 17"
    std::string need_text_key;
    bool urgent = false;
    QueueFigures figures;
    Paper paper = Paper::none;
    bool sms = false;            // the visitor asked for the SMS (never the number itself here)
    bool waits_outside = false;  // and waits outside for it
};

struct VisitorState {
    Screen screen = Screen::start;
    std::vector<Screen> history;  // for Back
    std::string language;         // UI language code
    VisitorForm form;
    TextField editing = TextField::none;
    bool shift = false;           // on-screen keyboard shift
    std::string error_key;        // a validation message to show, by key
    std::size_t error_limit = 0;  // for "too long" messages
    bool language_menu = false;   // the language picker is open
    bool large_text = false;
    bool high_contrast = false;
    bool idle_warning = false;
    int idle_seconds_left = 0;
    std::string notice_key;  // a short notice (e.g. read-aloud unavailable)
    std::optional<TicketView> ticket;
    ui::DragScroll scroll;  // body scroll of the current screen
    std::vector<AppointmentSlot> appointment_slots;  // the times offered, fixed when the screen opens
    // The waiting room was full when this visit started: a walk-in's need screen then offers
    // only the needs that cannot wait, and the callback request for anything else.
    bool room_full = false;
    int room_capacity = 0;  // office.room_capacity when the visit started, for the screen's text

    // Not personal: kept across visits, refreshed by the application.
    std::vector<NeedChoice> needs;
    OfficeStatus office = OfficeStatus::open;
    std::optional<OpeningTime> opens;
    std::string office_phone;
    bool entry_notice = false;
    // office.sms_near_front: the SMS is offered (0: not), sent when this many or fewer are before.
    int sms_near_front = 0;
    EmergencyNumbers emergency;  // shown when the office is closed
    std::vector<std::string> interpreter_languages;
    bool voice_available = true;
    bool speaking = false;
    // This visit had a screen read aloud: the idle warning is read to the visitor too, who
    // may not see that the screen asks (wiped with the visit).
    bool listened = false;
};

enum class IntentKind {
    choose_language,  // text: language code
    open_language_menu,
    close_language_menu,
    answer_appointment,           // flag
    choose_appointment_time,      // flag: a time was tapped (text: its UTC ms); false: "I don't know"
    choose_need,                  // text: need id
    answer_children,              // flag
    answer_interpreter,           // flag
    choose_interpreter_language,  // text: language code
    toggle_wheelchair,
    toggle_hearing,
    toggle_sight,
    edit_field,  // text: "description" | "name" | "phone" | "reference"
    key,         // key + text
    next,
    skip,
    back,
    start_over,
    get_ticket,
    read_aloud,
    toggle_text_size,
    toggle_contrast,
    more_time,
    finish,
    request_callback,
    send_callback,
    continue_visit,  // past the office's notice
    answer_sms,      // flag: "Yes, send me SMS" (true) or "No SMS"
    wait_outside,    // room full: "Wait outside - we send you an SMS"
};

// The SMS question comes after the details a visitor gives (a walk-in's, a check-in's name)
// when the office sends SMS, unless waiting outside asked it first. Never on a callback
// request's path: the office phones those visitors.
inline Screen step_after_details(const VisitorState& s) {
    return s.sms_near_front > 0 && !s.form.waits_outside ? Screen::sms : Screen::confirm;
}

struct Intent {
    IntentKind kind{};
    std::string text;
    bool flag = false;
    ui::KeyKind key = ui::KeyKind::none;
};

}  // namespace skranke::visitor
