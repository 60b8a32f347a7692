#include "hub/hub_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "domain/queue_order.hpp"
#include "domain/service_catalogue.hpp"
#include "domain/office_time.hpp"
#include "domain/events.hpp"
#include "hub/data_lock.hpp"
#include "hub/fleet_health.hpp"
#include "hub/http_errors.hpp"
#include "hub/http_front.hpp"
#include "hub/request_values.hpp"
#include "hub/staff_routes.hpp"
#include "hub/status_routes.hpp"
#include "protocol/protocol.hpp"
#include "store/paths.hpp"

namespace skranke::hub {

using nlohmann::json;
using protocol::Role;

namespace {

// What every request says about its device: its clock's offset and its health report
// (every header it sent, checked; the first bad one refuses the request).
ValueOr<Contact> contact_of(const httplib::Request& req) {
    Contact contact{wall_clock_ms(), std::nullopt, {}};
    const auto header = [&](const char* name) { return header_of(req, name); };
    auto offset = device_clock_offset(header(protocol::device_time_header).view(), contact.hub_now_ms);
    if (!offset) return offset.error();
    contact.clock_offset_ms = *offset;
    HealthReport& r = contact.report;
    std::optional<BadValue> bad;
    const auto read = [&](auto& field, auto parsed) {
        if (parsed) field = *parsed;
        else if (!bad) bad = parsed.error();
    };
    read(r.outbox_depth, outbox_depth(header(protocol::outbox_depth_header).view()));
    read(r.program_version, program_version(header(protocol::program_version_header).view()));
    read(r.uptime_s, uptime_seconds(header(protocol::uptime_header).view()));
    read(r.last_sync_ms, last_sync_ms(header(protocol::sync_age_header).view(), contact.hub_now_ms));
    read(r.dead_letters, dead_letters(header(protocol::dead_letters_header).view()));
    read(r.disk_free_bytes, disk_free_bytes(header(protocol::disk_free_header).view()));
    read(r.printer, printer_state(header(protocol::printer_header).view()));
    if (bad) return *bad;
    return contact;
}

bool may_push(const AuthDevice& device, const PushedEvent& event) {
    // An event without these is let through: shape problems are reported per event.
    if (!event.type || !event.device_id) return true;
    if (*event.device_id != device.device_id) return false;
    const std::string& t = *event.type;
    if (!is_known_event_type(t)) return true;
    const bool issue = t == event_type::ticket_issued || t == event_type::callback_requested;
    const bool notified = t == event_type::ticket_notified;
    switch (device.role) {
        case Role::kiosk: return issue;
        case Role::reception: return !issue && !notified;
        case Role::admin: return true;
        case Role::display: return false;
        case Role::notify: return notified;
    }
    return false;
}

json ticket_summary(const QueueTicket& t) {
    // The queue view never carries names, phones or descriptions.
    return {{"ticket_id", t.ticket.event_id}, {"number", t.ticket.number.text()},
            {"need_id", t.ticket.request.need_id}, {"urgent", t.ticket.request.urgent},
            {"state", to_string(t.state)}, {"counter", t.counter}};
}

// cpp-httplib 0.11 listens with a backlog of 5: a whole office of devices reconnecting at
// once (after a hub restart) would overflow it and wait for TCP's SYN retries, seconds each.
// Listening again on the same socket only raises the backlog (Linux).
void widen_listen_backlog(int port) {
    for (int fd = 3; fd < 4096; ++fd) {
        int listening = 0;
        socklen_t size = sizeof listening;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || listening == 0) continue;
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) continue;
        int bound = 0;
        if (address.ss_family == AF_INET) bound = ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
        else if (address.ss_family == AF_INET6) bound = ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
        if (bound == port) listen(fd, 1024);
    }
}

}  // namespace

bool is_loopback_host(const std::string& host) {
    if (host == "localhost") return true;
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

namespace {

// One office this hub serves: hub.db's, or one of --office-id's in the office database.
struct ServedOffice {
    std::string id;  // empty: hub.db
    std::unique_ptr<HubStore> store;
    std::unique_ptr<StaffStore> staff;  // staff.db or the office database: PINs and sessions (staff_routes.cpp)
};

// A device a request's token let in, and its office: all the request reads or writes is that
// office's.
struct Caller : AuthDevice {
    ServedOffice* office = nullptr;
    HubStore& store() const { return *office->store; }
};

}  // namespace

struct Hub::Impl {
    std::optional<DataFolderLock> folder_lock;  // first member, so let go of last, after the files are closed
    HubOptions options;
    std::vector<std::unique_ptr<ServedOffice>> offices;  // at least one
    std::unique_ptr<HttpFront> front;  // cpp-httplib's routing, the hub's own connection handling
    std::unique_ptr<OfficeConfig> office_config;  // services.toml and the office file, as served
    std::unique_ptr<StatusRoutes> status;  // the visitors' status pages (status_routes.hpp)
    int port = 0;
    std::thread listener;
    std::thread sweeper;

    std::mutex wake_mutex;
    std::condition_variable log_grew;      // a push stored something (here or, office database, at another hub)
    std::atomic<int> long_polls{0};        // reads waiting for the log to grow now (/v1/health)
    std::condition_variable sweep_wake;    // stop
    bool stopping = false;

    ~Impl() {
        for (const auto& office : offices) office->store->on_log_grown({});  // before log_grew goes
    }
    std::optional<Caller> authenticate(const httplib::Request& req, httplib::Response& res);
    // The office that made the enrolment code (nothing: none made it, or it is used or expired).
    StoreResult<ServedOffice*> office_of_code(const std::string& code);
    void routes();
    void on_push(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& content);
    void on_read_log(const httplib::Request& req, httplib::Response& res);
    void on_export(const httplib::Request& req, httplib::Response& res);
    void sweep_loop();
    void office_changed();
};

// A changed services.toml or office file is served (and checked against) from now on, and
// every long-poll of a device holding another version is answered.
void Hub::Impl::office_changed() {
    for (const auto& office : offices) office->store->check_needs_against(office_config->current()->catalogue);
    {
        std::lock_guard lock(wake_mutex);
    }
    log_grew.notify_all();
}

HubData hub_data_of(const HubOptions& options) {
    return HubData{options.data_dir, options.database_url, options.office_id};
}

std::vector<HubData> offices_of(const HubOptions& options) {
    if (options.database_url.empty()) return {hub_data_of(options)};
    std::vector<HubData> offices;
    for (const std::string& id : office_ids_in(options.office_id))
        offices.push_back(HubData{options.data_dir, options.database_url, id});
    return offices;
}

std::optional<Caller> Hub::Impl::authenticate(const httplib::Request& req, httplib::Response& res) {
    const auto contact = contact_of(req);  // a malformed value costs no store lookup
    if (!contact) {
        send_error(res, 400, "bad_request", contact.error().message);
        return std::nullopt;
    }
    const std::string header = req.get_header_value("Authorization");
    constexpr std::string_view bearer = "Bearer ";
    if (header.size() <= bearer.size() || header.compare(0, bearer.size(), bearer) != 0) {
        send_error(res, 401, "unauthorized", "send Authorization: Bearer <device token>");
        return std::nullopt;
    }
    // The token belongs to one office at most: each office served is asked.
    const std::string token = header.substr(bearer.size());
    std::string refusal = registry::unknown_refusal;
    for (const auto& office : offices) {
        auto admission = office->store->authenticate(token);
        if (!admission) {
            send_error(res, 503, "hub_storage", "the hub cannot read its store; try again");
            res.set_header("Retry-After", "1");
            return std::nullopt;
        }
        if (!admission->device) {
            if (admission->refusal != registry::unknown_refusal) refusal = admission->refusal;  // revoked: says so
            continue;
        }
        office->store->note_contact(admission->device->device_id, *contact);
        Caller caller;
        static_cast<AuthDevice&>(caller) = *admission->device;
        caller.office = office.get();
        return caller;
    }
    send_error(res, 401, "unauthorized", refusal);  // unknown or revoked: says which
    return std::nullopt;
}

StoreResult<ServedOffice*> Hub::Impl::office_of_code(const std::string& code) {
    for (const auto& office : offices) {
        auto made_for = office->store->role_of_code(code, wall_clock_ms());
        if (!made_for) return made_for.error();
        if (*made_for) return office.get();
    }
    return static_cast<ServedOffice*>(nullptr);
}

// The body is read only once the token is known, and never past max_body_bytes, however it
// is framed (the front has already refused a Content-Length over it).
void Hub::Impl::on_push(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& content) {
    const auto device = authenticate(req, res);
    if (!device) return;
    if (device->role == Role::display) return send_error(res, 403, "forbidden", "a display may only read");
    std::string body_text;
    // Room for the whole body at once when its length is given (within the limit): appending
    // chunk by chunk would copy a 500-event push several times over into fresh memory.
    if (const auto declared = parse_int64(header_of(req, "Content-Length").view().value_or(""));
        declared && *declared > 0 && static_cast<std::uint64_t>(*declared) <= options.max_body_bytes)
        body_text.reserve(static_cast<std::size_t>(*declared));
    bool too_large = false;
    const bool whole = content([&](const char* data, std::size_t size) {
        too_large = body_text.size() + size > options.max_body_bytes;
        if (!too_large) body_text.append(data, size);
        return !too_large;
    });
    if (too_large || HttpFront::body_limit_hit())
        return send_error(res, 413, "body_too_large", "the body is larger than the hub accepts (4 MiB)");
    if (!whole) return send_error(res, 400, "bad_request", "the body did not arrive whole");
    const std::string_view body_view = body_text;
    // The usual body is split into the events' own texts; any other layout is parsed whole.
    const auto split = protocol::split_event_batch(body_view, protocol::max_json_depth);
    if (split ? split->too_deep : !protocol::nesting_within(body_view, protocol::max_json_depth))
        return send_error(res, 400, "too_deep", "JSON nests deeper than the protocol allows");
    json body;
    if (!split) {
        body = protocol::parse_json_text(body_text);
        if (body.is_discarded()) return send_error(res, 400, "malformed_json", "the body is not valid JSON");
        if (!body.is_object() || !body.contains("events") || !body.at("events").is_array())
            return send_error(res, 400, "bad_request", "expected {\"events\": [...]}");
    }
    const std::size_t count = split ? split->events.size() : body.at("events").size();
    if (count > protocol::max_batch_events)
        return send_error(res, 413, "batch_too_large", "at most 500 events per batch");
    std::vector<PushedEvent> list;
    std::vector<std::string> texts;  // of a body parsed whole: the events written out again
    list.reserve(count);
    texts.reserve(count);  // no reallocation: list keeps views of these
    if (split) {
        // Each event is read from, and stored as, the text the device sent.
        thread_local protocol::IssueEventReader reader;
        for (const std::string_view text : split->events) {
            auto event = read_pushed_event(text, reader);
            if (!event) return send_error(res, 400, "malformed_json", "the body is not valid JSON");
            list.push_back(std::move(*event));
        }
    } else {
        for (auto& event : body.at("events")) {
            texts.push_back(event.dump());
            list.push_back(pushed_event_of(std::move(event), texts.back()));
        }
    }
    for (const PushedEvent& pushed : list) {
        if (!may_push(*device, pushed)) {
            spdlog::warn("push refused: device={} role={} may not push this event", device->device_id,
                         protocol::to_string(device->role));
            return send_error(res, 403, "forbidden",
                              "this device's role may not push this event type, or not for another device");
        }
    }
    // Parsed while the push before it may still be storing; stored only after it.
    const auto after_seq = follows(header_of(req, protocol::follows_header).view());
    if (!after_seq) return send_error(res, 400, "bad_request", after_seq.error().message);
    if (*after_seq > 0) {
        if (!device->store().wait_taken(device->device_id, *after_seq, options.follow_wait_ms))
            return send_error(res, 409, "out_of_sequence",
                              "the push this one follows has not reached the hub; nothing of this one was stored");
    }
    Contact contact = *contact_of(req);  // checked by authenticate; measured again after the wait
    contact.report = {};  // the log keeps only the clock
    spdlog::debug("push: device={} events={} storing", device->device_id, list.size());
    auto results = device->store().push(list, contact);
    if (!results) {
        spdlog::error("push failed: device={} events={} error={}", device->device_id, list.size(), results.error().detail);
        res.set_header("Retry-After", "1");
        return send_error(res, 503, "hub_storage", "the hub could not store the batch; nothing of it was stored");
    }
    std::size_t stored = 0;
    for (const auto& r : *results) {
        if (r.status == "stored") ++stored;
        else spdlog::warn("event rejected: event={} device={} code={}", r.event_id, device->device_id, r.code);
    }
    spdlog::info("push: device={} events={} stored={}", device->device_id, list.size(), stored);
    {
        std::lock_guard lock(wake_mutex);
    }
    log_grew.notify_all();
    res.set_content(protocol::push_reply_json(*results, contact.hub_now_ms), json_type);
}

void Hub::Impl::on_read_log(const httplib::Request& req, httplib::Response& res) {
    const auto device = authenticate(req, res);
    if (!device) return;
    HubStore& store = device->store();
    const auto after = log_cursor(param_of(req, "after").view());
    const auto limit = page_limit(param_of(req, "limit").view(), 500, static_cast<std::int64_t>(protocol::max_log_page));
    const auto wait = long_poll_wait(param_of(req, "wait_ms").view(), options.max_wait_ms);
    if (!after) return send_error(res, 400, "bad_request", after.error().message);
    if (!limit) return send_error(res, 400, "bad_request", limit.error().message);
    if (!wait) return send_error(res, 400, "bad_request", wait.error().message);
    const auto start_recent = log_start_recent(param_of(req, "start").view());
    if (!start_recent) return send_error(res, 400, "bad_request", start_recent.error().message);
    std::int64_t from = *after;
    if (*start_recent) {
        // A device with no log yet: from the first entry of the device window, if later.
        auto recent = store.cursor_before_received(wall_clock_ms() - protocol::device_log_window_ms);
        if (!recent) {
            res.set_header("Retry-After", "1");
            return send_error(res, 503, "hub_storage", "the hub cannot read its log; try again");
        }
        from = std::max(from, *recent);
    }
    // A device that says which office configuration it holds is answered at once when the
    // hub's is another, so that it fetches the new one (section 11 of PROTOCOL.md).
    const auto device_config = param_of(req, "config_version").text;
    if (device_config && !is_config_version(*device_config))
        return send_error(res, 400, "bad_request",
                          "config_version must be the 64 hex digits of a configuration version");
    const auto config_differs = [&] { return device_config && office_config->current()->version != *device_config; };
    if (*wait > 0 && store.last_seq() <= from && !config_differs()) {
        std::unique_lock lock(wake_mutex);
        ++long_polls;
        log_grew.wait_for(lock, std::chrono::milliseconds(*wait),
                          [&] { return stopping || store.last_seq() > from || config_differs(); });
        --long_polls;
    }
    // A long-poll asks again before it answers: a device revoked meanwhile gets none of the log.
    if (const auto refusal = store.refusal_of(device->device_id); *wait > 0 && refusal)
        return send_error(res, 401, "unauthorized", *refusal);
    const bool personal = device->role == Role::reception || device->role == Role::admin || device->role == Role::notify;
    std::int64_t cursor = from;
    auto entries = store.read_log_json(from, static_cast<std::size_t>(*limit), personal, cursor);
    if (!entries) {
        res.set_header("Retry-After", "1");
        return send_error(res, 503, "hub_storage", "the hub cannot read its log; try again");
    }
    res.set_content("{\"events\":" + *entries + ",\"cursor\":" + std::to_string(cursor) +
                        ",\"hub_time_ms\":" + std::to_string(wall_clock_ms()) +
                        ",\"retention_ms\":" + std::to_string(options.retention_ms) +
                        ",\"config_version\":\"" + office_config->current()->version + "\"}",
                    json_type);
}

void Hub::Impl::on_export(const httplib::Request& req, httplib::Response& res) {
    const auto device = authenticate(req, res);
    if (!device) return;
    if (device->role != Role::admin) return send_error(res, 403, "forbidden", "export is for admin devices");
    const auto after = log_cursor(param_of(req, "after").view());
    if (!after) return send_error(res, 400, "bad_request", after.error().message);
    const auto limit = page_limit(param_of(req, "limit").view(), 1000, 100000);
    if (!limit) return send_error(res, 400, "bad_request", limit.error().message);
    std::string lines;
    std::int64_t cursor = *after;
    std::int64_t left = *limit;
    while (left > 0) {
        auto page = device->store().read_log(cursor, static_cast<std::size_t>(std::min<std::int64_t>(left, 1000)));
        if (!page) return send_error(res, 503, "hub_storage", "the hub cannot read its log; try again");
        if (page->empty()) break;
        for (const auto& e : *page) {
            lines += protocol::log_entry_json(e);
            lines += '\n';
            cursor = e.hub_seq;
        }
        left -= static_cast<std::int64_t>(page->size());
    }
    res.set_header("X-Skranke-Cursor", std::to_string(cursor));
    res.set_content(lines, "application/x-ndjson");
}

void Hub::Impl::routes() {
    httplib::Server& s = front->server();
    s.Get("/v1/health", [this](const httplib::Request&, httplib::Response& res) {
        std::int64_t entries = 0;  // one office: its last hub_seq; several: their entries together
        for (const auto& office : offices) entries += office->store->last_seq();
        res.set_content(json{{"status", "ok"}, {"protocol", protocol::version}, {"last_seq", entries},
                             {"hub_time_ms", wall_clock_ms()},
                             {"long_polls", long_polls.load()}}.dump(), json_type);
    });
    s.Post("/v1/enrol", [this](const httplib::Request& req, httplib::Response& res) {
        if (!protocol::nesting_within(req.body, protocol::max_json_depth))
            return send_error(res, 400, "too_deep", "JSON nests deeper than the protocol allows");
        const json body = protocol::parse_json_text(req.body);
        if (!body.is_object() || !body.contains("code") || !body.at("code").is_string() ||
            !body.contains("device_id") || !body.at("device_id").is_string())
            return send_error(res, 400, "bad_request", "expected {\"code\": \"...\", \"device_id\": \"...\"}");
        const std::string device_id = body.at("device_id").get<std::string>();
        if (!protocol::is_valid_device_id(device_id))
            return send_error(res, 400, "bad_device_id", "device_id must be 1-64 of a-z, 0-9, -");
        const std::string code = body.at("code").get<std::string>();
        // The code says the office: the device is enrolled into the office that made it.
        const auto office = office_of_code(code);
        if (!office) return send_error(res, 503, "hub_storage", "the hub cannot read the enrolment code; try again");
        if (!*office) return send_error(res, 401, "bad_enrol_code", "the code is unknown, used or expired");
        HubStore& store = *(*office)->store;
        // A device may say which role it is: a code made for another role is then refused and
        // stays unused, and nothing of the device is stored.
        if (const auto wanted = body.find("role"); wanted != body.end()) {
            const auto role = wanted->is_string() ? protocol::role_from_string(wanted->get<std::string>()) : std::nullopt;
            if (!role) return send_error(res, 400, "bad_request", "role must be one of the protocol's role names");
            const auto made_for = store.role_of_code(code, wall_clock_ms());
            if (!made_for) return send_error(res, 503, "hub_storage", "the hub cannot read the enrolment code; try again");
            if (!*made_for) return send_error(res, 401, "bad_enrol_code", "the code is unknown, used or expired");
            if (**made_for != *role)
                return send_error(res, 409, "wrong_role",
                                  "the code was made for role " + std::string(protocol::to_string(**made_for)) +
                                      ", and this is a " + std::string(protocol::to_string(*role)) +
                                      " device: make one with `skranke-hub enrol-code --role " +
                                      std::string(protocol::to_string(*role)) + "`; this code is still unused");
        }
        auto enrolled = store.enrol(code, device_id, wall_clock_ms());
        if (!enrolled && enrolled.error().kind == StoreErrorKind::invalid_request)  // another office's device id
            return send_error(res, 409, "device_in_other_office", enrolled.error().detail);
        if (!enrolled) return send_error(res, 503, "hub_storage", "the hub cannot store the enrolment; try again");
        if (!*enrolled) return send_error(res, 401, "bad_enrol_code", "the code is unknown, used or expired");
        spdlog::info("enrolled: device={} role={}", device_id, protocol::to_string((*enrolled)->role));
        res.set_content(json{{"device_id", device_id}, {"role", protocol::to_string((*enrolled)->role)},
                             {"token", (*enrolled)->token}, {"protocol", protocol::version}}.dump(), json_type);
    });
    s.Post("/v1/events", [this](const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& content) { on_push(req, res, content); });
    s.Get("/v1/events", [this](const httplib::Request& req, httplib::Response& res) { on_read_log(req, res); });
    s.Get("/v1/export", [this](const httplib::Request& req, httplib::Response& res) { on_export(req, res); });
    s.Get("/v1/config", [this](const httplib::Request& req, httplib::Response& res) {
        if (!authenticate(req, res)) return;
        const auto served = office_config->current();  // one version: every field below from it
        const ServiceCatalogue* catalogue = served->catalogue.get();
        json needs = json::array();
        if (catalogue)
            for (const Need& n : catalogue->needs())
                needs.push_back({{"id", n.id}, {"text_key", n.text_key}, {"pictogram", n.pictogram},
                                 {"queue_group", n.queue_group}, {"urgent", n.default_priority == Priority::urgent},
                                 {"emergency", n.emergency}, {"appointment", n.appointment}});
        res.set_content(json{{"protocol", protocol::version}, {"hub_time_ms", wall_clock_ms()}, {"needs", needs},
                             {"counters", catalogue ? catalogue->counters() : std::vector<std::string>{}},
                             {"max_batch_events", protocol::max_batch_events},
                             {"max_body_bytes", options.max_body_bytes}, {"long_poll_max_ms", options.max_wait_ms},
                             {"retention_ms", options.retention_ms}, {"config_version", served->version},
                             {"services_toml", served->services_toml}, {"office_toml", served->office_toml}}
                            .dump(), json_type);
    });
    s.Get("/v1/queue", [this](const httplib::Request& req, httplib::Response& res) {
        const auto device = authenticate(req, res);
        if (!device) return;
        if (device->role == Role::kiosk) return send_error(res, 403, "forbidden", "the queue view is for staff and displays");
        // Today's office day on the hub's clock, as every device shows it: the people waiting
        // in the room in the one call order, the callback requests apart (nobody waits in the
        // room for them), and the tickets at a counter.
        const auto queue = device->store().queue();
        const QueueState& state = *queue;
        const std::int64_t now = wall_clock_ms();
        const std::string today = service_day_of(now);
        json waiting = json::array();
        for (const QueueEntry& e : order_queue(state.room_entries(today), now))
            waiting.push_back(ticket_summary(*state.find(e.key)));
        json callbacks = json::array();
        json called = json::array();
        for (const auto& [id, t] : state.tickets()) {
            if (office_day_of(t) != today) continue;
            if (t.state == TicketState::called) called.push_back(ticket_summary(t));
            else if (t.state == TicketState::waiting && !waits_in_room(t)) callbacks.push_back(ticket_summary(t));
        }
        res.set_content(json{{"waiting", waiting}, {"callbacks", callbacks}, {"called", called}}.dump(), json_type);
    });
    s.Get("/v1/devices", [this](const httplib::Request& req, httplib::Response& res) {
        const auto device = authenticate(req, res);
        if (!device) return;
        // IT sees everything; a reception console only who is silent (its small warning).
        const bool full = device->role == Role::admin;
        if (!full && device->role != Role::reception)
            return send_error(res, 403, "forbidden", "device health is for admin and reception devices");
        const auto minutes = silent_minutes_param(param_of(req, "silent_minutes").view(), default_silent_minutes,
                                                  max_silent_minutes);
        if (!minutes) return send_error(res, 400, "bad_request", minutes.error().message);
        auto list = device->store().devices();
        if (!list) return send_error(res, 503, "hub_storage", "the hub cannot read its store; try again");
        const std::int64_t now = wall_clock_ms();
        json out = json::array();
        for (const auto& d : *list)
            if (full || !d.revoked_ms) out.push_back(device_health_json(d, fleet_flags(d, now, *minutes), full));
        res.set_content(json{{"devices", out}, {"hub_time_ms", now}, {"silent_minutes", *minutes}}.dump(), json_type);
    });
    status->add_to(s);
    add_staff_routes(s, [this] { return office_config->current()->catalogue; },
                     [this](const httplib::Request& req, httplib::Response& res) -> std::optional<StaffCaller> {
                         const auto device = authenticate(req, res);
                         if (!device) return std::nullopt;
                         return StaffCaller{*device, device->office->store.get(), device->office->staff.get()};
                     });
    s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (HttpFront::body_limit_hit()) res.status = 413;  // cpp-httplib says 400 for a body it could not read
        else if (!res.body.empty()) return;
        if (res.status == 413) send_error(res, 413, "body_too_large", "the body is larger than the hub accepts");
        else if (res.status == 404) send_error(res, 404, "not_found", "no such endpoint in protocol v1");
        else send_error(res, res.status, "http_error", "request refused");
    });
    s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        send_error(res, 500, "internal", "the hub met an unexpected error; nothing partial was stored");
    });
}

void Hub::Impl::sweep_loop() {
    std::unique_lock lock(wake_mutex);
    for (;;) {
        lock.unlock();
        for (const auto& office : offices) {
            HubStore& store = *office->store;
            store.forget_old_tickets(wall_clock_ms());
            auto removed = store.remove_personal_before(wall_clock_ms() - options.retention_ms);
            if (!removed) spdlog::error("retention sweep failed: office={} {}", office->id, removed.error().detail);
            else if (*removed > 0)
                spdlog::info("retention: personal fields removed from {} events office={}", *removed, office->id);
        }
        lock.lock();
        if (sweep_wake.wait_for(lock, std::chrono::milliseconds(options.retention_sweep_ms), [&] { return stopping; }))
            return;
    }
}

Result<std::unique_ptr<Hub>, std::string> Hub::start(const HubOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    const bool has_cert = !options.cert_file.empty() || !options.key_file.empty();
    if (!has_cert && !is_loopback_host(options.host))
        return std::string("plain HTTP is only served on loopback; configure --cert and --key to listen on ") +
               options.host;
    auto folder_lock = DataFolderLock::take(options.data_dir);  // one hub a folder; restore waits for it to stop
    if (!folder_lock) return folder_lock.error() + "; one hub runs on a data folder at a time";
    impl->folder_lock = std::move(folder_lock.value());
    Impl* woken = impl.get();
    for (const HubData& data : offices_of(options)) {
        auto stores = open_hub_stores(data);
        if (!stores) return "cannot open the hub's stores" + (data.in_database() ? " of office " + data.office_id : "") +
                            ": " + stores.error().detail;
        auto office = std::make_unique<ServedOffice>(ServedOffice{data.office_id, std::move(stores->hub),
                                                                  std::move(stores->staff)});
        office->store->on_log_grown([woken] {  // another hub on the office database stored entries
            {
                std::lock_guard lock(woken->wake_mutex);
            }
            woken->log_grew.notify_all();
        });
        impl->offices.push_back(std::move(office));
    }
    if (impl->offices.empty()) return std::string("name the office database's offices to serve with --office-id");
    auto office_config = OfficeConfig::load({options.services_file, options.office_file});
    if (!office_config) return "cannot load " + office_config.error();
    impl->office_config = std::move(office_config.value());
    std::vector<HubStore*> logs;
    for (const auto& office : impl->offices) {
        office->store->check_needs_against(impl->office_config->current()->catalogue);
        logs.push_back(office->store.get());
    }
    auto status = StatusRoutes::create(std::move(logs),
                                       options.translations_dir.empty() ? default_asset_dir() / "translations"
                                                                        : options.translations_dir,
                                       std::max(options.status_requests_per_minute, 1));
    if (!status) return status.error();
    impl->status = std::move(status.value());
    FrontOptions front;
    front.head_timeout_ms = options.head_timeout_ms;
    front.idle_timeout_ms = options.idle_timeout_ms;
    front.max_connections = static_cast<std::size_t>(std::max(options.threads, 1));
    front.max_connections_per_address = std::max<std::size_t>(front.max_connections / 2, 1);  // one PC cannot take all
    front.body_limit = [push = options.max_body_bytes](std::string_view method, std::string_view path) {
        return method == "POST" && path == "/v1/events" ? push : small_body_bytes;
    };
    impl->front = HttpFront::create(std::move(front), options.cert_file.string(), options.key_file.string());
    if (!impl->front->valid()) return std::string("cannot load the TLS certificate or key");
    impl->front->server().set_tcp_nodelay(true);
    impl->front->server().set_payload_max_length(options.max_body_bytes);  // besides the front's own checks
    impl->routes();
    httplib::Server& server = impl->front->server();
    if (options.port == 0) impl->port = server.bind_to_any_port(options.host);
    else impl->port = server.bind_to_port(options.host, options.port) ? options.port : -1;
    if (impl->port <= 0) return "cannot listen on " + options.host + ":" + std::to_string(options.port);
    widen_listen_backlog(impl->port);
    Impl* raw = impl.get();
    impl->listener = std::thread([raw] { raw->front->server().listen_after_bind(); });
    impl->sweeper = std::thread([raw] { raw->sweep_loop(); });
    impl->office_config->watch(std::max<std::int64_t>(options.config_check_ms, 10), [raw] { raw->office_changed(); });
    spdlog::info("skranke-hub listening on {}://{}:{} (protocol v{})", has_cert ? "https" : "http", options.host,
                 impl->port, protocol::version);
    return std::unique_ptr<Hub>(new Hub(std::move(impl)));
}

Hub::Hub(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Hub::~Hub() {
    {
        std::lock_guard lock(impl_->wake_mutex);
        impl_->stopping = true;
    }
    impl_->log_grew.notify_all();
    impl_->sweep_wake.notify_all();
    for (const auto& office : impl_->offices) office->store->stop_waiting();
    impl_->front->stop();
    if (impl_->listener.joinable()) impl_->listener.join();
    if (impl_->sweeper.joinable()) impl_->sweeper.join();
    impl_->office_config.reset();  // its watcher uses the store
}

int Hub::port() const { return impl_->port; }
bool Hub::tls() const { return !impl_->options.cert_file.empty(); }
HubStore& Hub::store() { return *impl_->offices.front()->store; }
StoreResult<std::int64_t> Hub::sweep_retention(std::int64_t now_ms) {
    std::int64_t removed = 0;
    for (const auto& office : impl_->offices) {
        auto swept = office->store->remove_personal_before(now_ms - impl_->options.retention_ms);
        if (!swept) return swept.error();
        removed += *swept;
    }
    return removed;
}
OfficeConfig::Reload Hub::reload_office_config() {
    auto reload = impl_->office_config->reload_if_changed();
    if (reload.changed) impl_->office_changed();
    return reload;
}

}  // namespace skranke::hub
