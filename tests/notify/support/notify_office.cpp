#include "support/notify_office.hpp"

#include <sys/stat.h>

#include <stdexcept>

#include <doctest/doctest.h>

#include "client/saved_hub.hpp"
#include "domain/office_time.hpp"
#include "store/sync_store.hpp"
#include "support/hub_fixture.hpp"
#include "support/store_fixture.hpp"
#include "support/wait.hpp"

namespace skranke::test {

using namespace std::chrono_literals;

NotifyOffice::NotifyOffice(int sms_near_front) : hub_(files_ / "hub") {
    const auto office = files_ / "office.toml";
    save_file(office, "[office]\nname = \"NAV Testby\"\nsms_near_front = " + std::to_string(sms_near_front) + "\n");
    hub_.add_arguments({"--office", office.string(), "--services", (asset_dir() / "services.toml").string()});
    hub_.start();
    open_device(protocol::Role::kiosk, "kiosk-notify", 'N', kiosk_, kiosk_engine_);
    open_device(protocol::Role::reception, "reception-notify", 'R', reception_, reception_engine_);
}

sync::Connection NotifyOffice::connection(const std::string& token) const {
    sync::Connection c;
    c.hub_url = hub_.url();
    c.token = token;
    c.connect_timeout_ms = 1000;
    c.request_timeout_ms = 3000;
    return c;
}

std::string NotifyOffice::enrol(protocol::Role role, const std::string& device_id) {
    auto enrolled = sync::enrol_device(connection(""), enrol_code(role), device_id);
    if (!enrolled) throw std::runtime_error("enrolment failed: " + enrolled.error());
    return enrolled->token;
}

std::int64_t NotifyOffice::copies_at_hub(const std::string& event_id) {
    return query_int(files_ / "hub" / "hub.db", "SELECT count(*) FROM events WHERE event_id = '" + event_id + "'");
}

void NotifyOffice::open_device(protocol::Role role, const std::string& device_id, char letter,
                               std::unique_ptr<Store>& store, std::unique_ptr<sync::SyncEngine>& engine) {
    const std::string token = enrol(role, device_id);
    const StoreOptions options = kiosk_options(files_ / (device_id + ".db"), device_id, letter);
    auto opened = Store::open(options);
    if (!opened) throw std::runtime_error(device_id + " store: " + opened.error().detail);
    store = std::move(*opened);
    // Push only: the notifier is the one that reads the log here.
    auto started = sync::SyncEngine::start(options, engine_options(connection(token), false));
    if (!started) throw std::runtime_error(device_id + " engine: " + started.error());
    engine = std::move(*started);
}

NotifyOffice::~NotifyOffice() {
    kiosk_engine_.reset();
    reception_engine_.reset();
}

Ticket NotifyOffice::issue(bool sms_wanted, const std::string& language, const std::string& phone) {
    TicketRequest request = plain_request();
    request.language = language;
    if (sms_wanted) {
        request.phone = phone;
        request.sms_wanted = true;
        request.waits_outside = true;
    }
    auto ticket = kiosk_->issue_ticket(request, shipped_catalogue(), wall_clock_ms());
    if (!ticket) throw std::runtime_error("ticket refused: " + ticket.error().detail);
    kiosk_engine_->notify_local_event();
    if (!wait_until([&] { return copies_at_hub(ticket->event_id) == 1; }, 20s))
        throw std::runtime_error("ticket did not reach the hub");
    return *ticket;
}

void NotifyOffice::push_reception(EventBody action) {
    auto recorded = SyncStore(*reception_).record_event(std::move(action), wall_clock_ms(), "staff-1");
    if (!recorded) throw std::runtime_error("reception: " + recorded.error().detail);
    reception_engine_->notify_local_event();
    if (!wait_until([&] { return copies_at_hub(recorded->event_id) == 1; }, 20s))
        throw std::runtime_error("the reception's event did not reach the hub");
}

void NotifyOffice::call(const std::string& ticket_id, const std::string& counter) {
    push_reception(TicketCalled{ticket_id, counter});
}

void NotifyOffice::serve(const std::string& ticket_id) { push_reception(TicketServed{ticket_id, ""}); }

std::filesystem::path NotifyOffice::add_notifier(const std::string& name, const std::string& retry,
                                                 const std::string& gateway_url) {
    const auto folder = files_ / name;
    std::filesystem::create_directories(folder);
    const auto store_file = folder / "notify.db";
    {
        auto store = Store::open(notify::notify_store_options(store_file, true));
        if (!store) throw std::runtime_error("notifier store: " + store.error().detail);
        const std::string token = enrol(protocol::Role::notify, (*store)->device_id());
        SyncStore sync_store(**store);
        if (!sync::save_hub(sync_store, connection(token)))
            throw std::runtime_error("cannot save the hub");
    }
    const auto credentials = folder / "credentials.toml";
    save_file(credentials, "token = \"s3cret-token\"\n");
    chmod(credentials.c_str(), 0600);
    const auto config = folder / "notify.toml";
    save_file(config, "store = \"" + store_file.string() + "\"\nassets = \"" + asset_dir().string() +
                          "\"\ncredentials = \"" + credentials.string() + "\"\n"
                          "[gateway]\nurl = \"" + (gateway_url.empty() ? gateway_.url() : gateway_url) + "\"\n"
                          "body = '{\"to\": \"{phone}\", \"text\": \"{text}\"}'\n"
                          "headers = [\"Authorization: Bearer {secret.token}\"]\n"
                          "connect_timeout_ms = 500\nrequest_timeout_ms = 3000\n"
                          "[sync]\nlong_poll_wait_ms = 1000\nbackoff_cap_ms = 400\n" +
                          (retry.empty() ? "[retry]\nfirst_wait_ms = 50\nmax_wait_ms = 400\n" : retry));
    return config;
}

notify::NotifierSetup NotifyOffice::setup(const std::filesystem::path& config_file) const {
    auto config = notify::load_notify_config(config_file);
    if (!config) throw std::runtime_error(config.error());
    auto credentials = notify::load_credentials(config->credentials);
    if (!credentials) throw std::runtime_error(credentials.error());
    auto texts = TextTable::load(config->assets / "translations", {"sms."});
    if (!texts) throw std::runtime_error(texts.error());
    auto store = Store::open(notify::notify_store_options(config->store, false));
    if (!store) throw std::runtime_error("notifier store: " + store.error().detail);
    SyncStore sync_store(**store);
    auto saved = sync::load_saved_hub(sync_store);
    if (!saved || !*saved) throw std::runtime_error("notifier not enrolled");
    return {*config, *credentials, *texts, **saved, {}};
}

std::vector<HubNotified> NotifyOffice::hub_notified() {
    const auto rows = query_texts(files_ / "hub" / "hub.db",
                                  "SELECT device_id || '|' || json_extract(body, '$.ticket_id') || '|' || "
                                  "json_extract(body, '$.kind') || '|' || json_extract(body, '$.outcome') || '|' || "
                                  "coalesce(json_extract(body, '$.detail'), '') FROM events "
                                  "WHERE type = 'ticket.notified' ORDER BY hub_seq");
    std::vector<HubNotified> out;
    for (const std::string& row : rows) {
        HubNotified n;
        std::string* fields[] = {&n.device_id, &n.ticket_id, &n.kind, &n.outcome, &n.detail};
        std::size_t start = 0;
        for (int i = 0; i < 5; ++i) {
            const auto bar = i < 4 ? row.find('|', start) : std::string::npos;
            *fields[i] = row.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
            start = bar + 1;
        }
        out.push_back(n);
    }
    return out;
}

int NotifyOffice::hub_claims(const std::string& ticket_id, const std::string& kind) {
    int count = 0;
    for (const HubNotified& n : hub_notified())
        if (n.ticket_id == ticket_id && n.kind == kind && n.outcome == "sending") ++count;
    return count;
}

void require_delivered(FakeGateway& gateway, std::size_t count) {
    REQUIRE_MESSAGE(gateway.wait_delivered(count, 30s), "delivered " << gateway.delivered().size() << " of " << count);
}

}  // namespace skranke::test
