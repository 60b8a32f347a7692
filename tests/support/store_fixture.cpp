#include "support/store_fixture.hpp"

#include <cstdlib>
#include <ctime>
#include <stdexcept>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include "domain/office_time.hpp"
#include "store/queue_view.hpp"
#include "support/temp_dir.hpp"

namespace skranke::test {

const ServiceCatalogue& shipped_catalogue() {
    static const ServiceCatalogue catalogue = [] {
        auto loaded = ServiceCatalogue::load_file(asset_dir() / "services.toml");
        if (!loaded) throw std::runtime_error("shipped catalogue does not load: " + loaded.error().detail);
        return loaded.value();
    }();
    return catalogue;
}

namespace {
TicketRequest request_for(bool emergency) {
    for (const Need& need : shipped_catalogue().needs()) {
        if (need.emergency == emergency && !need.appointment) {
            TicketRequest request;
            request.need_id = need.id;
            return request;
        }
    }
    throw std::runtime_error("catalogue lacks a need of the wanted kind");
}

sqlite3* open_raw(const std::filesystem::path& db) {
    sqlite3* handle = nullptr;
    if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(handle);
        throw std::runtime_error("cannot open " + db.string());
    }
    sqlite3_busy_timeout(handle, 5000);
    return handle;
}
}  // namespace

TicketRequest plain_request() { return request_for(false); }
TicketRequest emergency_request() { return request_for(true); }

std::vector<std::string> query_texts(const std::filesystem::path& db, const std::string& sql) {
    sqlite3* handle = open_raw(db);
    sqlite3_stmt* stmt = nullptr;
    std::vector<std::string> rows;
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        const std::string message = sqlite3_errmsg(handle);
        sqlite3_close(handle);
        throw std::runtime_error("bad test query: " + message);
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(stmt, 0);
        rows.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    sqlite3_finalize(stmt);
    sqlite3_close(handle);
    return rows;
}

std::int64_t query_int(const std::filesystem::path& db, const std::string& sql) {
    const auto rows = query_texts(db, sql);
    if (rows.size() != 1) throw std::runtime_error("expected one row from: " + sql);
    return std::stoll(rows.front());
}

std::int64_t test_time_ms(int day_offset, int minute_offset) {
    return office_zone().utc_of(2026, 3, 2 + day_offset, 10 * 60 + minute_offset);
}

std::unique_ptr<QueueView> open_test_view(const std::filesystem::path& db, std::function<std::int64_t()> device_clock) {
    StoreOptions options;
    options.path = db;
    QueueView::Options view_options;
    view_options.thread = false;
    view_options.device_clock = std::move(device_clock);
    auto view = QueueView::open(options, view_options);
    REQUIRE_MESSAGE(view.ok(), view.error().detail);
    return std::move(*view);
}

}  // namespace skranke::test
