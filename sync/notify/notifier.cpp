#include "notify/notifier.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "domain/office_time.hpp"
#include "notify/notify_plan.hpp"
#include "notify/sms_gateway.hpp"
#include "store/office_cache.hpp"
#include "store/queue_view.hpp"
#include "store/sync_store.hpp"

namespace skranke::notify {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now().time_since_epoch()).count();
}

// "12 s", "5 minutes": how long a message was tried, for staff.
std::string spoken_duration(std::int64_t ms) {
    if (ms < 120000) return std::to_string((ms + 999) / 1000) + " s";
    return std::to_string((ms + 30000) / 60000) + " minutes";
}

struct Attempt {
    std::string claim_id;
    GatewayRequest request;
};
struct AttemptDone {
    std::string claim_id;
    GatewayAnswer answer;
};

// One message from its first try to its told outcome.
struct Job {
    SendJob send;
    int tries = 0;
    std::int64_t first_ms = 0;     // steady clock, when it was first tried
    std::int64_t next_ms = 0;      // steady clock, when the next try may start
    bool in_flight = false;
    std::optional<TicketNotified> outcome;  // decided, not yet recorded (the store said no)
};

}  // namespace

StoreOptions notify_store_options(const std::filesystem::path& file, bool create_if_missing) {
    StoreOptions options;
    options.path = file;
    options.device_kind = device_kind;
    options.create_if_missing = create_if_missing;
    return options;
}

struct Notifier::Work {
    NotifierSetup setup;
    std::unique_ptr<Store> store;
    std::unique_ptr<QueueView> view;
    std::unique_ptr<sync::SyncEngine> engine;

    // The loop's own state: read and written on its thread only.
    std::optional<OfficeSettings> office;  // nothing until the hub's configuration arrived once
    std::string office_version;
    std::set<std::pair<std::string, NotifyKind>> claimed;  // claims this run recorded
    std::map<std::string, Job> jobs;                       // by claim id
    std::set<std::string> finished;                        // claims whose outcome this run recorded

    std::mutex mutex;  // guards everything below
    std::condition_variable loop_wake;
    std::condition_variable sender_wake;
    bool poked = false;
    bool stopping = false;
    std::deque<Attempt> attempts;
    std::vector<AttemptDone> done;
    NotifierCounts counts;
    std::atomic<bool> config_stored{true};  // read the cache at start

    std::thread loop;
    std::vector<std::thread> senders;

    std::int64_t device_now() const { return setup.device_clock ? setup.device_clock() : wall_clock_ms(); }

    void poke() {
        {
            std::lock_guard lock(mutex);
            poked = true;
        }
        loop_wake.notify_one();
    }

    void run_sender() {
        for (;;) {
            Attempt attempt;
            {
                std::unique_lock lock(mutex);
                sender_wake.wait(lock, [&] { return stopping || !attempts.empty(); });
                if (stopping) return;
                attempt = std::move(attempts.front());
                attempts.pop_front();
            }
            GatewayAnswer answer = send_to_gateway(setup.config.gateway, attempt.request);
            {
                std::lock_guard lock(mutex);
                ++counts.tries;
                done.push_back({std::move(attempt.claim_id), std::move(answer)});
                poked = true;
            }
            loop_wake.notify_one();
        }
    }

    void load_office() {
        auto cached = cached_office_config(*store);
        if (!cached) {
            spdlog::warn("cannot read the office configuration from the store: {}", cached.error().detail);
            return;
        }
        if (!*cached || (*cached)->version == office_version) return;
        auto settings = parse_office_file((*cached)->office_toml, "the hub's office file");
        if (!settings) {
            spdlog::error("{} (the settings in use stay)", settings.error());
            office_version = (*cached)->version;  // said once
            return;
        }
        office = *settings;
        office_version = (*cached)->version;
        spdlog::info("office configuration {} in use: near-front SMS at {} or fewer ahead", office_version.substr(0, 12),
                     office->sms_near_front);
    }

    // Records a ticket.notified of this device; false when the store refused it (said in the log).
    bool record(const TicketNotified& event) {
        auto recorded = SyncStore(*store).record_event(event, device_now());
        if (!recorded) {
            spdlog::error("cannot record {} {} of ticket {}: {}", to_string(event.kind), to_string(event.outcome),
                          event.ticket_id, recorded.error().detail);
            return false;
        }
        return true;
    }

    std::shared_ptr<const QueueSnapshot> fresh_snapshot() {
        if (auto updated = view->update_now(); !updated)
            spdlog::warn("cannot read the merged log: {}", updated.error().detail);
        return view->snapshot();
    }

    bool make_claims(const QueueSnapshot& snapshot) {
        if (!office) return false;  // the office's name and threshold come from the hub
        bool any = false;
        const auto now = snapshot.reference_now(device_now());
        for (const Claim& claim : claims_due(snapshot.queue(), office->sms_near_front, now)) {
            // One claim per ticket and kind while the first is on its way to the hub.
            if (!claimed.insert({claim.ticket_id, claim.kind}).second) continue;
            if (!record({claim.ticket_id, claim.kind, NotifyOutcome::sending, {}})) {
                claimed.erase({claim.ticket_id, claim.kind});
                continue;
            }
            spdlog::info("claimed the {} SMS of ticket {}", to_string(claim.kind), claim.ticket_id);
            std::lock_guard lock(mutex);
            ++counts.claims;
            any = true;
        }
        return any;
    }

    // What the gateway said about one try: the outcome to tell, or the next try's time.
    void take_answer(Job& job, const GatewayAnswer& answer, std::int64_t now) {
        job.in_flight = false;
        ++job.tries;
        const RetryConfig& retry = setup.config.retry;
        const std::string& claim = job.send.claim_id;
        if (answer.result == AttemptResult::delivered) {
            job.outcome = TicketNotified{job.send.ticket_id, job.send.kind, NotifyOutcome::sent, {}};
            spdlog::info("sent {} ({}, try {})", claim, answer.what(), job.tries);
            return;
        }
        if (answer.result == AttemptResult::refused) {
            job.outcome = TicketNotified{job.send.ticket_id, job.send.kind, NotifyOutcome::failed,
                                         "the SMS gateway refused the message: it " + answer.what()};
            spdlog::error("the gateway refused {}: it {}", claim, answer.what());
            return;
        }
        const int doublings = std::min(job.tries - 1, 30);
        const std::int64_t wait = std::min(retry.max_wait_ms, retry.first_wait_ms << doublings);
        if (job.tries >= retry.tries || now + wait - job.first_ms > retry.give_up_after_ms) {
            job.outcome = TicketNotified{job.send.ticket_id, job.send.kind, NotifyOutcome::failed,
                                         "the SMS gateway " + answer.what() + " on " + std::to_string(job.tries) +
                                             " tries over " + spoken_duration(now - job.first_ms)};
            spdlog::error("gave up on {}: the gateway {} on {} tries", claim, answer.what(), job.tries);
            return;
        }
        job.next_ms = now + wait;
        spdlog::warn("the gateway {} for {}: try {} in {} ms", answer.what(), claim, job.tries + 1, wait);
    }

    // Outcomes decided and not yet recorded are recorded; true when any was.
    bool record_outcomes() {
        bool any = false;
        for (auto it = jobs.begin(); it != jobs.end();) {
            Job& job = it->second;
            if (!job.outcome || !record(*job.outcome)) {
                ++it;
                continue;
            }
            {
                std::lock_guard lock(mutex);
                ++(job.outcome->outcome == NotifyOutcome::sent ? counts.sent : counts.failed);
            }
            finished.insert(it->first);
            it = jobs.erase(it);
            any = true;
        }
        return any;
    }

    // Tries that are due go to the senders, with the text made from the snapshot.
    void dispatch(const QueueSnapshot& snapshot, std::int64_t now) {
        std::vector<Attempt> ready;
        for (auto& [claim_id, job] : jobs) {
            if (job.in_flight || job.outcome || job.next_ms > now) continue;
            const QueueTicket* ticket = snapshot.queue().find(job.send.ticket_id);
            if (!ticket || ticket->ticket.request.phone.empty()) {
                // The hub's retention emptied the phone (or the ticket left the log) first.
                job.outcome = TicketNotified{job.send.ticket_id, job.send.kind, NotifyOutcome::failed,
                                             "not sent: the visitor's phone number is no longer kept"};
                continue;
            }
            if (job.tries == 0) job.first_ms = now;
            SmsMessage message{ticket->ticket.request.phone,
                               sms_text(setup.texts, office.value_or(default_office_settings()), *ticket, job.send.kind,
                                        snapshot.queue(), snapshot.reference_now(device_now())),
                               sms_key(claim_id, job.send.kind)};
            ready.push_back({claim_id, render_request(setup.config.gateway, setup.credentials, message)});
            job.in_flight = true;
        }
        if (ready.empty()) return;
        {
            std::lock_guard lock(mutex);
            for (Attempt& a : ready) attempts.push_back(std::move(a));
        }
        sender_wake.notify_all();
    }

    // What this run remembers only until the log shows it, so a notifier that runs for
    // months keeps these small: a claim the fold shows (ours or another's), an outcome
    // recorded for a claim no longer sending.
    void forget_settled(const QueueSnapshot& snapshot, const std::set<std::string>& still_sending) {
        for (auto it = claimed.begin(); it != claimed.end();) {
            const QueueTicket* ticket = snapshot.queue().find(it->first);
            it = !ticket || ticket->sms_of(it->second) ? claimed.erase(it) : std::next(it);
        }
        for (auto it = finished.begin(); it != finished.end();)
            it = still_sending.count(*it) ? std::next(it) : finished.erase(it);
    }

    void run_loop() {
        for (;;) {
            if (config_stored.exchange(false)) load_office();
            auto snapshot = fresh_snapshot();
            if (make_claims(*snapshot)) {
                engine->notify_local_event();
                snapshot = fresh_snapshot();  // the claims count from the outbox now
            }
            std::vector<AttemptDone> answers;
            {
                std::lock_guard lock(mutex);
                answers.swap(done);
            }
            const std::int64_t now = steady_ms();
            for (const AttemptDone& a : answers)
                if (auto it = jobs.find(a.claim_id); it != jobs.end()) take_answer(it->second, a.answer, now);
            if (record_outcomes()) {
                engine->notify_local_event();
                snapshot = fresh_snapshot();
            }
            std::set<std::string> still_sending;
            for (SendJob& send : sends_due(*snapshot, store->device_id())) {
                still_sending.insert(send.claim_id);
                if (jobs.count(send.claim_id) || finished.count(send.claim_id)) continue;
                const std::string id = send.claim_id;
                jobs.emplace(id, Job{std::move(send), 0, now, now, false, std::nullopt});
            }
            forget_settled(*snapshot, still_sending);
            dispatch(*snapshot, now);

            // At least once a second (the near-front count moves with the clock), sooner for a
            // new page, an answer, or a retry that falls due.
            std::int64_t wake_at = steady_ms() + 1000;
            for (const auto& [id, job] : jobs)
                if (!job.in_flight && !job.outcome) wake_at = std::min(wake_at, job.next_ms);
            std::unique_lock lock(mutex);
            loop_wake.wait_until(lock, SteadyClock::time_point(std::chrono::milliseconds(wake_at)),
                                 [&] { return poked || stopping; });
            if (stopping) return;
            poked = false;
        }
    }
};

Result<std::unique_ptr<Notifier>, std::string> Notifier::start(NotifierSetup setup) {
    auto work = std::make_unique<Work>();
    work->setup = std::move(setup);
    const StoreOptions options = notify_store_options(work->setup.config.store, false);
    auto store = Store::open(options);
    if (!store) return work->setup.config.store.string() + ": " + store.error().detail;
    work->store = std::move(*store);
    QueueView::Options view_options;
    view_options.device_clock = work->setup.device_clock;
    view_options.thread = false;  // the loop reads each page itself, right after the engine wrote it
    view_options.poll_ms = 0;
    view_options.day_figures = false;
    auto view = QueueView::open(options, view_options);
    if (!view) return "cannot read the merged log: " + view.error().detail;
    work->view = std::move(*view);

    sync::SyncOptions sync;
    sync.connection = work->setup.connection;
    sync.long_poll_wait_ms = work->setup.config.long_poll_wait_ms;
    sync.backoff_cap_ms = work->setup.config.backoff_cap_ms;
    sync.device_clock = work->setup.device_clock;
    Work* w = work.get();
    sync.store_written = [w] { w->poke(); };
    sync.office_config_stored = [w] {
        w->config_stored = true;
        w->poke();
    };
    auto engine = sync::SyncEngine::start(options, sync);
    if (!engine) return engine.error();
    work->engine = std::move(*engine);
    for (int i = 0; i < work->setup.config.gateway.parallel; ++i) work->senders.emplace_back([w] { w->run_sender(); });
    work->loop = std::thread([w] { w->run_loop(); });
    spdlog::info("skranke-notify {} started as {}", sync::program_version(), work->store->device_id());
    return std::unique_ptr<Notifier>(new Notifier(std::move(work)));
}

Notifier::Notifier(std::unique_ptr<Work> work) : work_(std::move(work)) {}

Notifier::~Notifier() {
    {
        std::lock_guard lock(work_->mutex);
        work_->stopping = true;
    }
    work_->loop_wake.notify_all();
    work_->sender_wake.notify_all();
    work_->loop.join();
    for (std::thread& sender : work_->senders) sender.join();
    work_->engine.reset();  // its callbacks poke this Work: it goes first
}

const std::string& Notifier::device_id() const { return work_->store->device_id(); }

NotifierCounts Notifier::counts() const {
    std::lock_guard lock(work_->mutex);
    return work_->counts;
}

sync::SyncStatus Notifier::sync_status() const { return work_->engine->status(); }

}  // namespace skranke::notify
