// The reception console's view model (what the screens read) and the intents the screens
// emit. Built by ConsoleApp from the local store; no SQLite, libcurl or ImGui here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/statistics.hpp"
#include "domain/ticket.hpp"

namespace skranke::console {

enum class Page { queue, callbacks, figures };

struct QueueRow {
    std::string ticket_id;
    std::string number;          // "B 017"
    std::string need_id;
    std::string need_key;        // translation key of the need ("need.social_rent")
    std::string group;           // the need's queue group, for the filter
    bool urgent = false;
    bool children = false;
    std::string interpreter;     // language code, empty if none
    bool wheelchair = false, hearing = false, sight = false;
    std::string description;     // may be empty; the console is the only screen that shows it
    std::int64_t waiting_ms = 0;
    bool aged = false;           // waited past the ageing bound: called among the urgent ones
    TicketState state = TicketState::waiting;
    std::string counter;         // where it is called to
    std::string for_counter;     // transferred to this counter: only it calls the ticket next
    bool mine = false;           // called to this console
    bool sms = false;            // the visitor gets an SMS near the front and when called
    bool outside = false;        // and waits outside the waiting room for it
    bool sms_failed = false;     // an SMS to the visitor could not be sent (the notifier said so)
};

struct CallbackRow {
    std::string ticket_id;
    std::string number;
    std::string phone;
    std::string need_key;
    std::string language;        // the visitor's language code
    std::int64_t waiting_ms = 0;
    bool urgent = false;         // listed first, marked, and alerted as urgent tickets are
};

struct Notice {
    std::string text;            // already translated and filled
    bool error = false;
};

enum class SignInField { none, staff_id, pin, counter };

struct ConsoleState {
    // Sign-in.
    bool signed_in = false;
    std::string staff_id, staff_name, counter;
    std::vector<std::string> counters;  // the office's counters, to pick from
    std::string sign_in_problem;        // why the last sign-in failed
    SignInField sign_in_fix = SignInField::none;  // where the keyboard goes to mend it

    Page page = Page::queue;
    std::vector<QueueRow> waiting;      // call order (the one rule), filter applied
    std::size_t waiting_total = 0;      // before the filter
    std::vector<QueueRow> called;       // called to any counter, not finished
    std::optional<QueueRow> current;    // called to this counter
    std::vector<CallbackRow> callbacks;
    std::vector<std::pair<std::string, std::string>> groups;   // filter: group id, translation key
    std::vector<std::pair<std::string, std::string>> needs;    // transfer targets: need id, key
    std::string group_filter;           // empty: all
    std::string selected;               // ticket chosen in the table
    std::string expanded;               // ticket whose description is open
    bool transfer_open = false;
    bool urgent_alert = false;          // an urgent ticket arrived and nobody has seen it yet
    // The numbers the alert names ("A 004"), oldest first: each leaves once it no longer
    // waits (called, served, cancelled), and the alert with the last of them.
    std::vector<std::pair<std::string, std::string>> urgent_arrivals;  // ticket id, number

    Notice notice;
    bool online = false;                // the hub answered recently
    std::int64_t outbox_depth = 0;      // actions waiting for the hub
    std::optional<std::int64_t> last_sync_ms;
    std::int64_t now_ms = 0;
    std::string silent_kiosks;          // "Kiosk x has not been in touch ...", translated; empty: none
    std::vector<std::string> printer_alerts;  // "Kiosk x: the printer is out of paper ...", one per kiosk
    // "The SMS to A 002 could not be sent ...": one per ticket of today still waiting or called
    // whose SMS failed, so that somebody tells the visitor in person.
    std::vector<std::string> sms_alerts;

    DayFigures figures;                 // today's, from the local replica
    std::string day;                    // "YYYY-MM-DD"
};

enum class IntentKind {
    sign_in,        // text: staff id, pin: PIN, counter: counter
    sign_out,
    show_page,      // page
    call_next,
    call_ticket,    // ticket_id
    recall,
    served,
    no_show,
    open_transfer,
    transfer,       // text: need id, or counter: counter
    cancel_transfer,
    cancel_ticket,  // ticket_id
    select,         // ticket_id
    expand,         // ticket_id (again: close)
    filter,         // text: group id, empty for all
    callback_done,  // ticket_id
    callback_not_reached,  // ticket_id
    export_csv,
    acknowledge_alert,
};

struct Intent {
    IntentKind kind = IntentKind::call_next;
    std::string ticket_id;
    std::string text;
    std::string pin;
    std::string counter;
    Page page = Page::queue;
};

}  // namespace skranke::console
