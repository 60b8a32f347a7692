// The hub's staff endpoints (sync/PROTOCOL.md, "Staff and figures"): PIN sign-in with the
// wrong-PIN lockout, sign-out, and today's figures as JSON and CSV. Only reception and
// admin devices may use them; figures also need a signed-in staff session.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "domain/statistics.hpp"
#include "hub/hub_store.hpp"
#include "hub/staff_store.hpp"

namespace skranke::hub {

inline constexpr const char* staff_session_header = "X-Skranke-Staff-Session";

// A device a request's token let in, with its office's log and staff.
struct StaffCaller {
    AuthDevice device;
    HubStore* log;
    StaffStore* staff;
};
// Checks the request's token (and has answered it when it returns nothing).
using Authenticate = std::function<std::optional<StaffCaller>(const httplib::Request&, httplib::Response&)>;
// The catalogue the hub serves now (it may change while serving); null: none.
using CurrentCatalogue = std::function<std::shared_ptr<const ServiceCatalogue>()>;

// Sign-in is at one of the catalogue's counters (none: any counter name).
void add_staff_routes(httplib::Server& server, CurrentCatalogue catalogue, Authenticate authenticate);

// The log entries that can belong to a ticket of one office day ("YYYY-MM-DD"), as every
// device folds them: received from that day's start (a ticket's arrival is never later than
// the hub received it) until the action window after its end (QueueState::action_window_ms).
// Nothing when the log cannot be read.
std::optional<std::vector<KnownEvent>> log_of_day(HubStore& log, const std::string& day);

// Today's figures as the endpoint sends them.
nlohmann::json figures_to_json(const DayFigures& figures);

}  // namespace skranke::hub
