#include "hub/log_snapshot.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "protocol/event_codec.hpp"
#include "protocol/protocol.hpp"

namespace skranke::hub {

// Every stored event parses (the hub stores nothing else); a text that does not (a damaged
// row) has the fields emptied in its JSON tree.
std::string without_personal_fields(std::string_view event_text) {
    if (auto event = protocol::parse_event(event_text)) {
        remove_personal_fields(*event);
        return protocol::write_event(*event);
    }
    nlohmann::json tree = protocol::parse_json_text(event_text);
    if (auto ticket = tree.is_object() ? tree.find("ticket") : tree.end(); ticket != tree.end() && ticket->is_object())
        for (const char* key : {"name", "phone", "description", "status_token"})
            if (ticket->contains(key)) (*ticket)[key] = "";
    return tree.is_discarded() ? std::string("{}") : tree.dump();
}

std::string log_entry_json_for(const protocol::LogEntry& entry, bool personal) {
    if (personal) return protocol::log_entry_json(entry);
    protocol::LogEntry redacted{entry.hub_seq, entry.received_ms, entry.device_clock_offset_ms,
                                without_personal_fields(entry.event_json)};
    return protocol::log_entry_json(redacted);
}

const std::string& TailEntry::json(bool personal) const {
    std::once_flag& once = personal ? full_once_ : redacted_once_;
    std::string& text = personal ? full_ : redacted_;
    std::call_once(once, [&] { text = log_entry_json_for(entry_, personal); });
    return text;
}

LogTail LogTail::appended(const std::vector<std::shared_ptr<const TailEntry>>& entries) const {
    if (entries.empty()) return *this;
    LogTail next = last_seq() != 0 && entries.front()->hub_seq() == last_seq() + 1 ? *this : LogTail();
    std::size_t i = 0;
    if (!next.chunks_.empty() && next.chunks_.back()->size() < chunk_size) {
        auto last = std::make_shared<Chunk>(*next.chunks_.back());
        while (last->size() < chunk_size && i < entries.size()) last->push_back(entries[i++]);
        next.chunks_.back() = std::move(last);
    }
    while (i < entries.size()) {
        auto chunk = std::make_shared<Chunk>();
        chunk->reserve(chunk_size);
        while (chunk->size() < chunk_size && i < entries.size()) chunk->push_back(entries[i++]);
        next.chunks_.push_back(std::move(chunk));
    }
    next.size_ += entries.size();
    while (next.size_ - next.chunks_.front()->size() >= capacity) {
        next.size_ -= next.chunks_.front()->size();
        next.chunks_.erase(next.chunks_.begin());
    }
    return next;
}

LogTail LogTail::without_through(std::int64_t hub_seq) const {
    LogTail next = *this;
    const auto kept = std::find_if(next.chunks_.begin(), next.chunks_.end(),
                                   [&](const auto& chunk) { return chunk->front()->hub_seq() > hub_seq; });
    for (auto it = next.chunks_.begin(); it != kept; ++it) next.size_ -= (*it)->size();
    next.chunks_.erase(next.chunks_.begin(), kept);
    return next;
}

const TailEntry* LogTail::find(std::int64_t hub_seq) const {
    if (chunks_.empty() || hub_seq < first_seq() || hub_seq > last_seq()) return nullptr;
    const auto offset = static_cast<std::size_t>(hub_seq - first_seq());
    return (*chunks_[offset / chunk_size])[offset % chunk_size].get();
}

FoldSnapshot FoldSnapshot::with(Changes changes, const QueueState& whole) const {
    FoldSnapshot next;
    std::shared_ptr<const QueueState> made;
    if (!changes_.empty()) {
        // A reader making it right now is not waited for: this commit keeps the changes.
        std::unique_lock lock(made_->mutex, std::try_to_lock);
        if (lock.owns_lock()) made = made_->state;
    }
    if (made) {
        next.base_ = std::move(made);
    } else if (changed_ + changes.size() > unread_limit(base_->tickets().size()) || changes_.size() >= commit_limit) {
        return FoldSnapshot(whole);
    } else {
        next.base_ = base_;
        next.changes_ = changes_;
        next.changed_ = changed_;
    }
    next.changed_ += changes.size();
    next.changes_.push_back(std::make_shared<const Changes>(std::move(changes)));
    return next;
}

std::shared_ptr<const QueueState> FoldSnapshot::state() const {
    if (changes_.empty()) return base_;
    std::lock_guard lock(made_->mutex);  // readers of one snapshot make it once
    if (!made_->state) {
        auto state = std::make_shared<QueueState>(*base_);
        for (const auto& changes : changes_)
            for (const auto& [ticket_id, ticket] : *changes) state->restore(ticket_id, ticket);
        made_->state = std::move(state);
    }
    return made_->state;
}

std::optional<QueueTicket> FoldSnapshot::find_by_status_token(std::string_view token) const {
    if (token.empty()) return std::nullopt;
    if (std::unique_lock lock(made_->mutex, std::try_to_lock); lock.owns_lock() && made_->state) {
        const QueueTicket* made = made_->state->find_by_status_token(token);
        return made ? std::optional<QueueTicket>(*made) : std::nullopt;
    }
    // Each ticket's newest change is what state() holds of it; the base's ticket unless changed.
    std::set<std::string_view> seen;
    const QueueTicket* in_base = base_->find_by_status_token(token);
    for (auto commit = changes_.rbegin(); commit != changes_.rend(); ++commit)
        for (auto change = (*commit)->rbegin(); change != (*commit)->rend(); ++change) {
            if (!seen.insert(change->first).second) continue;
            const bool is_base = in_base && change->first == in_base->ticket.event_id;
            if (change->second && change->second->ticket.status_token == token) return *change->second;
            if (is_base) return std::nullopt;  // changed since, and no longer holds it (or gone)
        }
    if (in_base) return *in_base;
    return std::nullopt;
}

}  // namespace skranke::hub
