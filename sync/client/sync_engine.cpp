#include "client/sync_engine.hpp"

#include <algorithm>
#include <cstdlib>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <type_traits>

#include <pthread.h>
#include <sys/statvfs.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "domain/numbering.hpp"
#include "client/office_config_fetch.hpp"
#include "domain/office_time.hpp"
#include "store/office_cache.hpp"
#include "store/sqlite_util.hpp"
#include "store/sync_store.hpp"
#include "protocol/protocol.hpp"

namespace skranke::sync {

using nlohmann::json;

std::string_view program_version() { return SKRANKE_VERSION; }

std::optional<std::int64_t> disk_free_bytes(const std::filesystem::path& path) {
    struct statvfs fs {};
    if (statvfs(path.c_str(), &fs) != 0) return std::nullopt;
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(static_cast<std::uint64_t>(fs.f_bavail), static_cast<std::uint64_t>(fs.f_frsize), &bytes))
        return INT64_MAX;
    return static_cast<std::int64_t>(std::min<std::uint64_t>(bytes, INT64_MAX));
}

std::int64_t backoff_delay_ms(int attempt, std::int64_t initial_ms, std::int64_t cap_ms, std::uint64_t random) {
    std::int64_t ceiling = initial_ms;
    for (int i = 0; i < attempt && ceiling < cap_ms; ++i) ceiling *= 2;
    ceiling = std::min(ceiling, cap_ms);
    return ceiling <= 0 ? 0 : static_cast<std::int64_t>(random % static_cast<std::uint64_t>(ceiling + 1));
}

namespace {

std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// When one kind of call (pushing or reading the log) may go next.
struct Slot {
    std::int64_t not_before = 0;  // steady clock
    int attempts = 0;
    bool hub_asked_to_wait = false;  // the wait comes from Retry-After: a new event does not cut it
    bool failing = false;            // its last call failed: the engine is not online (status only)
};

// A read of the outbox that found nothing unsent after device_seq `after`. It answers only
// that same question, before any new local event and for one backoff cap (another program
// may write the store), so no path can leave unsent events waiting for a wake-up.
struct EmptyOutbox {
    std::int64_t after = -1;
    std::uint64_t local_events = 0;
    std::int64_t until = 0;  // steady clock
};

// One push on its way to the hub.
struct PushCall {
    HttpCall call;
    std::vector<OutboxEvent> events;
    std::optional<HttpReply> reply;  // set when its transfer ended; answers are taken in order
};

// Two pushes on their way at once: the hub parses one while it stores the other, and a
// round trip is never idle time.
constexpr std::size_t max_pushes_in_flight = 2;

}  // namespace

struct SyncEngine::Impl {
    SyncOptions options;
    std::unique_ptr<Store> store;
    std::unique_ptr<SyncStore> sync_store;
    CURLM* multi = nullptr;
    std::thread thread;
    std::atomic<bool> stopping{false};
    std::atomic<std::uint64_t> local_events{0};  // notify_local_event calls
    std::uint64_t local_events_seen = 0;
    EmptyOutbox found_empty;
    Slot push;
    Slot poll;
    bool polling = false;
    HttpCall poll_call;
    std::deque<std::unique_ptr<PushCall>> pushes;  // oldest first
    std::size_t batch_limit = protocol::max_batch_events;
    // Answers of the batch the hub stored last, not yet written here: they are written
    // once the next batch is on its way (one transaction, one disk sync). Lost in a crash,
    // they only mean those events are sent again and get the same answers.
    std::vector<SyncAck> unwritten_acks;
    std::int64_t unwritten_through = 0;  // the last device_seq those answers cover
    std::int64_t cursor = 0;
    std::mt19937_64 random;
    // Steady ms: when the outbox is pruned next; the first tidy is due at start (and, like
    // every tidy, lets a backlog's pushes go first).
    std::int64_t tidy_due = steady_ms();
    // A due tidy waits for the pushes on their way (the visitor's ticket goes first), at most
    // this much longer.
    static constexpr std::int64_t tidy_waits_for_pushes_ms = 10000;
    std::int64_t tidy_at() const { return pushes.empty() ? tidy_due : tidy_due + tidy_waits_for_pushes_ms; }
    // The hub's retention (from its log replies, kept in the store) and how far its clock
    // is ahead of this device's, to apply that retention on the hub's clock.
    std::int64_t retention_ms = 0;
    std::int64_t hub_ahead_ms = 0;
    std::optional<std::int64_t> saved_hub_ahead_ms;  // as the store holds it
    std::optional<OfficeConfigFetch> office_config;  // when the app keeps the office's configuration
    // For the health report every request carries (health_headers).
    std::filesystem::path store_folder;
    std::int64_t started_ms = steady_ms();
    std::optional<std::int64_t> last_sync_steady_ms;
    std::size_t hubs_failed = 0;  // hubs of the connection that failed one after another since the last answer

    mutable std::mutex status_mutex;
    SyncStatus status;

    std::int64_t device_now() const { return options.device_clock ? options.device_clock() : wall_clock_ms(); }
    std::vector<std::string> device_time_headers() const {
        return {std::string(protocol::device_time_header) + ": " + std::to_string(device_now())};
    }
    // The office configuration this device holds, so that the hub answers at once if it has another.
    std::string config_version_param() const {
        const auto held = office_config ? office_config->version_to_send(steady_ms()) : std::nullopt;
        return held ? "&config_version=" + *held : std::string();
    }
    // Where the next push starts: after the newest one on its way, or else after the last
    // answers not yet written (0: from the oldest unacknowledged event).
    std::int64_t next_after() const {
        return pushes.empty() ? unwritten_through : pushes.back()->events.back().device_seq;
    }
    bool may_have_unsent(std::int64_t now) const {
        return found_empty.after != next_after() || found_empty.local_events != local_events ||
               now >= found_empty.until;
    }
    void run();
    bool start_push(std::int64_t now);
    void fill_pushes(std::int64_t now);
    void push_ended(CURL* easy, CURLcode code);
    void finish_push(PushCall& done);
    void cancel_pushes();
    void start_poll();
    void finish_poll(const HttpReply& reply);
    void back_off(Slot& slot, const HttpReply& reply, const std::string& what);
    bool move_to_next_hub(const HttpReply& reply);
    void answered(Slot& other, bool other_busy);
    void refresh_counts();
    void write_acks();
    void send_out(HttpCall& call);
    void failed(Slot& slot, const std::string& what);
    void publish_health();
    std::vector<std::string> health_headers() const;
    void tidy(std::int64_t now);
};

// What this device says about itself on every request (PROTOCOL.md section 3), read from
// its status and its disk now. Only the engine's thread writes the status, so it reads it
// without the lock.
std::vector<std::string> SyncEngine::Impl::health_headers() const {
    const auto header = [](const char* name, auto value) {
        if constexpr (std::is_integral_v<decltype(value)>) return std::string(name) + ": " + std::to_string(value);
        else return std::string(name) + ": " + std::string(value);
    };
    const std::int64_t now = steady_ms();
    std::vector<std::string> headers = {header(protocol::outbox_depth_header, status.outbox_depth),
                                        header(protocol::program_version_header, program_version()),
                                        header(protocol::uptime_header, std::max<std::int64_t>(now - started_ms, 0) / 1000),
                                        header(protocol::dead_letters_header, status.dead_letters)};
    if (last_sync_steady_ms)
        headers.push_back(header(protocol::sync_age_header, std::max<std::int64_t>(now - *last_sync_steady_ms, 0) / 1000));
    if (const auto free = disk_free_bytes(store_folder)) headers.push_back(header(protocol::disk_free_header, *free));
    if (options.printer_state)
        if (const auto printer = options.printer_state()) headers.push_back(header(protocol::printer_header, *printer));
    return headers;
}

// Acknowledged events leave the outbox once they are older than outbox_keep_ms (the hub and
// this device's log have them; the numbering floor stays), and log entries of closed tickets
// leave the log after log_window_ms, so neither grows for a year; the log copies past the
// hub's retention lose their personal fields, as the hub's own do. Runs at start and then
// every tidy_every_ms, between pushes.
void SyncEngine::Impl::tidy(std::int64_t now) {
    if (now < tidy_at()) return;
    tidy_due = now + std::max<std::int64_t>(options.tidy_every_ms, 1000);
    if (tidy_store(*store, device_now(), hub_ahead_ms, retention_ms, options) && options.store_written)
        options.store_written();
}

bool tidy_store(Store& store, std::int64_t device_now_ms, std::int64_t hub_ahead_ms, std::int64_t retention_ms,
                const SyncOptions& options) {
    SyncStore sync_store(store);
    const auto pruned = store.prune_acknowledged_events(device_now_ms - options.outbox_keep_ms);
    if (!pruned) spdlog::warn("sync: outbox not pruned: {}", pruned.error().detail);
    else if (*pruned > 0) spdlog::info("sync: {} acknowledged events left the outbox", *pruned);
    // A kiosk's own tickets: kept as long as the log window, then only the hub has them.
    const auto old_tickets = store.prune_old_tickets(device_now_ms - options.log_window_ms);
    if (!old_tickets) spdlog::warn("sync: old tickets not pruned: {}", old_tickets.error().detail);
    else if (*old_tickets > 0) spdlog::info("sync: {} tickets older than the log window left the kiosk", *old_tickets);
    if (retention_ms <= 0) return false;  // the hub has not answered yet: its clock is not known here
    const std::int64_t hub_now = device_now_ms + hub_ahead_ms;
    const auto left = sync_store.leave_window(hub_now - options.log_window_ms);
    if (!left) spdlog::warn("sync: log window not applied: {}", left.error().detail);
    else if (*left > 0) spdlog::info("sync: {} log entries of closed tickets left the device", *left);
    if (left && *left > 0) {
        constexpr std::int64_t worth_compacting_bytes = 16LL * 1024 * 1024;
        if (const auto compacted = store.compact_if_mostly_free(worth_compacting_bytes); !compacted)
            spdlog::warn("sync: store not compacted: {}", compacted.error().detail);
        else if (*compacted)
            spdlog::info("sync: the store gave the space of the old log back to the disk");
    }
    const auto expired = sync_store.remove_expired_personal(hub_now - retention_ms);
    const bool changed = (left && *left > 0) || (expired && *expired > 0);
    if (!expired) spdlog::warn("sync: expired personal fields not removed: {}", expired.error().detail);
    if (!expired || *expired == 0) return changed;
    spdlog::info("sync: personal fields removed from {} entries past the hub's retention", *expired);
    if (auto truncated = store.checkpoint_and_truncate(); !truncated)
        spdlog::warn("sync: checkpoint after retention failed: {}", truncated.error().detail);
    return changed;
}

// A call of this kind failed (or its answer could not be kept here): not online until one succeeds.
void SyncEngine::Impl::failed(Slot& slot, const std::string& what) {
    slot.failing = true;
    std::lock_guard lock(status_mutex);
    status.last_error = what;
    ++status.failures;
    status.online = false;
}

// Online only while both kinds of call get through: a hub that answers log reads but not
// pushes leaves the outbox stuck, and the status says so.
void SyncEngine::Impl::publish_health() {
    std::lock_guard lock(status_mutex);
    status.online = status.last_sync_ms.has_value() && !push.failing && !poll.failing;
    if (status.online) status.last_error.clear();
}

void SyncEngine::Impl::refresh_counts() {
    auto depth = store->outbox_depth();
    auto dead = sync_store->dead_letter_count();
    std::lock_guard lock(status_mutex);
    if (depth) status.outbox_depth = *depth;
    if (dead) status.dead_letters = *dead;
    status.cursor = cursor;
}

// A hub that gave no reply or answered 503: the next call goes to the connection's next hub,
// at once while one is untried since the last answer; after a round of failures the usual
// backoff applies. True when the next call need not wait.
bool SyncEngine::Impl::move_to_next_hub(const HttpReply& reply) {
    const std::size_t hubs = parse_hub_urls(options.connection.hub_url).size();
    if (hubs < 2 || !reply.hub_unavailable()) return false;
    if (reply.hub_url != current_hub_url(options.connection)) return hubs_failed > 0;  // the other call moved on
    options.connection.hub_index = (options.connection.hub_index + 1) % hubs;
    spdlog::warn("sync: hub {} unavailable, moving to {}", reply.hub_url, current_hub_url(options.connection));
    if (++hubs_failed < hubs) return true;
    hubs_failed = 0;  // a whole round failed
    return false;
}

void SyncEngine::Impl::back_off(Slot& slot, const HttpReply& reply, const std::string& what) {
    const std::int64_t now = steady_ms();
    std::string detail = what;
    if (reply.answered()) detail += ": HTTP " + std::to_string(reply.status) + " " + reply.error_code();
    else detail += ": " + reply.error;
    if (move_to_next_hub(reply)) {
        slot.hub_asked_to_wait = false;
        slot.not_before = now;
        return failed(slot, detail);
    }
    std::int64_t delay;
    const bool asked = reply.answered() && (reply.status == 429 || reply.status == 503) && reply.retry_after_ms;
    if (asked) {
        delay = std::min(*reply.retry_after_ms, options.retry_after_cap_ms);
    } else if (reply.answered() && (reply.status == 401 || reply.status == 403)) {
        delay = options.backoff_cap_ms;  // needs IT (enrolment), not a quick retry
    } else {
        delay = backoff_delay_ms(slot.attempts, options.backoff_initial_ms, options.backoff_cap_ms, random());
    }
    ++slot.attempts;
    slot.hub_asked_to_wait = asked;
    slot.not_before = now + delay;
    failed(slot, detail);
}

// The hub answered a call: the other kind of call need not wait out its backoff either.
void SyncEngine::Impl::answered(Slot& other, bool other_busy) {
    hubs_failed = 0;
    if (!other_busy && !other.hub_asked_to_wait) {
        other.not_before = 0;
        other.attempts = 0;
    }
    {
        std::lock_guard lock(status_mutex);
        status.last_sync_ms = device_now();
    }
    last_sync_steady_ms = steady_ms();  // the report's age: a step of the wall clock does not move it
    publish_health();
}

namespace {

// Steps of the wall clock smaller than this are left alone: NTP slews a clock by at most
// 0.5 ms a second, about 30 s in 16 hours, and half a minute does not reorder a queue.
constexpr std::int64_t clock_step_tolerance_ms = 30000;

// How far an event's own clock (the wall clock as it ran when the event was made) is from the
// wall clock now, when a step happened in between: the monotonic clock of the same boot says
// how much real time passed, and the wall clock disagrees. 0 without a step, or when the
// event was made in another boot (the time between is then unknown, and the wall clock is
// trusted as before).
std::int64_t clock_shift_ms(const OutboxEvent& e, const ClockReading& now) {
    constexpr std::int64_t century_ms = 100LL * 365 * 24 * 3600 * 1000;  // bounds: no overflow
    if (!e.boot_ms || e.boot_id.empty() || e.boot_id != now.boot_id) return 0;
    const std::int64_t made_boot = std::clamp<std::int64_t>(*e.boot_ms, 0, century_ms);
    const std::int64_t now_boot = std::clamp<std::int64_t>(now.boot_ms, 0, century_ms);
    if (made_boot > now_boot) return 0;
    const std::int64_t made_wall = std::clamp(e.created_ms, protocol::min_event_time_ms, protocol::max_event_time_ms);
    const std::int64_t now_wall = std::clamp(now.wall_ms, protocol::min_event_time_ms, protocol::max_event_time_ms);
    const std::int64_t shift = (made_wall - made_boot) - (now_wall - now_boot);
    return std::abs(shift) <= clock_step_tolerance_ms ? 0 : shift;
}

}  // namespace

// Reads the next batch (after the newest one on its way, or else from the oldest
// unacknowledged event) and sends it. False when there was nothing to send.
bool SyncEngine::Impl::start_push(std::int64_t now) {
    const std::int64_t follows = pushes.empty() ? 0 : pushes.back()->events.back().device_seq;
    const std::int64_t after = next_after();
    const std::uint64_t events = local_events;  // taken before the read: an event written during it is read next time
    auto pending = sync_store->pending_after(after, batch_limit);
    if (!pending) {
        push.not_before = now + options.backoff_cap_ms;
        failed(push, "read outbox: " + pending.error().detail);
        return false;
    }
    if (pending->empty()) {
        const std::int64_t look_again_ms = std::max<std::int64_t>(options.backoff_cap_ms, 100);  // no spin at cap 0
        found_empty = EmptyOutbox{after, events, now + look_again_ms};
        if (pushes.empty()) {
            push.failing = false;  // nothing unsent: nothing is stuck
            refresh_counts();
            publish_health();
        }
        return false;
    }
    found_empty = EmptyOutbox{};
    // A push carries one device time, which the hub reads every event's clock offset from.
    // Events made before a step of the wall clock are sent with the time their own clock
    // would show now (now on the monotonic clock, moved by the shift), so the hub measures
    // the offset they were made with: their arrival stays where it really was (PROTOCOL.md
    // section 7). Events of another clock go in the next push.
    ClockReading clocks = options.monotonic_clock ? options.monotonic_clock() : read_device_clocks();
    clocks.wall_ms = device_now();
    const std::int64_t shift = clock_shift_ms(pending->front(), clocks);
    pending->erase(std::find_if(pending->begin() + 1, pending->end(),
                                [&](const OutboxEvent& e) { return clock_shift_ms(e, clocks) != shift; }),
                   pending->end());
    std::size_t size = 16;
    for (const auto& event : *pending) size += event.body_json.size() + 1;
    std::string body;
    body.reserve(size);
    body += "{\"events\":[";
    for (std::size_t i = 0; i < pending->size(); ++i) {
        if (i > 0) body += ',';
        body += (*pending)[i].body_json;  // stored as JSON by the same program
    }
    body += "]}";
    {
        std::lock_guard lock(status_mutex);
        status.largest_batch_bytes = std::max(status.largest_batch_bytes, body.size());
    }
    std::vector<std::string> headers = health_headers();
    headers.push_back(std::string(protocol::device_time_header) + ": " + std::to_string(clocks.wall_ms + shift));
    if (follows > 0) headers.push_back(std::string(protocol::follows_header) + ": " + std::to_string(follows));
    auto call = std::make_unique<PushCall>();
    call->events = std::move(pending.value());
    call->call.prepare(options.connection, "POST", "/v1/events", std::move(body), headers);
    if (curl_multi_add_handle(multi, call->call.handle()) != CURLM_OK) {
        push.not_before = now + options.backoff_cap_ms;
        failed(push, "push: libcurl refused the call");
        return false;
    }
    pushes.push_back(std::move(call));
    return true;
}

// Starts pushes until two are on their way or the outbox has no more.
void SyncEngine::Impl::fill_pushes(std::int64_t now) {
    while (pushes.size() < max_pushes_in_flight && now >= push.not_before && may_have_unsent(now) && start_push(now))
        send_out(pushes.back()->call);
}

// Drops every push on its way: their events go again, from the oldest unacknowledged.
void SyncEngine::Impl::cancel_pushes() {
    for (const auto& p : pushes)
        if (!p->reply) curl_multi_remove_handle(multi, p->call.handle());
    pushes.clear();
}

void SyncEngine::Impl::push_ended(CURL* easy, CURLcode code) {
    for (auto& p : pushes)
        if (p->call.handle() == easy) p->reply = p->call.finish(code);
    // Answers are taken in the order the pushes were sent.
    while (!pushes.empty() && pushes.front()->reply) {
        std::unique_ptr<PushCall> done = std::move(pushes.front());
        pushes.pop_front();
        finish_push(*done);
    }
}

void SyncEngine::Impl::finish_push(PushCall& done) {
    const HttpReply& reply = *done.reply;
    std::vector<OutboxEvent>& in_flight = done.events;
    if (reply.answered() && reply.status == 200) {
        const auto results = protocol::push_reply_results(reply.body);
        std::vector<SyncAck> acks;
        bool valid = results && results->size() == in_flight.size();
        for (std::size_t i = 0; valid && i < in_flight.size(); ++i) {
            const auto& r = (*results)[i];
            valid = r.event_id == in_flight[i].event_id;
            if (valid) acks.push_back(SyncAck{r.event_id, r.status == "stored", r.code, r.message});
        }
        if (!valid) {
            cancel_pushes();
            write_acks();
            return back_off(push, HttpReply{CURLE_OK, 0, {}, {}, "malformed push reply", {}}, "push");
        }
        push.attempts = 0;
        push.not_before = 0;
        push.hub_asked_to_wait = false;
        push.failing = false;
        batch_limit = std::min(options.batch_size, batch_limit * 2);
        // The hub works on the next batches while this one's answers are written here.
        unwritten_acks.insert(unwritten_acks.end(), acks.begin(), acks.end());
        unwritten_through = in_flight.back().device_seq;
        fill_pushes(steady_ms());
        write_acks();
        {
            std::lock_guard lock(status_mutex);
            ++status.pushes;
        }
        refresh_counts();  // before online is published: never "online" beside a stale depth
        return answered(poll, polling);
    }
    // Anything but a clean answer ends the stream: what is known is written first, so a
    // fresh read of the outbox does not send those events again.
    cancel_pushes();
    write_acks();
    refresh_counts();
    if (reply.answered() && (reply.status == 400 || reply.status == 413)) {
        // The hub refuses the batch as a whole: find the event it cannot take by halving,
        // then set that one event aside so the rest move on.
        if (in_flight.size() > 1) {
            batch_limit = std::max<std::size_t>(1, in_flight.size() / 2);
            push.not_before = 0;
        } else if (!in_flight.empty()) {
            const json error = protocol::parse_json_text(reply.body);
            const auto it = error.is_object() ? error.find("message") : error.end();
            const std::string message = it != error.end() && it->is_string() ? it->get<std::string>() : "";
            const std::vector<SyncAck> refusal{SyncAck{in_flight.front().event_id, false, reply.error_code(), message}};
            const bool written = sync_store->apply_acks(refusal, device_now()).ok();
            if (written && options.store_written) options.store_written();
            refresh_counts();
        }
        // An answer, not a failure: the outbox moves on (smaller batches, or without that event).
        push.failing = false;
        std::lock_guard lock(status_mutex);
        status.last_error = "push refused: HTTP " + std::to_string(reply.status) + " " + reply.error_code();
        ++status.failures;
        return;
    }
    back_off(push, reply, "push");  // outcome unknown: the same events go again, with the same ids
}

// Hands a request to the network before this device's own disk work, so that the hub
// stores one batch while this device writes the answers of the last: waits (without
// spinning) until the body has gone out, at most send_out_ms.
void SyncEngine::Impl::send_out(HttpCall& call) {
    constexpr std::int64_t send_out_ms = 200;
    const std::int64_t until = steady_ms() + send_out_ms;
    for (;;) {
        int running = 0;
        curl_multi_perform(multi, &running);
        const std::int64_t left = until - steady_ms();
        if (running == 0 || call.request_sent() || left <= 0) return;
        curl_multi_poll(multi, nullptr, 0, static_cast<int>(left), nullptr);
    }
}

void SyncEngine::Impl::write_acks() {
    if (unwritten_acks.empty()) return;
    if (auto applied = sync_store->apply_acks(unwritten_acks, device_now()); !applied) {
        // Those events are sent again later, from the oldest unacknowledged (same ids,
        // same answers).
        cancel_pushes();
        push.not_before = steady_ms() + options.backoff_cap_ms;
        failed(push, "store acknowledgements: " + applied.error().detail);
    }
    else if (options.store_written)
        options.store_written();
    unwritten_acks.clear();
    unwritten_through = 0;
}

void SyncEngine::Impl::start_poll() {
    // A device with no log yet (new, or its store wiped) starts at the hub's window, not at
    // the office's first day: what is older is closed and would leave it again at once.
    const std::string path = "/v1/events?after=" + std::to_string(cursor) + "&limit=" +
                             std::to_string(options.log_page) + "&wait_ms=" + std::to_string(options.long_poll_wait_ms) +
                             (cursor == 0 ? "&start=recent" : "") + config_version_param();
    // The long-poll every device keeps open is its heartbeat: it carries the health report.
    std::vector<std::string> headers = health_headers();
    headers.push_back(std::string(protocol::device_time_header) + ": " + std::to_string(device_now()));
    poll_call.prepare(options.connection, "GET", path, {}, headers, options.long_poll_wait_ms);
    if (curl_multi_add_handle(multi, poll_call.handle()) != CURLM_OK) {
        poll.not_before = steady_ms() + options.backoff_cap_ms;
        return failed(poll, "read log: libcurl refused the call");
    }
    polling = true;
}

void SyncEngine::Impl::finish_poll(const HttpReply& reply) {
    polling = false;
    if (!(reply.answered() && reply.status == 200)) return back_off(poll, reply, "read log");
    const json body = protocol::parse_json_text(reply.body);
    if (!body.is_object() || !body.contains("events") || !body.at("events").is_array() || !body.contains("cursor") ||
        !body.at("cursor").is_number_integer() || body.at("cursor").get<std::int64_t>() < cursor)
        return back_off(poll, HttpReply{CURLE_OK, 0, {}, {}, "malformed log reply", {}}, "read log");
    std::vector<MergedEvent> page;
    for (const auto& item : body.at("events")) {
        auto entry = protocol::read_log_entry(item);
        if (!entry) return back_off(poll, HttpReply{CURLE_OK, 0, {}, {}, "malformed log entry", {}}, "read log");
        if (!entry->event) {
            // An event this device cannot read (a newer or damaged one) is skipped, not
            // fatal: the cursor moves past it, and IT sees which one in the log.
            spdlog::warn("log entry {} skipped: {} ({})", entry->hub_seq, entry->event.error().message,
                         entry->event.error().field);
            continue;
        }
        page.push_back(MergedEvent{entry->hub_seq, entry->received_ms, entry->device_clock_offset_ms,
                                   std::move(entry->event.value())});
    }
    const std::int64_t next_cursor = body.at("cursor").get<std::int64_t>();
    if (const auto hub_time = body.find("hub_time_ms"); hub_time != body.end() && hub_time->is_number_integer()) {
        hub_ahead_ms = std::clamp<std::int64_t>(hub_time->get<std::int64_t>(), protocol::min_event_time_ms,
                                                protocol::max_event_time_ms) -
                       std::clamp<std::int64_t>(device_now(), protocol::min_event_time_ms, protocol::max_event_time_ms);
        // Kept in the store for the screens (known_log's reference clock): written only when
        // it moved by more than a second, so a steady clock costs no writes.
        // With the boot it was measured in: kiosks number tickets on it only in that boot.
        if (!saved_hub_ahead_ms || std::abs(*saved_hub_ahead_ms - hub_ahead_ms) > 1000)
            if (sync_store->set_state_value(SyncStore::hub_ahead_boot_key, read_device_clocks().boot_id) &&
                sync_store->set_state_value(SyncStore::hub_ahead_key, std::to_string(hub_ahead_ms)))
                saved_hub_ahead_ms = hub_ahead_ms;
    }
    if (const auto retention = body.find("retention_ms"); retention != body.end() && retention->is_number_integer()) {
        // At most ten years, at least a second.
        const std::int64_t said = std::clamp<std::int64_t>(retention->get<std::int64_t>(), 1000, 3650LL * 24 * 3600 * 1000);
        if (said != retention_ms && sync_store->set_state_value("retention_ms", std::to_string(said))) {
            if (retention_ms == 0) tidy_due = steady_ms();  // first word from the hub: apply it now
            retention_ms = said;
        }
    }
    if (auto applied = sync_store->apply_log(page, next_cursor); !applied) {
        poll.not_before = steady_ms() + options.backoff_cap_ms;
        return failed(poll, "store log page: " + applied.error().detail);
    }
    cursor = next_cursor;
    if (!page.empty() && options.store_written) options.store_written();
    if (const auto version = body.find("config_version");
        office_config && version != body.end() && version->is_string())
        office_config->hub_has(version->get<std::string>(), multi, options.connection, device_time_headers(),
                               steady_ms());
    poll.attempts = 0;
    poll.hub_asked_to_wait = false;
    poll.failing = false;
    // An empty page after a long-poll: ask again at once; a hub that does not wait is not
    // hammered either.
    poll.not_before = page.empty() ? steady_ms() + 100 : 0;
    refresh_counts();
    answered(push, !pushes.empty());
}

void SyncEngine::Impl::run() {
    while (!stopping) {
        const std::int64_t now = steady_ms();
        if (const std::uint64_t events = local_events; events != local_events_seen) {
            local_events_seen = events;
            if (pushes.empty() && !push.hub_asked_to_wait) push.not_before = 0;
            refresh_counts();
        }
        fill_pushes(now);
        tidy(now);
        if (options.pull && !polling && now >= poll.not_before) start_poll();

        int running = 0;
        curl_multi_perform(multi, &running);
        bool finished = false;
        int left = 0;
        while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
            if (message->msg != CURLMSG_DONE) continue;
            CURL* easy = message->easy_handle;
            const CURLcode code = message->data.result;
            curl_multi_remove_handle(multi, easy);
            finished = true;
            if (easy == poll_call.handle()) finish_poll(poll_call.finish(code));
            else if (office_config && office_config->owns(easy))
                office_config->finished(code, steady_ms(), device_now());
            else push_ended(easy, code);
        }
        if (finished) continue;

        std::int64_t timeout = 60000;
        const std::int64_t later = steady_ms();
        if (pushes.size() < max_pushes_in_flight) {
            // Unsent events go when the backoff allows; an empty outbox is looked at again
            // after one backoff cap even if no one says it has changed.
            const std::int64_t wake =
                may_have_unsent(later) ? push.not_before : std::max(push.not_before, found_empty.until);
            timeout = std::min(timeout, std::max<std::int64_t>(0, wake - later));
        }
        if (options.pull && !polling) timeout = std::min(timeout, std::max<std::int64_t>(0, poll.not_before - later));
        timeout = std::min(timeout, std::max<std::int64_t>(0, tidy_at() - later));
        long curl_timeout = -1;
        curl_multi_timeout(multi, &curl_timeout);
        if (curl_timeout >= 0) timeout = std::min<std::int64_t>(timeout, curl_timeout);
        curl_multi_poll(multi, nullptr, 0, static_cast<int>(timeout), nullptr);
    }
    cancel_pushes();
    if (polling) curl_multi_remove_handle(multi, poll_call.handle());
    if (office_config) office_config->cancel(multi);
    write_acks();
}

Result<std::unique_ptr<SyncEngine>, std::string> SyncEngine::start(const StoreOptions& store_options,
                                                                  SyncOptions options) {
    StoreOptions second = store_options;  // the program made the store: never an empty one here
    second.create_if_missing = false;
    auto store = Store::open(second);
    if (!store) return "cannot open the store: " + store.error().detail;
    auto impl = std::make_unique<Impl>();
    impl->options = std::move(options);
    impl->options.batch_size = std::clamp<std::size_t>(impl->options.batch_size, 1, protocol::max_batch_events);
    impl->batch_limit = impl->options.batch_size;
    impl->random.seed(impl->options.jitter_seed != 0 ? impl->options.jitter_seed : std::random_device{}());
    impl->store = std::move(store.value());
    std::error_code no_folder;  // then statvfs fails and no disk figure is sent
    impl->store_folder = std::filesystem::absolute(store_options.path, no_folder).parent_path();
    // Everything this connection writes is something the hub can tell again: answers to
    // pushes (an event sent again gets the same answer), dead letters (so does a rejected
    // one) and log pages with their cursor (read again from the older cursor). So its
    // commits skip the disk sync; WAL keeps each one whole, and a power cut can only undo
    // the last few, which the next sync redoes. Tickets are issued on the kiosk's own
    // connection, which syncs every commit.
    if (int code = sql::exec(impl->store->handle(), "PRAGMA synchronous=NORMAL"); code != SQLITE_OK)
        return "cannot configure the store: " + std::string(sqlite3_errstr(code));
    impl->sync_store = std::make_unique<SyncStore>(*impl->store);
    if (auto c = impl->sync_store->cursor()) impl->cursor = *c;
    if (auto kept = impl->sync_store->state_value(SyncStore::hub_ahead_key); kept && *kept) {
        impl->hub_ahead_ms = std::strtoll((*kept)->c_str(), nullptr, 10);
        // Measured in an earlier boot: written again at the first measure in this one.
        auto boot = impl->sync_store->state_value(SyncStore::hub_ahead_boot_key);
        if (boot && *boot && **boot == read_device_clocks().boot_id) impl->saved_hub_ahead_ms = impl->hub_ahead_ms;
    }
    if (auto kept = impl->sync_store->state_value("retention_ms"); kept && *kept)
        impl->retention_ms = std::max<std::int64_t>(0, std::strtoll((*kept)->c_str(), nullptr, 10));
    if (impl->options.office_config_stored) {
        auto held = cached_office_config(*impl->store);
        if (!held) return "cannot read the office configuration: " + held.error().detail;
        impl->office_config.emplace(*impl->store, *held ? (*held)->version : std::string(),
                                    impl->options.office_config_stored);
    }
    impl->refresh_counts();  // status() is true from the start, before the thread runs
    impl->multi = curl_multi_init();
    if (impl->multi == nullptr) return std::string("curl_multi_init failed");
    Impl* raw = impl.get();
    impl->thread = std::thread([raw] {
        pthread_setname_np(pthread_self(), "skranke-sync");  // named in top -H and in profiles
        raw->run();
    });
    return std::unique_ptr<SyncEngine>(new SyncEngine(std::move(impl)));
}

SyncEngine::SyncEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SyncEngine::~SyncEngine() {
    impl_->stopping = true;
    curl_multi_wakeup(impl_->multi);
    if (impl_->thread.joinable()) impl_->thread.join();
    curl_multi_cleanup(impl_->multi);
}

void SyncEngine::notify_local_event() {
    ++impl_->local_events;
    curl_multi_wakeup(impl_->multi);
}

SyncStatus SyncEngine::status() const {
    std::lock_guard lock(impl_->status_mutex);
    return impl_->status;
}

}  // namespace skranke::sync
