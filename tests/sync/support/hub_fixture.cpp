#include "support/hub_fixture.hpp"

#include <stdexcept>

#include <sqlite3.h>

#include "domain/office_time.hpp"
#include <spdlog/spdlog.h>

#include "support/store_fixture.hpp"

namespace skranke::test {

HubFixture::HubFixture(hub::HubOptions options) {
    spdlog::set_level(spdlog::level::warn);  // keep test output to what matters
    options.host = "127.0.0.1";
    options.port = 0;
    options.data_dir = dir_.path() / "hub";
    if (options.threads > 64) options.threads = 64;
    auto started = hub::Hub::start(options);
    if (!started) throw std::runtime_error("hub did not start: " + started.error());
    hub_ = std::move(started.value());
}

EnrolledDevice HubFixture::enrol(protocol::Role role, const std::string& device_id) {
    auto code = store().create_enrol_code(role, wall_clock_ms(), 60000);
    if (!code) throw std::runtime_error("no enrolment code: " + code.error().detail);
    auto enrolled = sync::enrol_device(connection(""), *code, device_id);
    if (!enrolled) throw std::runtime_error("enrolment failed: " + enrolled.error());
    return {enrolled->device_id, enrolled->token};
}

sync::Connection HubFixture::connection(const std::string& token, const std::string& url) const {
    sync::Connection c;
    c.hub_url = url.empty() ? this->url() : url;
    c.token = token;
    c.connect_timeout_ms = 1000;
    c.request_timeout_ms = 3000;
    c.low_speed_time_s = 2;
    return c;
}

sync::HttpReply HubFixture::call(const std::string& method, const std::string& path, const std::string& token,
                                 const std::string& body, const std::vector<std::string>& headers) const {
    sync::HttpCall http;
    http.prepare(connection(token), method, path, body, headers);
    return http.perform();
}

std::int64_t HubFixture::copies_of(const std::string& event_id) {
    return query_int(dir_.path() / "hub" / "hub.db", "SELECT count(*) FROM events WHERE event_id = '" + event_id + "'");
}

std::int64_t HubFixture::event_count() {
    return query_int(dir_.path() / "hub" / "hub.db", "SELECT count(*) FROM events");
}

StoreOptions kiosk_options(const std::filesystem::path& file, const std::string& device_id, char letter) {
    StoreOptions options;
    options.path = file;
    options.device_id = device_id;
    options.kiosk_letter = letter;
    return options;
}

sync::SyncOptions engine_options(const sync::Connection& connection, bool pull) {
    sync::SyncOptions options;
    options.connection = connection;
    options.pull = pull;
    options.long_poll_wait_ms = 1000;
    options.backoff_initial_ms = 20;
    options.backoff_cap_ms = 400;
    options.retry_after_cap_ms = 5000;
    return options;
}

std::vector<std::string> issue_named_tickets(const StoreOptions& options, int count) {
    auto store = Store::open(options);
    if (!store) throw std::runtime_error("store " + options.path.string() + ": " + store.error().detail);
    std::vector<std::string> ids;
    TicketRequest request = plain_request();
    request.name = "Nora";
    for (int i = 0; i < count; ++i) {
        auto t = (*store)->issue_ticket(request, shipped_catalogue(), wall_clock_ms());
        if (!t) throw std::runtime_error("ticket refused: " + t.error().detail);
        ids.push_back(t->event_id);
    }
    return ids;
}

std::vector<std::string> outbox_ids(const std::filesystem::path& store_file) {
    return query_texts(store_file, "SELECT event_id FROM outbox ORDER BY device_seq");
}

}  // namespace skranke::test
