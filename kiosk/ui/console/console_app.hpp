// The reception console's application layer: turns the screens' intents into staff events
// in the local store (which the sync engine delivers), signs staff in through the hub, and
// rebuilds the view model from the queue view's newest snapshot (no SQL and no fold of the
// log on the UI thread). Nothing here draws.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/staff_client.hpp"
#include "console/console_state.hpp"
#include "domain/queue_state.hpp"
#include "domain/service_catalogue.hpp"
#include "shell/speech.hpp"
#include "shell/translations.hpp"
#include "store/queue_view.hpp"
#include "store/store.hpp"

namespace skranke::console {

// The hub's staff endpoints as the console needs them (tests may stand in).
class StaffDesk {
public:
    virtual ~StaffDesk() = default;
    virtual Result<sync::StaffSignIn, sync::StaffCallFailure> sign_in(const std::string& staff_id, const std::string& pin,
                                                                      const std::string& counter) = 0;
    virtual void sign_out(const std::string& session) = 0;
    virtual Result<std::string, sync::StaffCallFailure> figures_csv(const std::string& session,
                                                                    const std::string& day) = 0;
    // The office's kiosks the hub has not heard from for a while, or whose printer needs a
    // hand; called off the UI thread.
    virtual Result<std::vector<sync::KioskAlert>, sync::StaffCallFailure> kiosk_alerts() {
        return std::vector<sync::KioskAlert>{};
    }
};

// The real one: blocking calls to the hub with the device's token.
class HubStaffDesk : public StaffDesk {
public:
    explicit HubStaffDesk(sync::Connection connection) : connection_(std::move(connection)) {}
    Result<sync::StaffSignIn, sync::StaffCallFailure> sign_in(const std::string& staff_id, const std::string& pin,
                                                              const std::string& counter) override;
    void sign_out(const std::string& session) override;
    Result<std::string, sync::StaffCallFailure> figures_csv(const std::string& session, const std::string& day) override;
    Result<std::vector<sync::KioskAlert>, sync::StaffCallFailure> kiosk_alerts() override;

private:
    sync::Connection connection_;
};

// What the sync engine says, in the console's words.
struct SyncView {
    bool online = false;
    std::int64_t outbox_depth = 0;
    std::optional<std::int64_t> last_sync_ms;
    std::int64_t cursor = 0;
};

struct ConsoleServices {
    Store* store = nullptr;                    // where staff actions are written
    QueueView* view = nullptr;                 // what the screens read (kept by its own thread)
    const ServiceCatalogue* catalogue = nullptr;  // may change: see catalogue_changed()
    const ui::Translations* texts = nullptr;   // staff translations (assets/staff-translations)
    std::string language = "nb";
    StaffDesk* desk = nullptr;
    ui::Speaker* speaker = nullptr;            // the urgent-ticket alert
    std::string alert_sound;                   // WAV; empty: none
    std::function<std::int64_t()> wall_clock_ms;
    std::function<SyncView()> sync_status;     // empty: always offline
    std::function<void()> notify_sync;         // a new event is in the outbox
    std::vector<std::string> counters = {"1", "2", "3"};
    std::int64_t idle_sign_out_ms = 10 * 60 * 1000;
    std::filesystem::path export_dir;          // where the CSV export is saved
    double silent_kiosks_every_s = 60;         // how often the hub is asked which kiosks are silent
};

class ConsoleApp {
public:
    explicit ConsoleApp(ConsoleServices services);
    ~ConsoleApp();

    const ConsoleState& state() const { return state_; }
    // How many urgent tickets it remembers having seen: only those its log still holds.
    std::size_t remembered_urgent() const { return known_urgent_.size(); }
    // Any input from the person at the desk (restarts the sign-out timer).
    void touched(double now_s) { last_activity_s_ = now_s; }
    // Takes the intent by value: whatever it names is copied before anything is rebuilt.
    void apply(Intent intent, double now_s);
    // Rebuilds the view model when the store changed or a second passed; signs out when
    // idle. True when something visible changed.
    bool tick(double now_s);
    // Rebuilds the view model now.
    void refresh();
    // The catalogue the services point at holds the office's needs from the hub now: the
    // need filters and the names of the needs follow.
    void catalogue_changed();
    // Seconds until tick() has something to do.
    double seconds_until_timer(double now_s) const;

    std::string session_token() const { return session_; }

private:
    void read_catalogue();
    // One staff action on one ticket, held as values copied from the view model before the
    // write: writing rebuilds state_ and queue_ (refresh), so the notice must not read them.
    struct StaffAction {
        EventBody event;         // what is done to which ticket
        std::string notice_key;  // said once the event is stored
        std::string number;      // "A 003", as staff saw it
        std::string counter;     // the counter it is called or transferred to
    };
    struct PendingCall {
        std::string ticket_id;
        std::string number;
        int waits_for_winner = 0;  // refreshes since the refusal, waiting for the winning call's page
    };

    std::string st(std::string_view key) const;
    void say_notice(std::string text, bool error);
    bool require_sign_in();
    void act(StaffAction action);  // the only way a staff event is written
    void say_conflict(const QueueConflict& conflict, const StaffAction& action);
    void call(std::string ticket_id);
    template <typename Action>  // TicketRecalled, TicketServed or TicketNoShow
    void about_current(std::string notice_key);
    void transfer(std::string to_need, std::string to_counter);
    void sign_in(std::string staff_id, std::string pin, std::string counter);
    void sign_out(bool idle);
    void export_csv();
    void check_pending_calls();
    bool watch_silent_kiosks(double now_s);  // true when the hub's answer came
    void describe_silent_kiosks(std::int64_t device_now);
    std::string number_of(const std::string& ticket_id) const;  // "" when unknown
    std::optional<std::string> next_for_this_counter() const;  // a ticket id, copied

    ConsoleServices services_;
    ConsoleState state_;
    std::shared_ptr<const QueueSnapshot> snapshot_;  // what the view model was built from
    const QueueState& queue() const;
    std::string session_;
    double last_activity_s_ = 0;
    double last_refresh_s_ = -1e9;
    SyncView last_sync_;
    std::map<std::string, PendingCall> pending_calls_;  // by the call's event id
    std::map<std::string, bool> known_urgent_;          // urgent tickets already seen
    bool first_refresh_ = true;
    // Which kiosks are silent: asked of the hub on a thread of its own, so the screen never waits.
    std::future<Result<std::vector<sync::KioskAlert>, sync::StaffCallFailure>> silent_asked_;
    double silent_due_s_ = -1;  // 0 and more: when to ask next
    std::vector<sync::KioskAlert> kiosk_alerts_;
    std::int64_t silent_read_ms_ = 0;  // device clock when the hub said so
};

}  // namespace skranke::console
