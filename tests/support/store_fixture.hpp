// Shared pieces for store tests: the shipped catalogue, a plain request, and raw SQL
// look-ups through a separate connection (what another process would see on disk).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <memory>

#include "domain/service_catalogue.hpp"
#include "domain/ticket.hpp"

namespace skranke {
class QueueView;
}

namespace skranke::test {

const ServiceCatalogue& shipped_catalogue();
// A walk-in for the first ordinary (non-emergency, non-appointment) need.
TicketRequest plain_request();
// A walk-in for the first emergency need.
TicketRequest emergency_request();

// Runs a query with one integer result on a new connection to the file.
std::int64_t query_int(const std::filesystem::path& db, const std::string& sql);
// Runs a query and returns the first column of every row as text.
std::vector<std::string> query_texts(const std::filesystem::path& db, const std::string& sql);

// A queue view on the store file without its thread: the test says when it reads
// (update_now), as the sync engine and the screens do in the programs. device_clock: the
// device's wall clock (empty: the real one).
std::unique_ptr<QueueView> open_test_view(const std::filesystem::path& db,
                                          std::function<std::int64_t()> device_clock = {});

// Fixed test time: 2026-03-02 10:00 in the office's time zone (Europe/Oslo unless set).
std::int64_t test_time_ms(int day_offset = 0, int minute_offset = 0);

}  // namespace skranke::test
