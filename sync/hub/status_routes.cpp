#include "hub/status_routes.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <string_view>

#include "domain/day_log.hpp"
#include "domain/office_time.hpp"
#include "domain/statistics.hpp"
#include "hub/hub_server.hpp"
#include "hub/staff_routes.hpp"

namespace skranke::hub {
namespace {

constexpr const char* html_type = "text/html; charset=utf-8";
// The same window and count of recent services as the kiosk's estimate (store/queue_view.cpp).
constexpr std::int64_t recent_window_ms = 3 * 3600 * 1000;
constexpr std::size_t recent_services = 20;
// Counters that called someone within this long count as open.
constexpr std::int64_t open_counter_window_ms = 3600 * 1000;
// The day's log is read again at most this often, and only when it grew.
constexpr std::int64_t figures_max_age_ms = 15'000;

// The page leaks nothing to other sites, is never cached or indexed, and runs no script.
void page_headers(httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Robots-Tag", "noindex, nofollow");
    res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
}

std::string clock_text(std::int64_t utc_ms) {
    const LocalTime local = office_zone().local(utc_ms);
    char text[8];
    std::snprintf(text, sizeof text, "%02d:%02d", local.hour % 24, local.minute % 60);
    return text;
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

}  // namespace

std::optional<std::int64_t> RequestLimiter::refuse(const std::string& address, std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    if (windows_.size() >= max_addresses) {
        std::erase_if(windows_, [&](const auto& entry) { return now_ms - entry.second.start_ms >= window_ms_; });
        if (windows_.size() >= max_addresses) windows_.clear();  // a flood of addresses: start again
    }
    Window& window = windows_[address];
    if (now_ms - window.start_ms >= window_ms_ || now_ms < window.start_ms) window = Window{now_ms, 0};
    if (window.count >= limit_) return window.start_ms + window_ms_ - now_ms;
    ++window.count;
    return std::nullopt;
}

std::string client_address(const httplib::Request& req) {
    if (!is_loopback_host(req.remote_addr) || !req.has_header("X-Forwarded-For")) return req.remote_addr;
    const std::string forwarded = req.get_header_value("X-Forwarded-For");
    const auto comma = forwarded.rfind(',');
    const std::string_view last = trimmed(std::string_view(forwarded).substr(comma == std::string::npos ? 0 : comma + 1));
    return last.empty() || last.size() > 64 ? req.remote_addr : std::string(last);
}

Result<std::unique_ptr<StatusRoutes>, std::string> StatusRoutes::create(std::vector<HubStore*> logs,
                                                                       const std::filesystem::path& translations_dir,
                                                                       int requests_per_minute) {
    auto texts = load_status_texts(translations_dir);
    if (!texts) return "cannot load the status page's texts: " + texts.error();
    return std::unique_ptr<StatusRoutes>(
        new StatusRoutes(std::move(logs), std::move(texts.value()), requests_per_minute));
}

void StatusRoutes::add_to(httplib::Server& server) {
    // Every path under /status gets the same page for a token that opens nothing. Served
    // before routing: cpp-httplib's patterns are std::regex, whose ".*" recurses once per
    // character and would run a connection's small stack out on a long path.
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        const std::string_view path = req.path;
        const bool status = path == "/status" || path.substr(0, 8) == "/status/";
        if (!status || (req.method != "GET" && req.method != "HEAD")) return httplib::Server::HandlerResponse::Unhandled;
        serve(req, res);
        return httplib::Server::HandlerResponse::Handled;
    });
}

StatusRoutes::WaitFigures StatusRoutes::wait_figures(std::size_t office, std::int64_t now_ms) {
    std::lock_guard lock(figures_mutex_);
    HubStore& log = *logs_[office];
    KeptFigures& kept = figures_[office];
    const std::int64_t seq = log.last_seq();
    // The recent window moves with the clock: read again after a minute even with no new event.
    const std::int64_t max_age_ms = seq == kept.seq ? 60'000 : figures_max_age_ms;
    if (kept.seq >= 0 && now_ms >= kept.read_ms && now_ms - kept.read_ms < max_age_ms) return kept.figures;
    const auto events = log_of_day(log, service_day_of(now_ms));
    if (!events) return kept.figures;  // the log cannot be read now: the last figures stand
    LogFold fold;
    for (const KnownEvent& known : *events) fold.apply(known);
    WaitFigures figures;
    figures.recent_service_ms = fold.recent_service_ms(now_ms - recent_window_ms, recent_services);
    std::set<std::string> counters;
    for (const CallRecord& call : fold.calls())
        if (call.at_ms >= now_ms - open_counter_window_ms) counters.insert(call.counter);
    figures.open_counters = static_cast<int>(counters.size());
    kept = KeptFigures{std::move(figures), now_ms, seq};
    return kept.figures;
}

void StatusRoutes::serve(const httplib::Request& req, httplib::Response& res) {
    page_headers(res);
    const std::int64_t now = wall_clock_ms();
    if (const auto wait_ms = limiter_.refuse(client_address(req), now)) {
        res.status = 429;
        res.set_header("Retry-After", std::to_string((*wait_ms + 999) / 1000));
        res.set_content(too_many_requests_html(texts_), html_type);
        return;
    }
    const auto not_known = [&] {
        res.status = 404;
        res.set_content(unknown_ticket_html(texts_), html_type);
    };
    constexpr std::string_view prefix = "/status/";
    const std::string_view path = req.path;
    if (path.size() != prefix.size() + status_token_chars || path.substr(0, prefix.size()) != prefix) return not_known();
    const std::string_view token = path.substr(prefix.size());
    if (!is_status_token(token)) return not_known();
    std::optional<QueueTicket> ticket;  // of whichever office has the token
    std::size_t office = 0;
    for (std::size_t i = 0; i < logs_.size() && !ticket; ++i) {
        ticket = logs_[i]->ticket_by_status_token(token);
        office = i;
    }
    // A ticket of an earlier office day has expired, even while the hub still folds it.
    if (!ticket || office_day_of(*ticket) != service_day_of(now)) return not_known();

    TicketStatus status;
    status.number = ticket->ticket.number.text();
    status.language = texts_.has_language(ticket->ticket.request.language) ? ticket->ticket.request.language : "nb";
    status.state = ticket->state;
    status.callback = ticket->ticket.request.channel == Channel::callback;
    status.counter = ticket->counter;
    status.updated = clock_text(now);
    if (waits_in_room(*ticket)) {
        const std::string& id = ticket->ticket.event_id;
        status.people_ahead = people_ahead_in_room(*logs_[office]->queue(), id, now);
        if (status.people_ahead) {
            const WaitFigures figures = wait_figures(office, now);
            status.wait_minutes = estimate_wait_minutes(*status.people_ahead, figures.recent_service_ms,
                                                        std::max(figures.open_counters, 1));
        }
    }
    res.set_content(status_page_html(texts_, status), html_type);
}

}  // namespace skranke::hub
