// Devices against a real hub in the test (tests/sync/support/hub_fixture.hpp): a store with
// its own sync engine, staff members who may sign in, and a reception console's services
// wired to that device, as the real program wires them.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "console/console_app.hpp"
#include "domain/office_time.hpp"
#include "support/hub_fixture.hpp"

namespace skranke::test {

struct HubDevice {
    StoreOptions options;
    // How far the device's wall clock is from the real one; the test may change it (a clock
    // put right), and the engine and the console read it as it is now.
    std::shared_ptr<std::atomic<std::int64_t>> clock_skew_ms = std::make_shared<std::atomic<std::int64_t>>(0);
    std::int64_t wall_ms() const { return wall_clock_ms() + clock_skew_ms->load(); }
    std::unique_ptr<Store> store;
    // Kept up to date by the engine's thread, as in the programs (before the engine: it stops first).
    std::unique_ptr<QueueView> view;
    std::unique_ptr<sync::SyncEngine> engine;
    std::string token;
};

// Enrols the device with the hub and starts its sync engine; clock_skew_ms sets the device's
// wall clock that far from the real one (as the engine reads it). With office_config_stored
// the engine keeps the hub's office configuration in the store and calls it (from its thread)
// for each new version, as the kiosk and the console have it do.
HubDevice start_hub_device(HubFixture& hub, protocol::Role role, const std::string& id, char letter = 'A',
                           std::int64_t clock_skew_ms = 0, std::function<void()> office_config_stored = {});

// The store's own outbox (not the engine's last count, which lags a fresh action) is empty,
// and the engine has applied everything the hub holds (and so has the device's queue view).
bool caught_up(HubFixture& hub, const HubDevice& device);

// Staff "kari" (Kari N.) and "ola" (Ola H.), both with PIN 135790, both reception.
inline constexpr const char* staff_pin = "135790";
void add_reception_staff(HubFixture& hub);

// A console on this device: its store and queue view, the hub's staff desk, its engine's status and wake-up.
console::ConsoleServices hub_console_services(HubDevice& device, console::StaffDesk& desk);

// Signs staff (PIN staff_pin) in at this counter; the test stops if it fails.
void sign_in_console(console::ConsoleApp& app, const std::string& staff, const std::string& counter, double now_s);

// A reception console on its own enrolled device, signed in.
struct HubConsole {
    HubDevice device;
    std::unique_ptr<console::HubStaffDesk> desk;
    std::unique_ptr<console::ConsoleApp> app;
    double now_s = 100;

    void apply(console::IntentKind kind);
};
HubConsole start_console(HubFixture& hub, const std::string& id, const std::string& staff, const std::string& counter,
                         std::int64_t clock_skew_ms = 0);

}  // namespace skranke::test
