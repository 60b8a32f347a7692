// Devices against a real hub in the test (tests/sync/support/hub_fixture.hpp): a store with
// its own sync engine, staff members who may sign in, and a reception console's services
// wired to that device, as the real program wires them.
#pragma once

#include <memory>
#include <string>

#include "console/console_app.hpp"
#include "support/hub_fixture.hpp"

namespace skranke::test {

struct HubDevice {
    StoreOptions options;
    std::unique_ptr<Store> store;
    std::unique_ptr<sync::SyncEngine> engine;
    std::string token;
};

// Enrols the device with the hub and starts its sync engine.
HubDevice start_hub_device(HubFixture& hub, protocol::Role role, const std::string& id, char letter = 'A');

// The store's own outbox (not the engine's last count, which lags a fresh action) is empty,
// and the engine has applied everything the hub holds.
bool caught_up(HubFixture& hub, const HubDevice& device);

// Staff "kari" (Kari N.) and "ola" (Ola H.), both with PIN 135790, both reception.
inline constexpr const char* staff_pin = "135790";
void add_reception_staff(HubFixture& hub);

// A console on this device: its store, the hub's staff desk, its engine's status and wake-up.
console::ConsoleServices hub_console_services(HubDevice& device, console::StaffDesk& desk);

}  // namespace skranke::test
