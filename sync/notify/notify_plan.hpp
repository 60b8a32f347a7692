// What the notifier should do next, read from the folded queue alone (no store, no network):
// which SMS to claim, which of its claims to send, and the message's text and key. Pure, so
// the rule is the same after any restart: what was claimed and told is in the log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/office_settings.hpp"
#include "domain/queue_state.hpp"
#include "domain/text_table.hpp"
#include "store/queue_view.hpp"

namespace skranke::notify {

struct Claim {
    std::string ticket_id;
    NotifyKind kind = NotifyKind::near_front;
};

// The SMS to claim now: tickets of the office day of now_ms (the reference clock) whose
// visitor asked for an SMS with a phone and that nobody claimed yet that kind for. near_front
// while waiting with sms_near_front or fewer before it (never when sms_near_front is 0);
// called while called (a visitor called first never gets the near-front one).
std::vector<Claim> claims_due(const QueueState& queue, int sms_near_front, std::int64_t now_ms);

// A claim of this device that the hub stored (its copy is back in the merged log) and whose
// outcome nobody told yet: to send. A claim the hub refused never shows as this device's.
struct SendJob {
    std::string claim_id;
    std::string ticket_id;
    NotifyKind kind = NotifyKind::near_front;
};
std::vector<SendJob> sends_due(const QueueSnapshot& snapshot, const std::string& device_id);

// The gateway's idempotency key of a claim: from the claim alone, so every try of it (in
// this run or after a crash) carries the same one, and no other message ever does.
std::string sms_key(const std::string& claim_id, NotifyKind kind);

// The message in the visitor's language (sms.near_front or sms.called).
std::string sms_text(const TextTable& texts, const OfficeSettings& office, const QueueTicket& ticket, NotifyKind kind,
                     const QueueState& queue, std::int64_t now_ms);

}  // namespace skranke::notify
