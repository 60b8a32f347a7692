#include "console/console_app.hpp"

#include <algorithm>
#include <fstream>
#include <set>

#include "domain/day_log.hpp"
#include "domain/events.hpp"
#include "domain/queue_order.hpp"
#include "domain/office_time.hpp"
#include "store/sync_store.hpp"

namespace skranke::console {

// [SECTION] The hub's staff endpoints

Result<sync::StaffSignIn, sync::StaffCallFailure> HubStaffDesk::sign_in(const std::string& staff_id,
                                                                        const std::string& pin,
                                                                        const std::string& counter) {
    return sync::staff_sign_in(connection_, staff_id, pin, counter);
}

void HubStaffDesk::sign_out(const std::string& session) { sync::staff_sign_out(connection_, session); }

Result<std::string, sync::StaffCallFailure> HubStaffDesk::figures_csv(const std::string& session,
                                                                      const std::string& day) {
    return sync::fetch_figures_csv(connection_, session, day);
}

Result<std::vector<sync::KioskAlert>, sync::StaffCallFailure> HubStaffDesk::kiosk_alerts() {
    return sync::fetch_kiosk_alerts(connection_);
}

// [SECTION] Building the view model

namespace {

constexpr double refresh_every_s = 1.0;

}  // namespace

ConsoleApp::ConsoleApp(ConsoleServices services) : services_(std::move(services)) {
    state_.counters = services_.counters;
    read_catalogue();
    refresh();
}

void ConsoleApp::read_catalogue() {
    state_.needs.clear();
    state_.groups.clear();
    if (!services_.catalogue) {
        state_.group_filter.clear();
        return;
    }
    std::set<std::string> seen;
    for (const Need& need : services_.catalogue->needs()) {
        state_.needs.emplace_back(need.id, need.text_key);
        if (seen.insert(need.queue_group).second)
            state_.groups.emplace_back(need.queue_group, "group." + need.queue_group);
    }
    if (!seen.count(state_.group_filter)) state_.group_filter.clear();  // a group the office no longer has
}

void ConsoleApp::catalogue_changed() {
    read_catalogue();
    refresh();
}

ConsoleApp::~ConsoleApp() {
    if (!session_.empty() && services_.desk) services_.desk->sign_out(session_);
}

std::string ConsoleApp::st(std::string_view key) const {
    return services_.texts ? services_.texts->text(services_.language, key) : std::string(key);
}

void ConsoleApp::say_notice(std::string text, bool error) { state_.notice = Notice{std::move(text), error}; }

void ConsoleApp::refresh() {
    const std::int64_t device_now = services_.wall_clock_ms ? services_.wall_clock_ms() : wall_clock_ms();
    state_.now_ms = device_now;
    state_.day = service_day_of(device_now);
    if (services_.sync_status) last_sync_ = services_.sync_status();
    state_.online = last_sync_.online;
    state_.outbox_depth = last_sync_.outbox_depth;
    state_.last_sync_ms = last_sync_.last_sync_ms;
    describe_silent_kiosks(device_now);
    if (services_.view) snapshot_ = services_.view->snapshot();
    if (!snapshot_) return;
    // Today and waiting times on the office's reference clock, as the tickets' arrivals are:
    // a console whose own clock is a day off still shows today's queue.
    const std::int64_t now = snapshot_->reference_now(device_now);
    state_.day = service_day_of(now);
    const QueueState& queue = snapshot_->queue();
    check_pending_calls();

    const auto row_of = [&](const QueueTicket& t) {
        QueueRow row;
        const TicketRequest& r = t.ticket.request;
        row.ticket_id = t.ticket.event_id;
        row.number = t.ticket.number.text();
        row.need_id = r.need_id;
        const Need* need = services_.catalogue ? services_.catalogue->find(r.need_id) : nullptr;
        row.need_key = need ? need->text_key : r.need_id;
        row.group = need ? need->queue_group : "";
        row.urgent = r.urgent;
        row.children = r.children_affected;
        row.interpreter = r.interpreter_wanted ? r.interpreter_language : "";
        row.wheelchair = r.accessibility.wheelchair;
        row.hearing = r.accessibility.hearing;
        row.sight = r.accessibility.sight;
        row.description = r.description;
        row.waiting_ms = std::max<std::int64_t>(0, now - corrected_arrival_ms(queue_entry_of(t)));
        row.aged = !r.urgent && row.waiting_ms >= QueuePolicy{}.ageing_bound_ms;
        row.state = t.state;
        row.counter = t.counter;
        row.for_counter = t.for_counter;
        row.mine = t.state == TicketState::called && t.counter == state_.counter &&
                   t.called_by == services_.store->device_id() && state_.signed_in;
        row.sms = r.sms_wanted;
        row.outside = r.waits_outside;
        row.sms_failed = std::any_of(t.sms.begin(), t.sms.end(), [](const auto& sms) {
            return sms && sms->outcome == NotifyOutcome::failed;
        });
        return row;
    };

    std::vector<QueueEntry> entries;
    state_.called.clear();
    state_.callbacks.clear();
    state_.sms_alerts.clear();
    state_.current.reset();
    bool new_urgent = false;
    // An urgent ticket or callback request not seen before (none at the first refresh).
    const auto note_urgent = [&](const std::string& id, const std::string& number) {
        if (!known_urgent_.emplace(id, true).second || first_refresh_) return;
        new_urgent = true;
        state_.urgent_arrivals.emplace_back(id, number);
    };
    for (const auto& [id, t] : queue.tickets()) {
        if (office_day_of(t) != state_.day) continue;
        if (t.ticket.request.channel == Channel::callback) {
            if (t.state != TicketState::waiting) continue;
            const QueueRow row = row_of(t);
            state_.callbacks.push_back({row.ticket_id, row.number, t.ticket.request.phone, row.need_key,
                                        t.ticket.request.language, row.waiting_ms, row.urgent});
            if (row.urgent) note_urgent(id, row.number);
            continue;
        }
        if (t.state == TicketState::waiting || t.state == TicketState::called) {
            // The SMS that failed most recently said something: the call if there was one.
            for (const NotifyKind kind : {NotifyKind::called, NotifyKind::near_front}) {
                const auto& sms = t.sms_of(kind);
                if (!sms || sms->outcome != NotifyOutcome::failed) continue;
                state_.sms_alerts.push_back(ui::fill(
                    st(t.ticket.request.waits_outside ? "console.sms_failed_outside" : "console.sms_failed"),
                    {{"number", t.ticket.number.text()}, {"detail", sms->detail}}));
                break;
            }
        }
        if (t.state == TicketState::waiting) {
            entries.push_back(queue_entry_of(t));
            if (t.ticket.request.urgent) note_urgent(id, t.ticket.number.text());
        } else if (t.state == TicketState::called) {
            QueueRow row = row_of(t);
            if (row.mine && !state_.current) state_.current = row;
            state_.called.push_back(std::move(row));
        }
    }
    // Urgent requests first, then the longest waiting.
    std::stable_sort(state_.callbacks.begin(), state_.callbacks.end(), [](const CallbackRow& a, const CallbackRow& b) {
        return a.urgent != b.urgent ? a.urgent : a.waiting_ms > b.waiting_ms;
    });
    // Urgent tickets seen stay known while the fold holds them: bounded by its window.
    std::erase_if(known_urgent_, [&](const auto& seen) { return queue.find(seen.first) == nullptr; });
    state_.waiting.clear();
    state_.waiting_total = entries.size();
    for (const QueueEntry& e : order_queue(std::move(entries), now)) {
        QueueRow row = row_of(*queue.find(e.key));
        if (!state_.group_filter.empty() && row.group != state_.group_filter) continue;
        state_.waiting.push_back(std::move(row));
    }
    // A ticket chosen or opened in the table that no longer waits is chosen no more.
    const auto waits = [&](const std::string& id) {
        const QueueTicket* t = queue.find(id);
        return t && t->state == TicketState::waiting;
    };
    if (!waits(state_.selected)) state_.selected.clear();
    if (!waits(state_.expanded)) state_.expanded.clear();
    // Handled (by this desk or another) is seen: the alert names only what still waits.
    std::erase_if(state_.urgent_arrivals, [&](const auto& arrival) {
        const QueueTicket* t = queue.find(arrival.first);
        return !t || t->state != TicketState::waiting;
    });
    if (state_.urgent_arrivals.empty()) state_.urgent_alert = false;
    if (new_urgent) {
        state_.urgent_alert = true;
        if (services_.speaker && !services_.alert_sound.empty() && state_.signed_in)
            services_.speaker->play_sound(services_.alert_sound, 80);
    }
    first_refresh_ = false;
    // Made with the snapshot; only in the moments round midnight is the day not the snapshot's.
    state_.figures = snapshot_->office_day == state_.day ? snapshot_->figures
                                                         : compute_day_figures(snapshot_->fold.day_timelines(state_.day));
}

// Asks the hub which kiosks are silent or cannot print every silent_kiosks_every_s, on a thread of its own;
// takes the answer once it is there. A console that cannot ask says nothing about kiosks
// (its own offline banner says why).
bool ConsoleApp::watch_silent_kiosks(double now_s) {
    if (!services_.desk) return false;
    if (silent_asked_.valid()) {
        if (silent_asked_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
        auto answer = silent_asked_.get();
        kiosk_alerts_ = answer ? std::move(*answer) : std::vector<sync::KioskAlert>{};
        silent_read_ms_ = services_.wall_clock_ms ? services_.wall_clock_ms() : wall_clock_ms();
        return true;
    }
    if (silent_due_s_ >= 0 && now_s < silent_due_s_) return false;
    silent_due_s_ = now_s + services_.silent_kiosks_every_s;
    silent_asked_ = std::async(std::launch::async, [desk = services_.desk] { return desk->kiosk_alerts(); });
    return false;
}

namespace {

// The line for a printer state the hub reports (staff_client keeps only these four).
const char* printer_alert_key(const std::string& state) {
    if (state == "paper_low") return "console.printer_paper_low";
    if (state == "paper_out") return "console.printer_paper_out";
    if (state == "cover_open") return "console.printer_cover_open";
    return "console.printer_offline";
}

}  // namespace

// One line for the staff: the kiosk silent longest, or how many are, in whole minutes now;
// then a line for each kiosk whose printer needs a hand, and for an SMS notifier gone silent.
void ConsoleApp::describe_silent_kiosks(std::int64_t device_now) {
    state_.silent_kiosks.clear();
    state_.printer_alerts.clear();
    std::vector<const sync::KioskAlert*> silent;
    const std::int64_t since_read = std::max<std::int64_t>(0, device_now - silent_read_ms_);
    const auto minutes = [&](const sync::KioskAlert& k) { return std::to_string((k.silent_for_ms + since_read) / 60000); };
    for (const sync::KioskAlert& k : kiosk_alerts_) {
        // A silent notifier sends no SMS, and says no failure either: visitors waiting
        // outside would wait for nothing, so staff are told.
        if (k.notifier) {
            if (k.silent)
                state_.printer_alerts.push_back(
                    ui::fill(st("console.notifier_silent"), {{"device", k.device_id}, {"minutes", minutes(k)}}));
            continue;
        }
        if (k.silent) silent.push_back(&k);
        if (!k.printer.empty())
            state_.printer_alerts.push_back(ui::fill(st(printer_alert_key(k.printer)), {{"device", k.device_id}}));
    }
    if (silent.empty()) return;
    if (silent.size() == 1) {
        state_.silent_kiosks = ui::fill(st("console.kiosk_silent"), {{"device", silent.front()->device_id},
                                                                     {"minutes", minutes(*silent.front())}});
        return;
    }
    std::string devices;
    for (const sync::KioskAlert* k : silent) devices += (devices.empty() ? "" : ", ") + k->device_id;
    state_.silent_kiosks = ui::fill(st("console.kiosks_silent"), {{"count", std::to_string(silent.size())},
                                                                  {"minutes", minutes(*silent.back())},
                                                                  {"devices", devices}});
}

// The first ticket in call order (as filtered) that this counter may call: not one another
// counter was handed.
std::optional<std::string> ConsoleApp::next_for_this_counter() const {
    for (const QueueRow& row : state_.waiting)
        if (row.for_counter.empty() || row.for_counter == state_.counter) return row.ticket_id;
    return std::nullopt;
}

const QueueState& ConsoleApp::queue() const {
    static const QueueState none;
    return snapshot_ ? snapshot_->queue() : none;
}

std::string ConsoleApp::number_of(const std::string& ticket_id) const {
    const QueueTicket* t = queue().find(ticket_id);
    return t ? t->ticket.number.text() : std::string();
}

// A call of ours the hub refused (another counter was first) becomes a dead letter: say so,
// naming the counter that was first once the log page with its call is here (the refusal
// may come a moment before it; after refreshes_to_wait_for_winner, without the counter).
void ConsoleApp::check_pending_calls() {
    constexpr int refreshes_to_wait_for_winner = 10;
    if (pending_calls_.empty()) return;
    for (const DeadLetter& d : snapshot_->refused) {
        const auto it = pending_calls_.find(d.event_id);
        if (it == pending_calls_.end()) continue;
        PendingCall& call = it->second;
        const QueueTicket* winner = queue().find(call.ticket_id);
        const bool winner_known = winner && !winner->counter.empty();
        if (d.code == "already_called" && !winner_known && ++call.waits_for_winner < refreshes_to_wait_for_winner)
            continue;
        if (d.code == "already_called" && winner_known)
            say_notice(ui::fill(st("console.already_called"), {{"number", call.number}, {"counter", winner->counter}}), true);
        else
            say_notice(ui::fill(st("console.call_refused"), {{"number", call.number}}), true);
        pending_calls_.erase(it);
    }
    // Calls the hub stored are in the merged log: nothing more to wait for. (The snapshot is
    // never older than the call: act() brings it up to date after writing.)
    std::erase_if(pending_calls_, [&](const auto& call) {
        const bool refused = std::any_of(snapshot_->refused.begin(), snapshot_->refused.end(),
                                         [&](const DeadLetter& d) { return d.event_id == call.first; });
        return !refused && !snapshot_->awaits_hub_copy(call.first);
    });
}

// [SECTION] Intents

bool ConsoleApp::require_sign_in() {
    if (state_.signed_in) return true;
    say_notice(st("console.sign_in_first"), true);
    return false;
}

void ConsoleApp::act(StaffAction action) {
    if (const auto conflict = queue().check(Event{{}, action.event})) return say_conflict(*conflict, action);
    const std::int64_t now = services_.wall_clock_ms ? services_.wall_clock_ms() : wall_clock_ms();
    const std::string ticket_id = ticket_id_of(Event{{}, action.event});
    const bool call = std::holds_alternative<TicketCalled>(action.event);
    SyncStore sync_store(*services_.store);
    auto recorded = sync_store.record_event(std::move(action.event), now, state_.staff_id);
    if (!recorded) return say_notice(st("console.store_error"), true);
    if (call) pending_calls_[recorded->event_id] = {ticket_id, action.number};
    if (services_.notify_sync) services_.notify_sync();
    // The next screen must show this action (F2 twice must not call the same ticket twice):
    // the view reads what is new since its last snapshot, here, before the rebuild.
    if (services_.view && !services_.view->update_now()) return say_notice(st("console.store_error"), true);
    say_notice(ui::fill(st(action.notice_key), {{"number", action.number}, {"counter", action.counter}}), false);
    refresh();  // rebuilds state_ and the snapshot; a refusal it finds for an earlier call says so instead
}

// Why an action does not fit the queue as this console knows it; nothing is written.
void ConsoleApp::say_conflict(const QueueConflict& conflict, const StaffAction& action) {
    const QueueTicket* ticket = queue().find(ticket_id_of(Event{{}, action.event}));
    if (conflict.code == "already_called" && ticket)
        say_notice(ui::fill(st("console.already_called"), {{"number", action.number}, {"counter", ticket->counter}}), true);
    else if (conflict.code == "not_called")
        say_notice(st("console.nobody_called"), true);
    else if (conflict.code == "unknown_ticket" || !ticket)
        say_notice(st("console.ticket_unknown"), true);
    else
        say_notice(ui::fill(st("console.ticket_closed"), {{"number", action.number}}), true);
}

void ConsoleApp::call(std::string ticket_id) {
    if (state_.current) {
        say_notice(ui::fill(st("console.finish_current_first"), {{"number", state_.current->number}}), true);
        return;
    }
    const std::string counter = state_.counter;
    const std::string number = number_of(ticket_id);
    act({TicketCalled{std::move(ticket_id), counter}, "console.called", number, counter});
}

// Call again, served or no-show: always the ticket at this counter.
template <typename Action>
void ConsoleApp::about_current(std::string notice_key) {
    if (!state_.current) return say_notice(st("console.nobody_called"), true);
    const QueueRow current = *state_.current;
    act({Action{current.ticket_id, state_.counter}, std::move(notice_key), current.number, state_.counter});
}

// The ticket at this counter, else the one chosen in the table: to another need (its queue),
// or to a counter (same need, only that counter calls it next).
void ConsoleApp::transfer(std::string to_need, std::string to_counter) {
    state_.transfer_open = false;
    const std::string id = state_.current ? state_.current->ticket_id : state_.selected;
    const QueueTicket* ticket = queue().find(id);
    if (!ticket || (to_need.empty() && to_counter.empty())) return;
    TicketTransferred transfer{id, to_need.empty() ? ticket->ticket.request.need_id : to_need, to_counter};
    act({std::move(transfer), to_counter.empty() ? "console.transferred" : "console.transferred_to_counter",
         ticket->ticket.number.text(), to_counter});
}

void ConsoleApp::sign_in(std::string staff_id, std::string pin, std::string counter) {
    if (!services_.desk) return;
    if (staff_id.empty() || pin.empty() || counter.empty()) {
        state_.sign_in_problem = st("console.sign_in_incomplete");
        state_.sign_in_fix = staff_id.empty() ? SignInField::staff_id : pin.empty() ? SignInField::pin : SignInField::counter;
        return;
    }
    // A counter typed at the keyboard must be one of the office's (the buttons offer only those).
    if (!state_.counters.empty() &&
        std::find(state_.counters.begin(), state_.counters.end(), counter) == state_.counters.end()) {
        std::string known;
        for (const std::string& name : state_.counters) known += (known.empty() ? "" : ", ") + name;
        state_.sign_in_problem = ui::fill(st("console.unknown_counter"), {{"counter", counter}, {"counters", known}});
        state_.sign_in_fix = SignInField::counter;
        return;
    }
    auto result = services_.desk->sign_in(staff_id, pin, counter);
    if (!result) {
        const auto& f = result.error();
        switch (f.kind) {
            case sync::StaffCallError::wrong_pin:
                state_.sign_in_problem = st("console.wrong_pin");
                state_.sign_in_fix = SignInField::pin;
                break;
            case sync::StaffCallError::locked:
                state_.sign_in_problem = ui::fill(st("console.pin_locked"),
                                                  {{"seconds", std::to_string((f.retry_after_ms + 999) / 1000)}});
                break;
            case sync::StaffCallError::offline: state_.sign_in_problem = st("console.sign_in_offline"); break;
            case sync::StaffCallError::refused: state_.sign_in_problem = st("console.sign_in_refused"); break;
        }
        return;
    }
    session_ = result->session;
    state_.signed_in = true;
    state_.staff_id = result->staff_id;
    state_.staff_name = result->name;
    state_.counter = result->counter;
    state_.sign_in_problem.clear();
    state_.sign_in_fix = SignInField::none;
    state_.page = Page::queue;
    say_notice(ui::fill(st("console.welcome"), {{"name", state_.staff_name}, {"counter", state_.counter}}), false);
    refresh();
}

void ConsoleApp::sign_out(bool idle) {
    if (!session_.empty() && services_.desk) services_.desk->sign_out(session_);
    session_.clear();
    state_.signed_in = false;
    state_.staff_id.clear();
    state_.staff_name.clear();
    state_.counter.clear();
    state_.selected.clear();
    state_.expanded.clear();
    state_.transfer_open = false;
    state_.sign_in_problem = idle ? st("console.signed_out_idle") : std::string();
    state_.notice = {};
    refresh();
}

void ConsoleApp::export_csv() {
    if (!services_.desk) return;
    auto csv = services_.desk->figures_csv(session_, state_.day);
    if (!csv) {
        say_notice(st(csv.error().kind == sync::StaffCallError::offline ? "console.export_offline"
                                                                         : "console.export_refused"), true);
        return;
    }
    std::error_code ec;
    std::filesystem::create_directories(services_.export_dir, ec);
    const auto file = services_.export_dir / ("skranke-" + state_.day + ".csv");
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << *csv;
    out.close();
    if (!out) {
        say_notice(ui::fill(st("console.export_failed"), {{"file", file.string()}}), true);
        return;
    }
    say_notice(ui::fill(st("console.exported"), {{"file", file.string()}}), false);
}

void ConsoleApp::apply(Intent intent, double now_s) {
    touched(now_s);
    if (intent.kind == IntentKind::sign_in) return sign_in(intent.text, intent.pin, intent.counter);
    if (!require_sign_in()) return;  // a console without a signed-in person does nothing
    switch (intent.kind) {
        case IntentKind::sign_in: break;
        case IntentKind::sign_out: sign_out(false); break;
        case IntentKind::show_page: state_.page = intent.page; break;
        case IntentKind::call_next:
            if (state_.current) call(state_.current->ticket_id);  // says "finish the current one first"
            else if (auto next = next_for_this_counter()) call(std::move(*next));
            else say_notice(st("console.queue_empty"), false);
            break;
        case IntentKind::call_ticket: call(intent.ticket_id); break;
        case IntentKind::recall: about_current<TicketRecalled>("console.recalled"); break;
        case IntentKind::served: about_current<TicketServed>("console.marked_served"); break;
        case IntentKind::no_show: about_current<TicketNoShow>("console.marked_no_show"); break;
        case IntentKind::open_transfer:
            if (!state_.current && state_.selected.empty()) say_notice(st("console.nobody_called"), true);
            else state_.transfer_open = true;
            break;
        case IntentKind::cancel_transfer: state_.transfer_open = false; break;
        case IntentKind::transfer: transfer(intent.text, intent.counter); break;
        case IntentKind::cancel_ticket:
            act({TicketCancelled{intent.ticket_id, CancelReason::none}, "console.cancelled", number_of(intent.ticket_id),
                 {}});
            break;
        case IntentKind::select: state_.selected = intent.ticket_id; break;
        case IntentKind::expand: state_.expanded = state_.expanded == intent.ticket_id ? "" : intent.ticket_id; break;
        case IntentKind::filter:
            state_.group_filter = intent.text;
            refresh();
            break;
        case IntentKind::callback_done:
            act({TicketCancelled{intent.ticket_id, CancelReason::callback_done}, "console.callback_marked",
                 number_of(intent.ticket_id), {}});
            break;
        case IntentKind::callback_not_reached:
            act({TicketCancelled{intent.ticket_id, CancelReason::callback_not_reached},
                 "console.callback_not_reached_marked", number_of(intent.ticket_id), {}});
            break;
        case IntentKind::export_csv: export_csv(); break;
        case IntentKind::acknowledge_alert:
            state_.urgent_alert = false;
            state_.urgent_arrivals.clear();
            break;
    }
}

bool ConsoleApp::tick(double now_s) {
    if (state_.signed_in && now_s - last_activity_s_ >= static_cast<double>(services_.idle_sign_out_ms) / 1000.0) {
        sign_out(true);
        return true;
    }
    const SyncView sync = services_.sync_status ? services_.sync_status() : SyncView{};
    const auto newest = services_.view ? services_.view->snapshot() : nullptr;
    const bool changed = watch_silent_kiosks(now_s) || sync.cursor != last_sync_.cursor ||
                         sync.outbox_depth != last_sync_.outbox_depth || sync.online != last_sync_.online ||
                         (newest && newest != snapshot_);
    if (!changed && now_s - last_refresh_s_ < refresh_every_s) return false;
    last_refresh_s_ = now_s;
    refresh();
    return true;
}

double ConsoleApp::seconds_until_timer(double now_s) const {
    const double refresh_due = last_refresh_s_ + refresh_every_s - now_s;
    return std::max(0.0, std::min(refresh_due, 1.0));
}

}  // namespace skranke::console
