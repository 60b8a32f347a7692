// hub.db itself: its schema and migrations, its connections, and the one path that writes
// it. Every write to the file (pushes, enrolments, health, revocations, retention) runs
// through HubWriter, one at a time; readers use connections of their own that cannot
// write (PRAGMA query_only), so WAL lets them read while a write waits for the disk.
#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

#include "store/store.hpp"
#include "store/store_file.hpp"

struct sqlite3;

namespace skranke::hub {

// 2: devices.revoked_ms (skranke-hub device-revoke).
// 3: the devices' health reports (program_version ... printer, outbox_stuck_since_ms).
inline constexpr int hub_schema_version = 3;

// The file (made when missing, brought up to hub_schema_version when older; refused when
// newer), as the writer's connection.
StoreResult<Connection> open_hub_file(const std::filesystem::path& file, const std::string& vfs_name);
// A reading connection to a file open_hub_file has opened: it refuses to write.
StoreResult<Connection> open_hub_reader(const std::filesystem::path& file, const std::string& vfs_name);

// The one path that writes hub.db: work runs with the writer's connection while no other
// write does. State that only writes change (the fold, device sequences) is touched only
// inside it, so it needs no lock of its own.
class HubWriter {
public:
    explicit HubWriter(Connection db) : db_(std::move(db)) {}

    template <class Work>
    auto run(Work&& work) {
        std::lock_guard lock(mutex_);
        return work(db_.get());
    }
    // The same, or nothing at once when another write is running (bookkeeping that can wait).
    template <class Work>
    bool try_run(Work&& work) {
        std::unique_lock lock(mutex_, std::try_to_lock);
        if (!lock.owns_lock()) return false;
        work(db_.get());
        return true;
    }

private:
    std::mutex mutex_;
    Connection db_;
};

// 32 random bytes as lowercase hex: device tokens and staff sessions.
std::string random_token();
// crypto_generichash of the text, as lowercase hex (the file keeps tokens and codes only so).
std::string hash_hex(std::string_view text);

}  // namespace skranke::hub
