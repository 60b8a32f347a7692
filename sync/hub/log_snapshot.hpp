// What readers of the log see: an immutable snapshot that the log's writer publishes after
// each commit (event_log.hpp). Long-polls, /v1/queue and the day's figures read it without
// waiting for a batch being written; the writer builds the next one and swaps it in.
// Building one costs the writer the events and tickets of its batch, not the whole tail or
// queue: both are made of shared, never-changed parts.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/queue_state.hpp"
#include "protocol/protocol.hpp"

namespace skranke::hub {

// The event's text with name, phone and description emptied (kiosks, displays, retention).
std::string without_personal_fields(std::string_view event_text);
// The entry as a log page carries it: whole for staff, else without personal fields.
std::string log_entry_json_for(const protocol::LogEntry& entry, bool personal);

// One entry of the log ready to send; the form without personal fields is made by the
// first reader that needs it, once.
class TailEntry {
public:
    explicit TailEntry(protocol::LogEntry entry) : entry_(std::move(entry)) {}
    std::int64_t hub_seq() const { return entry_.hub_seq; }
    const std::string& json(bool personal) const;

private:
    protocol::LogEntry entry_;
    mutable std::once_flag full_once_, redacted_once_;
    mutable std::string full_, redacted_;
};

// The newest entries of the log (about capacity of them), in hub_seq order without gaps.
class LogTail {
public:
    static constexpr std::size_t capacity = 4096;

    // This tail and then entries (their hub_seq following on), its oldest part past capacity
    // left out. Entries that do not follow on start a new tail.
    LogTail appended(const std::vector<std::shared_ptr<const TailEntry>>& entries) const;
    // This tail without any entry up to hub_seq (whole chunks; the file has them).
    LogTail without_through(std::int64_t hub_seq) const;
    const TailEntry* find(std::int64_t hub_seq) const;  // nothing: not in the tail
    std::int64_t first_seq() const { return chunks_.empty() ? 0 : chunks_.front()->front()->hub_seq(); }
    std::int64_t last_seq() const { return chunks_.empty() ? 0 : chunks_.back()->back()->hub_seq(); }

private:
    // Every chunk but the last is full; a new tail shares every full one.
    static constexpr std::size_t chunk_size = 64;
    using Chunk = std::vector<std::shared_ptr<const TailEntry>>;
    std::vector<std::shared_ptr<const Chunk>> chunks_;
    std::size_t size_ = 0;
};

// The fold: a base shared with earlier snapshots and the tickets changed by the commits since,
// in order. The writer never copies the whole queue on its commit path while readers ask for
// it: the first reader that needs the whole fold of a snapshot makes it (base + changes, off
// the writer's lock), every reader of that snapshot shares it, and the next commit takes it as
// its base. Only changes nobody has read pile up; past unread_limit() the writer copies its
// own fold once (a hub with no reader of the queue: once per thousands of tickets).
class FoldSnapshot {
public:
    // Tickets as a commit left them (null: gone), shared with the writer's fold.
    using Changes = std::vector<std::pair<std::string, QueueTicketRef>>;

    FoldSnapshot() : base_(std::make_shared<const QueueState>()) {}
    explicit FoldSnapshot(const QueueState& whole) : base_(std::make_shared<const QueueState>(whole)) {}
    // After a commit: its changes added (whole is the writer's fold after that commit).
    FoldSnapshot with(Changes changes, const QueueState& whole) const;
    // The whole fold as of this snapshot, made once and shared.
    std::shared_ptr<const QueueState> state() const;
    // The ticket a status token opens, as state() would hold it, without copying the queue:
    // the base's map, then the changes since.
    std::optional<QueueTicket> find_by_status_token(std::string_view token) const;

    // Whether a reader should make state() now, so that the next commit takes it as its base:
    // the changes since the base outgrew it (a reader of state() pays O(queue) either way).
    bool worth_making() const { return changed_ > std::max<std::size_t>(256, base_->tickets().size()); }
    // Changes past which the writer copies its fold instead of waiting for a reader to.
    static std::size_t unread_limit(std::size_t base_tickets) { return std::max<std::size_t>(8192, 2 * base_tickets); }
    static constexpr std::size_t commit_limit = 256;  // commits past which likewise

private:
    // The whole fold of one snapshot, once a reader made it.
    struct Made {
        std::mutex mutex;
        std::shared_ptr<const QueueState> state;
    };
    std::shared_ptr<const QueueState> base_;
    std::vector<std::shared_ptr<const Changes>> changes_;
    std::size_t changed_ = 0;  // tickets in changes_
    std::shared_ptr<Made> made_ = std::make_shared<Made>();
};

struct LogSnapshot {
    std::int64_t last_seq = 0;  // newest hub_seq in the file
    LogTail tail;
    FoldSnapshot fold;
};

}  // namespace skranke::hub
