// An office for the notifier's tests: the real skranke-hub program on 127.0.0.1 serving an office file with
// office.sms_near_front, a kiosk store and a reception store each pushing through its own
// sync engine, the fake SMS gateway, and notifier stores enrolled with role notify.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "client/sync_engine.hpp"
#include "notify/notifier.hpp"
#include "store/store.hpp"
#include "support/fake_gateway.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

namespace skranke::test {

// One ticket.notified event as the hub stored it.
struct HubNotified {
    std::string device_id;
    std::string ticket_id;
    std::string kind;
    std::string outcome;
    std::string detail;
};

class NotifyOffice {
public:
    explicit NotifyOffice(int sms_near_front = 2);
    ~NotifyOffice();

    FakeGateway& gateway() { return gateway_; }
    std::string hub_url() const { return hub_.url(); }
    std::string enrol_code(protocol::Role role) { return hub_.enrol_code(std::string(protocol::to_string(role))); }
    const std::filesystem::path& dir() const { return files_.path(); }

    // A walk-in ticket from the kiosk, at the hub when this returns.
    Ticket issue(bool sms_wanted, const std::string& language = "nb", const std::string& phone = "+4791234567");
    // The reception console calls the ticket to counter; at the hub when this returns.
    void call(const std::string& ticket_id, const std::string& counter = "3");
    // The reception console serves it (so the next waiting tickets move up).
    void serve(const std::string& ticket_id);

    // A notifier store enrolled with the hub (role notify), its notify.toml and a credentials
    // file (mode 600) in dir()/<name>; the settings file's path. extra: more TOML at the end.
    std::filesystem::path add_notifier(const std::string& name, const std::string& retry = "",
                                       const std::string& gateway_url = "");
    // Everything the program's run would make of that settings file.
    notify::NotifierSetup setup(const std::filesystem::path& config_file) const;

    std::vector<HubNotified> hub_notified();
    int hub_claims(const std::string& ticket_id, const std::string& kind);

private:
    void push_reception(EventBody action);
    sync::Connection connection(const std::string& token) const;
    std::string enrol(protocol::Role role, const std::string& device_id);
    std::int64_t copies_at_hub(const std::string& event_id);
    void open_device(protocol::Role role, const std::string& device_id, char letter, std::unique_ptr<Store>& store,
                     std::unique_ptr<sync::SyncEngine>& engine);
    TempDir files_;
    HubProcess hub_;
    FakeGateway gateway_;
    std::unique_ptr<Store> kiosk_;
    std::unique_ptr<sync::SyncEngine> kiosk_engine_;
    std::unique_ptr<Store> reception_;
    std::unique_ptr<sync::SyncEngine> reception_engine_;
};

// Waits until the gateway delivered at least count messages, else fails the test.
void require_delivered(FakeGateway& gateway, std::size_t count);

}  // namespace skranke::test
