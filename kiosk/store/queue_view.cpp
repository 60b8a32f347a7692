#include "store/queue_view.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include <spdlog/spdlog.h>

#include "domain/office_time.hpp"
#include "store/known_events.hpp"
#include "store/sqlite_util.hpp"

namespace skranke {

bool QueueSnapshot::awaits_hub_copy(const std::string& event_id) const {
    return std::find(own_unmerged.begin(), own_unmerged.end(), event_id) != own_unmerged.end();
}

struct QueueView::Work {
    std::unique_ptr<Store> store;
    Options options;
    std::mutex mutex;              // one update at a time, on the view's connection
    LogFold merged;                // the merged log as far as cursor
    std::int64_t cursor = 0;
    std::string generation;        // SyncStore::log_generation_key when merged was started
    std::int64_t data_version = -1;  // PRAGMA data_version at the last look (-1: never looked)
    std::string office_day;
    std::uint64_t version = 0;
    std::size_t applied = 0;
    // This device's own events not merged yet, as parsed before (an offline kiosk's outbox
    // grows all day: only new ones are read). By device sequence number.
    std::map<std::int64_t, KnownEvent> own;

    std::int64_t device_now() const { return options.device_clock ? options.device_clock() : wall_clock_ms(); }
    // A new snapshot when the store changed (or the office day turned); nothing otherwise.
    StoreResult<std::shared_ptr<const QueueSnapshot>> look();
};

namespace {

StoreResult<std::int64_t> data_version_of(sqlite3* db) {
    sql::Statement q(db, "PRAGMA data_version");
    const int code = q.step();
    if (code != SQLITE_ROW) return sql::error_from(db, code, "read the store's data version");
    return q.int64(0);
}

}  // namespace

StoreResult<std::shared_ptr<const QueueSnapshot>> QueueView::Work::look() {
    sqlite3* db = store->handle();
    auto version_now = data_version_of(db);
    if (!version_now) return version_now.error();
    SyncStore sync_store(*store);
    auto snapshot = std::make_shared<QueueSnapshot>();
    std::vector<const KnownEvent*> own_now;
    {
        sql::ReadTransaction read(db);
        if (read.begin_code() != SQLITE_OK) return sql::error_from(db, read.begin_code(), "begin reading the log");
        auto hub_ahead = read_hub_ahead(db);
        if (!hub_ahead) return hub_ahead.error();
        const std::string day = service_day_of(device_now() + *hub_ahead);
        if (*version_now == data_version && day == office_day) return std::shared_ptr<const QueueSnapshot>();
        auto generation_now = sync_store.state_value(SyncStore::log_generation_key);
        if (!generation_now) return generation_now.error();
        if (generation_now->value_or("") != generation) {  // entries changed or left: start again
            merged = LogFold{};
            cursor = 0;
            applied = 0;
            generation = generation_now->value_or("");
        }
        auto last = read_merged_after(db, cursor, [&](KnownEvent&& known) {
            merged.apply(known);
            ++applied;
        });
        if (!last) return last.error();
        cursor = *last;
        auto seqs = read_own_unmerged_seqs(db);
        if (!seqs) return seqs.error();
        std::map<std::int64_t, KnownEvent> still;
        for (const std::int64_t seq : *seqs) {
            if (auto known = own.find(seq); known != own.end()) {
                still.insert(own.extract(known));
                continue;
            }
            auto parsed = read_own_event(db, seq, *hub_ahead);
            if (!parsed) return parsed.error();
            if (*parsed) still.emplace(seq, std::move(**parsed));
        }
        own = std::move(still);
        for (auto& [seq, known] : own) {
            known.meta.device_clock_offset_ms = -*hub_ahead;  // the offset measured last
            snapshot->own_unmerged.push_back(known.event.envelope.event_id);
            own_now.push_back(&known);
        }
        auto refused = sync_store.dead_letters();
        if (!refused) return refused.error();
        snapshot->refused = std::move(*refused);
        snapshot->hub_ahead_ms = *hub_ahead;
        snapshot->office_day = day;
    }
    data_version = *version_now;
    office_day = snapshot->office_day;
    snapshot->fold = merged;
    for (const KnownEvent* known : own_now) snapshot->fold.apply(*known);
    if (options.day_figures) snapshot->figures = compute_day_figures(snapshot->fold.day_timelines(snapshot->office_day));
    constexpr std::int64_t recent_window_ms = 3 * 3600 * 1000;
    constexpr std::size_t recent_services = 20;
    snapshot->recent_service_ms =
        snapshot->fold.recent_service_ms(snapshot->reference_now(device_now()) - recent_window_ms, recent_services);
    snapshot->version = ++version;
    snapshot->cursor = cursor;
    return std::shared_ptr<const QueueSnapshot>(std::move(snapshot));
}

StoreResult<std::unique_ptr<QueueView>> QueueView::open(const StoreOptions& store, Options options) {
    StoreOptions second = store;
    second.create_if_missing = false;
    auto opened = Store::open(second);
    if (!opened) return opened.error();
    auto work = std::make_unique<Work>();
    work->store = std::move(*opened);
    work->options = std::move(options);
    std::unique_ptr<QueueView> view(new QueueView(std::move(work)));
    if (auto first = view->update_now(); !first) return first.error();
    if (view->work_->options.thread) view->thread_ = std::thread([v = view.get()] { v->run(); });
    return view;
}

QueueView::QueueView(std::unique_ptr<Work> work) : work_(std::move(work)) {}

QueueView::~QueueView() {
    {
        std::lock_guard lock(wake_mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const QueueSnapshot> QueueView::snapshot() const {
    std::lock_guard lock(published_mutex_);
    return published_;
}

std::shared_ptr<const QueueSnapshot> QueueView::wait_for(const std::function<bool(const QueueSnapshot&)>& shows,
                                                         std::chrono::milliseconds timeout) const {
    std::unique_lock lock(published_mutex_);
    if (!published_cv_.wait_for(lock, timeout, [&] { return published_ && shows(*published_); })) return nullptr;
    return published_;
}

void QueueView::changed() {
    if (!work_->options.thread) {
        (void)update_now();
        return;
    }
    {
        std::lock_guard lock(wake_mutex_);
        poked_ = true;
    }
    wake_.notify_all();
}

StoreResult<Done> QueueView::update_now() {
    std::lock_guard lock(work_->mutex);
    auto made = work_->look();
    if (!made) return made.error();
    if (*made) {
        {
            std::lock_guard publish(published_mutex_);
            published_ = std::move(*made);
        }
        published_cv_.notify_all();
    }
    return Done{};
}

std::size_t QueueView::applied() const {
    std::lock_guard lock(work_->mutex);
    return work_->applied;
}

void QueueView::run() {
    bool reported = false;  // a failing store is logged once, until it reads again
    for (;;) {
        {
            std::unique_lock lock(wake_mutex_);
            const auto told = [&] { return poked_ || stopping_; };
            if (work_->options.poll_ms <= 0) wake_.wait(lock, told);
            else wake_.wait_for(lock, std::chrono::milliseconds(std::max(work_->options.poll_ms, 10)), told);
            if (stopping_) return;
            poked_ = false;
        }
        // The screens keep the last snapshot while the store cannot be read.
        if (auto updated = update_now(); !updated && !reported) {
            spdlog::warn("queue view: cannot read the store: {}", updated.error().detail);
            reported = true;
        } else if (updated) {
            reported = false;
        }
    }
}

}  // namespace skranke
