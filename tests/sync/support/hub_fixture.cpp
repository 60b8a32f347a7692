#include "support/hub_fixture.hpp"

#include <stdexcept>

#include <sqlite3.h>

#include "domain/office_time.hpp"
#include <spdlog/spdlog.h>

#include "hub/pg/pg_connection.hpp"
#include "support/held_write.hpp"
#include "support/pg_server.hpp"
#include "support/store_fixture.hpp"

namespace skranke::test {

namespace {

// One server for every hub of the test process, each hub with a database of its own.
PgServer& shared_pg_server() {
    static PgServer server;
    return server;
}

hub::pg::Connection connect(const std::string& url) {
    auto c = hub::pg::Connection::open(url);
    if (!c) throw std::runtime_error("office database: " + c.error().detail);
    return std::move(c).value();
}

}  // namespace

bool hubs_on_office_database() {
    const char* db = std::getenv("SKRANKE_TEST_HUB_DB");
    return db != nullptr && std::string(db) == "postgresql";
}

HubFixture::HubFixture(hub::HubOptions options) {
    spdlog::set_level(spdlog::level::warn);  // keep test output to what matters
    options.host = "127.0.0.1";
    options.port = 0;
    options.data_dir = dir_.path() / "hub";
    if (hubs_on_office_database()) {
        static int databases = 0;
        options.database_url = shared_pg_server().new_database("hub" + std::to_string(++databases));
        options.office_id = "office-test";
    }
    data_ = hub::hub_data_of(options);
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
    return query_int("SELECT count(*) FROM events WHERE event_id = '" + event_id + "'");
}

std::int64_t HubFixture::event_count() { return query_int("SELECT count(*) FROM events"); }

std::int64_t HubFixture::query_int(const std::string& sql) {
    if (!data_.in_database()) return test::query_int(data_.dir / "hub.db", sql);
    auto db = connect(data_.database_url);
    auto rows = db.run(sql);
    if (!rows) throw std::runtime_error("office database: " + rows.error().detail);
    return rows->int64(0, 0);
}

std::unique_ptr<hub::StaffStore> HubFixture::staff_store() {
    auto staff = hub::open_staff_store(data_);
    if (!staff) throw std::runtime_error("staff store: " + staff.error().detail);
    return std::move(staff.value());
}

HubCommand HubFixture::command(const std::string& args, const std::string& input) const {
    const std::string where =
        data_.in_database() ? " --db '" + data_.database_url + "' --office-id " + data_.office_id : "";
    return run_hub_command(args + where, data_.dir, input);
}

namespace {

class HeldFile final : public HubFixture::HeldWrites {
public:
    explicit HeldFile(const std::filesystem::path& file) : lock_(file) {}
    void release() override { lock_.release(); }

private:
    FileWriteLock lock_;
};

// The office's row lock, as another hub's write holds it.
class HeldOffice final : public HubFixture::HeldWrites {
public:
    HeldOffice(const std::string& url, const std::string& office_id) : db_(connect(url)) {
        auto held = db_->run("BEGIN");
        if (held) held = db_->run("SELECT last_seq FROM offices WHERE office_id = $1 FOR UPDATE", {office_id});
        if (!held) throw std::runtime_error("office database: " + held.error().detail);
    }
    ~HeldOffice() override { release(); }
    void release() override {
        if (db_) db_->run("ROLLBACK");
        db_.reset();
    }

private:
    std::optional<hub::pg::Connection> db_;
};

}  // namespace

std::unique_ptr<HubFixture::HeldWrites> HubFixture::hold_writes() {
    if (data_.in_database()) return std::make_unique<HeldOffice>(data_.database_url, data_.office_id);
    return std::make_unique<HeldFile>(data_.dir / "hub.db");
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
