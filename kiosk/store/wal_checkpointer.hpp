// Copies a store's write-ahead log back into its file on a thread of its own, so that no
// commit waits for it. SQLite's own way checkpoints inside the commit that takes the log past
// 1000 pages: that commit then copies and syncs megabytes before it returns (a hub push that
// took 2 ms took 15 ms every few hundred kilobytes of log).
//
// After each commit of the writer, a log of checkpoint_pages or more wakes the thread, which
// copies it on its own connection without holding up the writer or any reader (SQLite's
// PASSIVE checkpoint). Should the thread ever fall behind by backstop_pages (a reader holding
// an old snapshot, a disk error), the writer's commit checkpoints itself as SQLite would.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "store/store_file.hpp"

namespace skranke {

class WalCheckpointer {
public:
    static constexpr int checkpoint_pages = 1000;  // SQLite's own autocheckpoint size
    static constexpr int backstop_pages = 16000;   // 64 MiB of 4 KiB pages

    // own: a connection of its own to the writer's file (it only checkpoints).
    explicit WalCheckpointer(Connection own);
    // Stops the thread; call detach first.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // Takes over checkpointing from the writer's commits, and gives it back; each while no
    // other thread uses writer.
    void attach(sqlite3* writer);
    static void detach(sqlite3* writer);

    // Checkpoints run on the thread so far (tests).
    std::uint64_t runs() const;

private:
    static int on_commit(void* self, sqlite3* writer, const char* schema, int pages);
    void loop();

    Connection own_;
    mutable std::mutex mutex_;
    std::condition_variable due_changed_;
    bool due_ = false;
    bool stopping_ = false;
    std::uint64_t runs_ = 0;
    std::thread thread_;
};

}  // namespace skranke
