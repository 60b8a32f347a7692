// The reception console's blocking calls to the hub's staff endpoints: sign in with a PIN,
// sign out, fetch today's figures as CSV; and which kiosks are silent. Short timeouts: a
// person is waiting.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/hub_client.hpp"
#include "domain/result.hpp"

namespace skranke::sync {

struct StaffSignIn {
    std::string session;  // staff session token, sent as X-Skranke-Staff-Session
    std::string staff_id;
    std::string name;
    std::string role;
    std::string counter;
    std::int64_t expires_ms = 0;
};

enum class StaffCallError { wrong_pin, locked, offline, refused };
struct StaffCallFailure {
    StaffCallError kind = StaffCallError::offline;
    std::string message;          // for the person at the counter
    std::int64_t retry_after_ms = 0;  // when locked
};

Result<StaffSignIn, StaffCallFailure> staff_sign_in(const Connection& connection, const std::string& staff_id,
                                                    const std::string& pin, const std::string& counter);
void staff_sign_out(const Connection& connection, const std::string& session);
// A kiosk of the office that needs staff: the hub has not heard from it for longer than its
// limit (10 minutes), or its printer cannot print or runs low on paper.
struct KioskAlert {
    std::string device_id;
    bool notifier = false;  // the office's SMS notifier (role notify), not a kiosk: said only when silent
    bool silent = false;
    std::int64_t silent_for_ms = 0;  // when the hub answered
    std::string printer;  // "paper_low", "paper_out", "cover_open" or "offline"; empty: nothing to do
};
// GET /v1/devices as a reception device reads it: the office's kiosks that need staff, and
// SMS notifiers the hub has not heard from, silent longest first.
Result<std::vector<KioskAlert>, StaffCallFailure> fetch_kiosk_alerts(const Connection& connection);

// The per-ticket CSV of one service day ("YYYY-MM-DD").
Result<std::string, StaffCallFailure> fetch_figures_csv(const Connection& connection, const std::string& session,
                                                        const std::string& day);

}  // namespace skranke::sync
