#include "visitor/visitor_app.hpp"

#include <algorithm>
#include <cmath>

#include "domain/office_time.hpp"
#include "domain/validation.hpp"
#include "printer/ticket_printer.hpp"
#include "visitor/paper_ticket.hpp"
#include "visitor/read_aloud.hpp"
#include "visitor/visitor_frame.hpp"
#include "store/store.hpp"
#include "store/sync_store.hpp"

namespace skranke::visitor {

std::string_view screen_name(Screen screen) {
    switch (screen) {
        case Screen::start:
            return "start";
        case Screen::appointment_question:
            return "appointment_question";
        case Screen::appointment_time:
            return "appointment_time";
        case Screen::appointment_details:
            return "appointment_details";
        case Screen::need:
            return "need";
        case Screen::questions:
            return "questions";
        case Screen::details:
            return "details";
        case Screen::confirm:
            return "confirm";
        case Screen::ticket:
            return "ticket";
        case Screen::closed:
            return "closed";
        case Screen::room_full:
            return "room_full";
        case Screen::notice:
            return "notice";
        case Screen::callback_need:
            return "callback_need";
        case Screen::callback_phone:
            return "callback_phone";
        case Screen::callback_confirm:
            return "callback_confirm";
        case Screen::callback_done:
            return "callback_done";
        case Screen::sms:
            return "sms";
        case Screen::reception:
            return "reception";
    }
    return "start";
}

namespace {

// Typed-text limits shown to the visitor; the domain's limits are the same.
std::size_t limit_of(TextField field) {
    switch (field) {
        case TextField::description:
            return max_description_chars;
        case TextField::name:
            return max_name_chars;
        case TextField::reference:
            return max_reference_chars;
        case TextField::phone:
            return 20;
        case TextField::none:
            return 0;
    }
    return 0;
}

bool is_emergency_need(const std::vector<NeedChoice>& needs, const std::string& id) {
    return std::any_of(needs.begin(), needs.end(), [&](const NeedChoice& n) { return n.id == id && n.emergency; });
}

TextField field_from(std::string_view name) {
    if (name == "description") return TextField::description;
    if (name == "name") return TextField::name;
    if (name == "phone") return TextField::phone;
    if (name == "reference") return TextField::reference;
    return TextField::none;
}

}  // namespace

VisitorApp::VisitorApp(VisitorServices services) : services_(std::move(services)) {
    wipe();
}

void VisitorApp::wipe() {
    VisitorState fresh;
    // Kept: what belongs to the kiosk, not the visitor.
    for (const Need& n : services_.catalogue->needs())
        fresh.needs.push_back({n.id, n.text_key, n.pictogram, n.emergency, n.appointment});
    fresh.office_phone = services_.config->office.phone;
    fresh.entry_notice = services_.config->office.entry_notice;
    fresh.sms_near_front = services_.config->office.sms_near_front;
    fresh.emergency = services_.config->office.emergency;
    for (const auto& code : services_.config->interpreter_languages) fresh.interpreter_languages.push_back(code);
    fresh.language = services_.translations->has_language(services_.config->default_language)
                         ? services_.config->default_language
                         : services_.translations->languages().front().code;
    state_ = std::move(fresh);
    read_warning_ = false;
    reader_.turn(false);  // the visit's end ends the screen reader
    state_.voice_available = can_read_aloud(state_.language);
    if (services_.speaker) services_.speaker->stop();
    refresh_office();
}

void VisitorApp::refresh_office() {
    const std::int64_t now = services_.wall_clock_ms();
    state_.office = office_status(services_.config->office.hours, now);
    state_.opens = next_opening(services_.config->office.hours, now);
}

// Past the welcome (and the office's notice): the visit's first question, the closed screen,
// or, with as many waiting inside as the room takes, the room-full screen.
void VisitorApp::enter() {
    refresh_office();
    if (state_.office == OfficeStatus::closed) {
        go(Screen::closed);
        return;
    }
    // On an appointments-only day the appointment question already keeps walk-ins out.
    state_.room_capacity = services_.config->office.room_capacity;
    state_.room_full = false;
    if (state_.office == OfficeStatus::open && state_.room_capacity > 0 && services_.view) {
        const auto snapshot = services_.view->snapshot();
        const int inside = people_in_room(snapshot->queue(), snapshot->reference_now(services_.wall_clock_ms()));
        state_.room_full = inside >= state_.room_capacity;
    }
    go(state_.room_full ? Screen::room_full : Screen::appointment_question);
}

void VisitorApp::go(Screen screen) {
    const bool final_screen =
        screen == Screen::ticket || screen == Screen::callback_done || screen == Screen::reception;
    if (final_screen)
        state_.history.clear();
    else
        state_.history.push_back(state_.screen);
    state_.screen = screen;
    state_.error_key.clear();
    state_.keyboard = {};
    screen_since_s_ = last_touch_s_;
}

void VisitorApp::back() {
    state_.error_key.clear();
    if (state_.language_menu) {
        state_.language_menu = false;
        return;
    }
    if (state_.history.empty()) return;
    if (state_.screen == Screen::sms) {  // backing out of the SMS question withdraws the wish
        state_.form.sms.reset();
        state_.form.waits_outside = false;
    }
    state_.screen = state_.history.back();
    state_.history.pop_back();
    if (state_.screen == Screen::start) state_.form.appointment = false;
    state_.editing = state_.screen == Screen::details               ? TextField::description
                     : state_.screen == Screen::appointment_details ? TextField::name
                     : state_.screen == Screen::callback_phone      ? TextField::phone
                     : state_.screen == Screen::sms && state_.form.sms == true ? TextField::phone
                                                                               : TextField::none;
}

// During the idle warning a touch restarts nothing: only "Yes" ends the warning.
void VisitorApp::touched(double now_s) {
    last_touch_s_ = now_s;
}

std::string* VisitorApp::field_text(TextField field) {
    switch (field) {
        case TextField::description:
            return &state_.form.description;
        case TextField::name:
            return &state_.form.name;
        case TextField::phone:
            return &state_.form.phone;
        case TextField::reference:
            return &state_.form.reference;
        case TextField::none:
            return nullptr;
    }
    return nullptr;
}

void VisitorApp::type(const Intent& intent) {
    std::string* text = field_text(state_.editing);
    if (!text) return;
    state_.error_key.clear();
    switch (intent.key) {
        case ui::KeyKind::shift:
            state_.keyboard.shift = !state_.keyboard.shift;
            return;
        case ui::KeyKind::consonant:  // a syllable keyboard: its forms, one of which is typed
            state_.keyboard.consonant = intent.text;
            return;
        case ui::KeyKind::all_letters:
            state_.keyboard.consonant.clear();
            return;
        case ui::KeyKind::backspace: {
            state_.keyboard.consonant.clear();
            const auto chars = ui::utf8_characters(*text);
            if (!chars.empty()) text->resize(text->size() - chars.back().size());
            return;
        }
        case ui::KeyKind::space:
        case ui::KeyKind::text: {
            const std::size_t limit = limit_of(state_.editing);
            if (utf8_length(*text) + 1 > limit) {  // refuse with a message: never cut silently
                state_.error_key = ui::text_key("error.text_too_long");
                state_.error_limit = limit;
                return;
            }
            *text += intent.text;
            state_.keyboard = {};  // one capital, like a phone keyboard; back to the consonants
            return;
        }
        case ui::KeyKind::none:
            return;
    }
}

bool VisitorApp::check_field(TextField field) {
    const std::string* text = field_text(field);
    if (!text) return true;
    std::optional<ValidationProblem> problem;
    switch (field) {
        case TextField::description:
            problem = check_text(Field::description, *text, max_description_chars);
            break;
        case TextField::name:
            problem = check_text(Field::name, *text, max_name_chars);
            break;
        case TextField::reference:
            problem = check_text(Field::appointment_reference, *text, max_reference_chars);
            break;
        case TextField::phone:
            if (!text->empty()) problem = check_phone(*text);
            break;
        case TextField::none:
            break;
    }
    if (!problem) return true;
    state_.editing = field;
    state_.error_key = problem->message_key;
    state_.error_limit = problem->limit;
    return false;
}

void VisitorApp::next() {
    switch (state_.screen) {
        case Screen::appointment_details:
            if (check_field(TextField::name) && check_field(TextField::reference)) go(step_after_details(state_));
            return;
        case Screen::questions:
            go(Screen::details);
            state_.editing = TextField::description;
            return;
        case Screen::details:
            if (check_field(TextField::description) && check_field(TextField::name) && sms_phone_given() &&
                check_field(TextField::phone))
                go(step_after_details(state_));
            return;
        case Screen::sms:
            if (state_.form.sms != true) {
                // Waiting outside needs the SMS: no answer is not taken as "no" there.
                if (state_.form.waits_outside)
                    state_.error_key = ui::text_key("error.sms_choose");
                else
                    go(Screen::confirm);
                return;
            }
            if (sms_phone_given() && check_field(TextField::phone))
                go(state_.form.waits_outside ? Screen::need : Screen::confirm);
            return;
        case Screen::callback_phone:
            if (state_.form.phone.empty()) {
                state_.error_key = ui::text_key("error.phone_required");
                return;
            }
            if (check_field(TextField::phone)) go(Screen::callback_confirm);
            return;
        default:
            return;
    }
}

void VisitorApp::skip() {
    // Skipping means "I would rather not say": what was typed on this screen is dropped.
    // The phone given for the SMS the visitor asked for stays.
    if (state_.screen == Screen::details) {
        state_.form.description.clear();
        state_.form.name.clear();
        if (state_.form.sms != true) state_.form.phone.clear();
        go(step_after_details(state_));
    } else if (state_.screen == Screen::appointment_details) {
        state_.form.name.clear();
        state_.form.reference.clear();
        go(step_after_details(state_));
    }
}

// Consent is its own tap: "Yes" opens the phone pad for the number the SMS goes to. "No"
// while waiting outside is no longer waiting outside: back to the room-full screen.
void VisitorApp::answer_sms(bool yes) {
    if (state_.screen != Screen::sms) return;
    state_.error_key.clear();
    state_.form.sms = yes;
    state_.editing = yes ? TextField::phone : TextField::none;
    state_.keyboard = {};
    if (!yes && state_.form.waits_outside) back();
}

// With the SMS asked for, the phone is required; false (and the pad on it) when it is empty.
bool VisitorApp::sms_phone_given() {
    if (state_.form.sms != true || !state_.form.phone.empty()) return true;
    state_.editing = TextField::phone;
    state_.error_key = ui::text_key("error.sms_phone_required");
    return false;
}

// Only a time the screen offered is taken; anything else counts as "I don't know".
void VisitorApp::choose_appointment_time(const Intent& intent) {
    if (state_.screen != Screen::appointment_time) return;
    state_.form.appointment_ms.reset();
    for (const AppointmentSlot& slot : state_.appointment_slots)
        if (intent.flag && intent.text == std::to_string(slot.utc_ms)) state_.form.appointment_ms = slot.utc_ms;
    go(Screen::appointment_details);
    state_.editing = TextField::name;
}

void VisitorApp::issue(bool callback) {
    const VisitorForm& f = state_.form;
    TicketRequest r;
    r.need_id = f.need_id;
    r.channel = callback ? Channel::callback : f.appointment ? Channel::appointment : Channel::walk_in;
    r.children_affected = f.children.value_or(false);
    r.language = state_.language;
    r.interpreter_wanted = f.interpreter.value_or(false);
    r.interpreter_language = r.interpreter_wanted ? f.interpreter_language : std::string{};
    r.accessibility = {f.wheelchair, f.hearing, f.sight};
    r.name = f.name;
    r.phone = f.phone;
    r.description = f.description;
    r.appointment_reference = f.reference;
    if (f.appointment) r.appointment_ms = f.appointment_ms;  // due check-ins go before walk-ins
    r.sms_wanted = !callback && state_.sms_near_front > 0 && f.sms == true;
    r.waits_outside = r.sms_wanted && f.waits_outside;
    if (!services_.store) {
        go(Screen::reception);
        return;
    }
    const ClockReading clocks =
        services_.device_clocks ? services_.device_clocks() : ClockReading{services_.wall_clock_ms(), 0, {}, {}};
    auto result = services_.store->issue_ticket(r, *services_.catalogue, clocks);
    if (!result) {
        const StoreError& e = result.error();
        if (e.kind == StoreErrorKind::invalid_request && !e.problems.empty()) {
            // Show the first problem where it can be fixed.
            const ValidationProblem& p = e.problems.front();
            state_.error_key = p.message_key;
            state_.error_limit = p.limit;
            return;
        }
        go(Screen::reception);
        return;
    }
    const Ticket& t = *result;
    if (services_.ticket_stored) services_.ticket_stored();
    TicketView view;
    view.number = t.number.text();
    view.spoken_number = t.number.spoken_text();
    const Need* need = services_.catalogue->find(t.request.need_id);
    view.need_text_key = need ? need->text_key : ui::text_key("need.other");
    view.urgent = t.request.urgent;
    view.sms = t.request.sms_wanted;
    view.waits_outside = t.request.waits_outside;
    if (!callback) {
        const std::int64_t now = services_.wall_clock_ms();
        std::optional<int> ahead;
        std::vector<std::int64_t> recent;
        // The queue view's newest snapshot, with this ticket in its place; the view takes the
        // ticket in on its own thread afterwards. No SQL and no fold of the history here.
        if (services_.view) {
            const auto snapshot = services_.view->snapshot();
            ahead = people_ahead_of_new(snapshot->queue(), t, snapshot->hub_ahead_ms, snapshot->reference_now(now));
            recent = snapshot->recent_service_ms;
            services_.view->changed();
        }
        if (!ahead)
            if (auto today = services_.store->tickets_of_day(t.service_day)) ahead = people_ahead_of(*today, t, now);
        view.figures.people_ahead = ahead;
        if (ahead && services_.recent_service_ms) recent = services_.recent_service_ms();
        if (ahead) view.figures.wait_minutes = estimate_wait_minutes(*ahead, recent, services_.config->open_counters);
    }
    if (services_.printer && !callback) {
        view.paper = TicketView::Paper::printing;
        print_job_ = services_.printer->print(
            paper_ticket(view, t, state_.language, *services_.translations, services_.config->office));
    }
    state_.ticket = view;
    go(callback ? Screen::callback_done : Screen::ticket);
}

// The paper ticket's job ended: "take your ticket", or "write down your number" with the
// full time on screen to do it.
bool VisitorApp::follow_paper(double now_s) {
    if (!state_.ticket || state_.ticket->paper != TicketView::Paper::printing || !services_.printer) return false;
    const printer::JobState job = services_.printer->job(print_job_);
    if (job == printer::JobState::queued) return false;
    state_.ticket->paper = job == printer::JobState::printed ? TicketView::Paper::printed : TicketView::Paper::failed;
    if (job == printer::JobState::failed) screen_since_s_ = now_s;
    return true;
}

bool VisitorApp::can_read_aloud(const std::string& language) const {
    const ui::Language* lang = services_.translations->language(language);
    return (lang && !lang->voice.empty()) || has_prompts(services_.config->prompts_folder, language);
}

ReadAloud VisitorApp::how_to_read() const {
    const ui::Language* lang = services_.translations->language(state_.language);
    return {state_.language, lang ? lang->voice : std::string{}, !services_.config->headset_device.empty(),
            services_.config->prompts_folder, services_.config->volume_percent};
}

void VisitorApp::read_aloud(const std::vector<ui::SpokenText>& spoken) {
    if (!services_.speaker) return;
    if (state_.speaking) {
        services_.speaker->stop();
        state_.speaking = false;
        return;
    }
    if (!read_screen(*services_.speaker, spoken, *services_.translations, how_to_read())) {
        state_.notice_key = ui::text_key("speech.unavailable");
        return;
    }
    state_.speaking = true;
    state_.listened = true;
}

void VisitorApp::apply(const Intent& intent, const std::vector<ui::SpokenText>& spoken, double now_s) {
    touched(now_s);
    if (intent.kind != IntentKind::read_aloud) state_.notice_key.clear();
    // Anything else the visitor does interrupts reading.
    if (state_.speaking && intent.kind != IntentKind::read_aloud && intent.kind != IntentKind::key) {
        if (services_.speaker) services_.speaker->stop();
        state_.speaking = false;
    }
    switch (intent.kind) {
        case IntentKind::choose_language: {
            if (!services_.translations->has_language(intent.text)) return;
            state_.language = intent.text;
            state_.voice_available = can_read_aloud(state_.language);
            const bool from_menu = state_.language_menu;
            state_.language_menu = false;
            if (state_.screen == Screen::start && !from_menu) {
                // No store: say so now, before the visitor types anything for nothing.
                if (!services_.store)
                    go(Screen::reception);
                else if (state_.entry_notice)
                    go(Screen::notice);
                else
                    enter();
            }
            return;
        }
        case IntentKind::continue_visit:
            if (state_.screen == Screen::notice) enter();
            return;
        case IntentKind::open_language_menu:
            state_.language_menu = true;
            return;
        case IntentKind::close_language_menu:
            state_.language_menu = false;
            return;
        case IntentKind::answer_appointment:
            state_.form.appointment = intent.flag;
            state_.form.appointment_ms.reset();
            if (intent.flag) {
                for (const auto& n : state_.needs)
                    if (n.appointment) state_.form.need_id = n.id;
                state_.appointment_slots = appointment_slots(services_.config->office.hours, services_.wall_clock_ms());
                go(Screen::appointment_time);
            } else {
                state_.form.need_id.clear();
                go(state_.office == OfficeStatus::open ? Screen::need : Screen::closed);
            }
            return;
        case IntentKind::choose_appointment_time:
            choose_appointment_time(intent);
            return;
        case IntentKind::choose_need:
            if (state_.screen == Screen::need && state_.room_full && !state_.form.waits_outside &&
                !is_emergency_need(state_.needs, intent.text))
                return;
            state_.form.need_id = intent.text;
            if (state_.screen == Screen::callback_need) {
                go(Screen::callback_phone);
                state_.editing = TextField::phone;
            } else {
                go(Screen::questions);
            }
            return;
        case IntentKind::answer_children:
            state_.form.children = intent.flag;
            return;
        case IntentKind::answer_interpreter:
            state_.form.interpreter = intent.flag;
            if (intent.flag && state_.form.interpreter_language.empty()) {
                const auto& list = state_.interpreter_languages;
                if (std::find(list.begin(), list.end(), state_.language) != list.end())
                    state_.form.interpreter_language = state_.language;
            }
            return;
        case IntentKind::choose_interpreter_language:
            state_.form.interpreter_language = intent.text;
            return;
        case IntentKind::toggle_wheelchair:
            state_.form.wheelchair = !state_.form.wheelchair;
            return;
        case IntentKind::toggle_hearing:
            state_.form.hearing = !state_.form.hearing;
            return;
        case IntentKind::toggle_sight:
            state_.form.sight = !state_.form.sight;
            return;
        case IntentKind::edit_field:
            state_.editing = field_from(intent.text);
            state_.keyboard = {};
            state_.error_key.clear();
            return;
        case IntentKind::key:
            type(intent);
            return;
        case IntentKind::next:
            next();
            return;
        case IntentKind::skip:
            skip();
            return;
        case IntentKind::back:
            back();
            return;
        case IntentKind::start_over: {  // the same visitor starts again: the screen reader stays
            const ScreenReader reader = reader_;
            wipe();
            if (reader.on()) reader_ = reader;
            return;
        }
        case IntentKind::finish:
            wipe();
            return;
        case IntentKind::get_ticket:
            issue(false);
            return;
        case IntentKind::send_callback:
            issue(true);
            return;
        case IntentKind::request_callback:
            state_.form.need_id.clear();
            go(Screen::callback_need);
            return;
        case IntentKind::read_aloud:
            read_aloud(spoken);
            return;
        case IntentKind::answer_sms:
            answer_sms(intent.flag);
            return;
        case IntentKind::wait_outside:
            if (state_.screen != Screen::room_full || state_.sms_near_front <= 0) return;
            state_.form.waits_outside = true;
            state_.form.sms.reset();
            go(Screen::sms);
            return;
        case IntentKind::toggle_text_size:
            state_.large_text = !state_.large_text;
            return;
        case IntentKind::toggle_contrast:
            state_.high_contrast = !state_.high_contrast;
            return;
        case IntentKind::more_time:
            state_.idle_warning = false;
            return;
    }
}

namespace {

bool at_rest(const VisitorState& s, const KioskConfig& config) {
    return s.screen == Screen::start && !s.language_menu && s.language == config.default_language && !s.large_text &&
           !s.high_contrast && s.notice_key.empty();
}

bool self_ending(Screen screen) {
    return screen == Screen::ticket || screen == Screen::callback_done || screen == Screen::reception;
}

}  // namespace

// A visitor with the screen reader on is still there, even on the start screen.
bool VisitorApp::resting() const {
    return at_rest(state_, *services_.config) && !reader_.on();
}

bool VisitorApp::between_visits() const {
    return resting() && !state_.idle_warning && !state_.speaking;
}

bool VisitorApp::tick(double now_s) {
    const KioskConfig& config = *services_.config;
    bool changed = follow_paper(now_s);
    // A finger held still has become a long press: a frame notices it.
    if (const double due = reader_.frame_due(); due >= 0 && now_s >= due) changed = true;
    if (state_.speaking && services_.speaker && !services_.speaker->speaking()) {
        state_.speaking = false;
        changed = true;
    }
    if (self_ending(state_.screen) && !state_.idle_warning) {
        if (now_s - std::max(screen_since_s_, last_touch_s_) >= config.ticket_seconds) {
            wipe();
            return true;
        }
        return changed;
    }
    if (state_.idle_warning) {
        const int left = static_cast<int>(std::ceil(idle_deadline_s_ - now_s));
        if (left <= 0) {
            wipe();
            return true;
        }
        if (left != state_.idle_seconds_left) {
            state_.idle_seconds_left = left;
            changed = true;
        }
        return changed;
    }
    if (resting()) return changed;
    if (now_s - last_touch_s_ >= config.idle_seconds) {
        state_.idle_warning = true;
        state_.language_menu = false;
        idle_deadline_s_ = now_s + config.idle_countdown_seconds;
        state_.idle_seconds_left = config.idle_countdown_seconds;
        if (services_.speaker) services_.speaker->stop();
        state_.speaking = false;
        read_warning_ = state_.listened || reader_.on();  // the visitor may not see it
        return true;
    }
    return changed;
}

Finger VisitorApp::reader_input(Finger raw, const std::vector<int>& keypad_down, double now_s, float drag_px) {
    if (raw.down || !keypad_down.empty()) touched(now_s);
    auto toggled = ScreenReader::Toggled::no;
    const Finger to_ui = reader_.input(raw, keypad_down, now_s, drag_px, toggled);
    if (toggled != ScreenReader::Toggled::no) {  // how to go on, for a finger or for the keypad
        const char* key = !reader_.on()                                  ? ui::text_key("reader.off")
                          : toggled == ScreenReader::Toggled::by_keypad ? ui::text_key("reader.on_keypad")
                                                                        : ui::text_key("reader.on");
        const std::string& said = services_.translations->text(state_.language, key);
        reader_say({ui::SpokenText{said, said}});
    }
    return to_ui;
}

void VisitorApp::reader_say(const std::vector<ui::SpokenText>& words) {
    if (!services_.speaker || words.empty()) return;
    state_.speaking = false;  // the read-aloud button's reading, if any, is over
    read_screen(*services_.speaker, words, *services_.translations, how_to_read());
}

void VisitorApp::drawn(const std::vector<ui::SpokenText>& spoken, const std::vector<ui::TouchTarget>& targets) {
    if (reader_.on()) {
        const auto& tr = *services_.translations;
        const ReaderWords words{tr.text(state_.language, ui::text_key("reader.button")),
                                tr.text(state_.language, ui::text_key("reader.key")),
                                tr.text(state_.language, ui::text_key("reader.field")),
                                tr.text(state_.language, ui::text_key("reader.selected"))};
        const ScreenReader::Say say = reader_.drawn(spoken, targets, page_name(state_), words);
        // A double tap on "Read aloud" reads the screen: the reader does not talk over it.
        if (!(say.after_click && state_.speaking)) reader_say(say.words);
    }
    if (!read_warning_ || !state_.idle_warning) return;
    read_warning_ = false;
    if (!state_.speaking) read_aloud(spoken);
}

double VisitorApp::seconds_until_timer(double now_s) const {
    const KioskConfig& config = *services_.config;
    double due = -1;
    const auto consider = [&](double seconds) {
        seconds = std::max(0.0, seconds);
        if (due < 0 || seconds < due) due = seconds;
    };
    if (state_.speaking) consider(0.5);  // notice when speech ends, to relabel the button
    if (const double long_press = reader_.frame_due(); long_press >= 0) consider(long_press - now_s);
    // The printer wakes the loop when a job ends; this is the backstop.
    if (state_.ticket && state_.ticket->paper == TicketView::Paper::printing) consider(0.25);
    if (state_.idle_warning) {
        // Wake on each whole second of the countdown.
        const double left = idle_deadline_s_ - now_s;
        consider(left - std::floor(left - 1e-6));
    } else if (self_ending(state_.screen)) {
        consider(std::max(screen_since_s_, last_touch_s_) + config.ticket_seconds - now_s);
    } else if (!resting()) {
        consider(last_touch_s_ + config.idle_seconds - now_s);
    }
    return due;
}

}  // namespace skranke::visitor
