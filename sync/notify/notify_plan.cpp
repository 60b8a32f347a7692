#include "notify/notify_plan.hpp"

#include "domain/office_time.hpp"

namespace skranke::notify {

std::vector<Claim> claims_due(const QueueState& queue, int sms_near_front, std::int64_t now_ms) {
    std::vector<Claim> due;
    const std::string today = service_day_of(now_ms);
    for (const auto& [id, ticket] : queue.tickets()) {
        const TicketRequest& request = ticket.ticket.request;
        if (!request.sms_wanted || request.phone.empty()) continue;
        if (ticket.state == TicketState::called) {
            if (!ticket.sms_of(NotifyKind::called) && office_day_of(ticket) == today) due.push_back({id, NotifyKind::called});
            continue;
        }
        if (ticket.state != TicketState::waiting || sms_near_front <= 0 || ticket.sms_of(NotifyKind::near_front)) continue;
        if (office_day_of(ticket) != today) continue;
        const auto ahead = people_ahead_in_room(queue, id, now_ms);
        if (ahead && *ahead <= sms_near_front) due.push_back({id, NotifyKind::near_front});
    }
    return due;
}

std::vector<SendJob> sends_due(const QueueSnapshot& snapshot, const std::string& device_id) {
    std::vector<SendJob> due;
    for (const auto& [id, ticket] : snapshot.queue().tickets()) {
        for (const NotifyKind kind : {NotifyKind::near_front, NotifyKind::called}) {
            const auto& sms = ticket.sms_of(kind);
            if (!sms || sms->by_device != device_id || sms->outcome != NotifyOutcome::sending) continue;
            if (snapshot.awaits_hub_copy(sms->claim_id)) continue;  // not yet known to be the first claim
            due.push_back({sms->claim_id, id, kind});
        }
    }
    return due;
}

std::string sms_key(const std::string& claim_id, NotifyKind kind) {
    return "skranke-" + claim_id + "-" + std::string(to_string(kind));
}

std::string sms_text(const TextTable& texts, const OfficeSettings& office, const QueueTicket& ticket, NotifyKind kind,
                     const QueueState& queue, std::int64_t now_ms) {
    const std::string& language = ticket.ticket.request.language;
    const std::string number = ticket.ticket.number.text();
    if (kind == NotifyKind::called)
        return fill_slots(texts.text(language, "sms.called"),
                          {{"office", office.name}, {"number", number}, {"counter", ticket.counter}});
    // Counted when the message goes: the queue may have moved since the claim.
    const std::string count = std::to_string(people_ahead_in_room(queue, ticket.ticket.event_id, now_ms).value_or(0));
    return fill_slots(texts.text(language, "sms.near_front"), {{"office", office.name}, {"number", number}, {"count", count}});
}

}  // namespace skranke::notify
