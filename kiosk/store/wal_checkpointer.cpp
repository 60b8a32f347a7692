#include "store/wal_checkpointer.hpp"

#include <sqlite3.h>
#include <spdlog/spdlog.h>

namespace skranke {

WalCheckpointer::WalCheckpointer(Connection own) : own_(std::move(own)), thread_([this] { loop(); }) {}

WalCheckpointer::~WalCheckpointer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    due_changed_.notify_all();
    thread_.join();
}

void WalCheckpointer::attach(sqlite3* writer) { sqlite3_wal_hook(writer, &WalCheckpointer::on_commit, this); }

void WalCheckpointer::detach(sqlite3* writer) { sqlite3_wal_autocheckpoint(writer, checkpoint_pages); }

std::uint64_t WalCheckpointer::runs() const {
    std::lock_guard lock(mutex_);
    return runs_;
}

// Runs in the writer's commit, after the log is synced: the commit has succeeded whatever
// this returns, and this returns at once unless the thread is far behind.
int WalCheckpointer::on_commit(void* self, sqlite3* writer, const char* schema, int pages) {
    // As SQLite's own: a checkpoint that fails here is tried again at the next commit.
    if (pages >= backstop_pages) sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (pages < checkpoint_pages) return SQLITE_OK;
    auto* checkpointer = static_cast<WalCheckpointer*>(self);
    {
        std::lock_guard lock(checkpointer->mutex_);
        checkpointer->due_ = true;
    }
    checkpointer->due_changed_.notify_one();
    return SQLITE_OK;
}

void WalCheckpointer::loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        due_changed_.wait(lock, [&] { return due_ || stopping_; });
        if (stopping_) return;
        due_ = false;
        lock.unlock();
        int logged = 0, copied = 0;
        const int code = sqlite3_wal_checkpoint_v2(own_.get(), "main", SQLITE_CHECKPOINT_PASSIVE, &logged, &copied);
        // Not lost: the log keeps every page until a later checkpoint copies it. Busy is
        // another program's checkpoint of the same file (skranke-hub enrol-code beside the
        // service), which copies the same pages: not worth a warning.
        if (code == SQLITE_BUSY)
            spdlog::debug("store: the write-ahead log is being copied by another connection");
        else if (code != SQLITE_OK)
            spdlog::warn("store: the write-ahead log was not copied into the file ({}); tried again after the next commit",
                         sqlite3_errstr(code));
        lock.lock();
        ++runs_;
    }
}

}  // namespace skranke
