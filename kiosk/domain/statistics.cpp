#include "domain/statistics.hpp"

#include "domain/office_time.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace skranke {
namespace {

Spread spread_of(std::vector<std::int64_t> values) {
    Spread s;
    s.count = values.size();
    s.median_ms = nearest_rank_percentile(values, 50);
    s.p90_ms = nearest_rank_percentile(std::move(values), 90);
    return s;
}

int local_hour(std::int64_t utc_ms) { return office_zone().local(utc_ms).hour; }

std::string local_iso(std::optional<std::int64_t> utc_ms) {
    if (!utc_ms) return "";
    const LocalTime t = office_zone().local(*utc_ms);
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%sT%02d:%02d:%02d", t.date().c_str(), t.hour, t.minute, t.second);
    return buffer;
}

// RFC 4180: quote when the field holds a comma, quote or line break; double inner quotes.
std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

std::optional<std::int64_t> wait_of(const TicketTimeline& t) {
    if (!t.first_called_ms) return std::nullopt;
    return std::max<std::int64_t>(0, *t.first_called_ms - t.issued_ms);
}

std::optional<std::int64_t> service_of(const TicketTimeline& t) {
    if (t.state != TicketState::served || !t.finished_ms || !t.last_called_ms) return std::nullopt;
    return std::max<std::int64_t>(0, *t.finished_ms - *t.last_called_ms);
}

std::string seconds_text(std::optional<std::int64_t> ms) { return ms ? std::to_string(*ms / 1000) : ""; }

}  // namespace

std::optional<std::int64_t> nearest_rank_percentile(std::vector<std::int64_t> values, double p) {
    if (values.empty()) return std::nullopt;
    std::sort(values.begin(), values.end());
    const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
    const auto index = static_cast<std::size_t>(std::max(1.0, rank)) - 1;
    return values[std::min(index, values.size() - 1)];
}

std::optional<int> estimate_wait_minutes(int people_ahead, const std::vector<std::int64_t>& recent_service_ms,
                                         int open_counters) {
    if (recent_service_ms.size() < 3 || open_counters < 1) return std::nullopt;
    if (people_ahead <= 0) return 0;
    std::vector<std::int64_t> sorted = recent_service_ms;
    std::sort(sorted.begin(), sorted.end());
    const double median_min = static_cast<double>(sorted[sorted.size() / 2]) / 60000.0;
    return static_cast<int>(std::ceil(median_min * people_ahead / open_counters / 5.0) * 5.0);
}

DayFigures compute_day_figures(const std::vector<TicketTimeline>& tickets) {
    DayFigures f;
    std::vector<std::int64_t> waits, services;
    std::map<std::string, std::vector<std::int64_t>> waits_by_need;
    for (const TicketTimeline& t : tickets) {
        ++f.issued;
        ++f.issued_by_need[t.need_id];
        ++f.issued_by_hour[local_hour(t.issued_ms)];
        switch (t.state) {
            case TicketState::waiting:
            case TicketState::called: ++f.waiting_now; break;
            case TicketState::served: ++f.served; break;
            case TicketState::no_show: ++f.no_shows; break;
            case TicketState::cancelled: ++f.cancelled; break;
            case TicketState::transferred: ++f.transferred; break;
        }
        if (t.channel == Channel::callback) {
            ++f.callbacks;
            if (t.state == TicketState::waiting || t.state == TicketState::called) ++f.callbacks_waiting;
            else if (t.cancel_reason == CancelReason::callback_not_reached) ++f.callbacks_not_reached;
            else if (t.state == TicketState::cancelled) ++f.callbacks_done;
        }
        if (auto wait = wait_of(t)) {
            waits.push_back(*wait);
            waits_by_need[t.need_id].push_back(*wait);
        }
        if (auto service = service_of(t)) services.push_back(*service);
    }
    f.wait = spread_of(std::move(waits));
    f.service = spread_of(std::move(services));
    for (auto& [need, values] : waits_by_need) f.wait_by_need[need] = spread_of(std::move(values));
    return f;
}

std::string day_figures_csv(const std::vector<TicketTimeline>& tickets) {
    std::ostringstream out;
    out << "number,need,channel,urgent,issued,first_called,finished,state,wait_s,service_s\r\n";
    for (const TicketTimeline& t : tickets) {
        out << csv_field(t.number) << ',' << csv_field(t.need_id) << ',' << to_string(t.channel) << ','
            << (t.urgent ? "yes" : "no") << ',' << local_iso(t.issued_ms) << ',' << local_iso(t.first_called_ms)
            << ',' << local_iso(t.finished_ms) << ',' << to_string(t.state) << ',' << seconds_text(wait_of(t)) << ','
            << seconds_text(service_of(t)) << "\r\n";
    }
    return out.str();
}

}  // namespace skranke
