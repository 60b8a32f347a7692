// skranke-notify (the real program) killed with SIGKILL at random moments, 50 times, while a
// kiosk issues tickets and reception calls them: afterwards each SMS that was claimed went
// out exactly once per ticket and kind, whatever moment the kills hit (before the claim,
// between the gateway's answer and the recorded "sent", ...).
#include <doctest/doctest.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "notify/notifier.hpp"
#include "support/child_process.hpp"
#include "support/notify_office.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;

TEST_CASE("the notifier killed 50 times while tickets are issued and called sends each SMS exactly once") {
    NotifyOffice office(2);
    const auto config = office.add_notifier("notify-k");
    setenv("SPDLOG_LEVEL", "warn", 1);  // the children's log: only what is wrong

    // The office at work, one step per notifier run, beside it.
    std::mutex mutex;
    std::condition_variable step_cv;
    int steps_asked = 0;
    bool stop = false;
    std::deque<std::string> waiting;  // tickets not called yet, oldest first
    std::vector<std::string> sms_tickets;
    std::string failure;
    std::thread activity([&] {
        int done = 0;
        try {
            for (;;) {
                {
                    std::unique_lock lock(mutex);
                    step_cv.wait(lock, [&] { return stop || steps_asked > done; });
                    if (stop) return;
                }
                ++done;
                for (int i = 0; i < 2; ++i) {
                    const auto phone = "+4793" + std::to_string(100000 + sms_tickets.size());
                    const Ticket t = office.issue(true, sms_tickets.size() % 3 == 0 ? "pl" : "nb", phone);
                    sms_tickets.push_back(t.event_id);
                    waiting.push_back(t.event_id);
                }
                if (done % 3 == 0) waiting.push_back(office.issue(false).event_id);
                // A short queue, so that most visitors are near the front for a while before their call.
                while (waiting.size() > 4) {
                    office.call(waiting.front());
                    waiting.pop_front();
                }
            }
        } catch (const std::exception& e) {
            std::lock_guard lock(mutex);
            failure = e.what();
        }
    });

    std::mt19937 random(20261204);
    std::uniform_int_distribution<int> window(150, 900);
    int landed = 0;
    int slack_ms = 0;  // on a loaded machine the program needs longer just to start: later windows widen
    const std::vector<std::string> args = {"run", "--config", config.string()};
    for (int kill = 0; kill < 50; ++kill) {
        {
            std::lock_guard lock(mutex);
            ++steps_asked;
        }
        step_cv.notify_one();
        const KilledRun run = run_and_kill(SKRANKE_NOTIFY, args, std::chrono::milliseconds(slack_ms + window(random)));
        CHECK(run.killed);
        if (run.output.find("running as") != std::string::npos)
            ++landed;
        else
            slack_ms = std::min(slack_ms + 100, 3000);
    }
    {
        std::lock_guard lock(mutex);
        stop = true;
    }
    step_cv.notify_one();
    activity.join();
    REQUIRE_MESSAGE(failure.empty(), failure);
    for (const std::string& id : waiting) office.call(id);  // everyone is called in the end

    // A last run, left to finish: every called SMS told, every claim told.
    {
        auto notifier = notify::Notifier::start(office.setup(config));
        REQUIRE(notifier.ok());
        REQUIRE(wait_until(
            [&] {
                std::map<std::string, int> open;
                int called_sent = 0;
                for (const HubNotified& n : office.hub_notified()) {
                    if (n.kind == "called" && n.outcome == "sent") ++called_sent;
                    open[n.ticket_id + n.kind] += n.outcome == "sending" ? 1 : -1;
                }
                for (const auto& [what, count] : open)
                    if (count != 0) return false;
                return called_sent == static_cast<int>(sms_tickets.size());
            },
            90s));
    }

    // Each claim in the log went out once; nothing went out without a claim.
    std::map<std::pair<std::string, std::string>, int> claims;  // (ticket, kind)
    std::map<std::string, std::string> claim_of_key;            // idempotency key -> ticket
    for (const HubNotified& n : office.hub_notified()) {
        CHECK(n.outcome != "failed");
        if (n.outcome == "sending") ++claims[{n.ticket_id, n.kind}];
    }
    for (const auto& [what, count] : claims) CHECK_MESSAGE(count == 1, what.first << " " << what.second);
    std::map<std::pair<std::string, std::string>, int> delivered;  // (phone, kind)
    for (const GatewayMessage& m : office.gateway().delivered()) ++delivered[{m.phone, m.key.substr(m.key.rfind('-') + 1)}];
    for (const auto& [what, count] : delivered) CHECK_MESSAGE(count == 1, what.first << " " << what.second);
    std::size_t claimed_near_front = 0;
    for (const auto& [what, count] : claims) claimed_near_front += what.second == "near_front";
    CHECK(office.gateway().delivered().size() == sms_tickets.size() + claimed_near_front);
    CHECK(landed >= 25);  // most kills hit a running notifier, not one still starting
    MESSAGE(sms_tickets.size() << " SMS tickets, " << office.gateway().delivered().size() << " messages delivered, "
            << office.gateway().absorbed() << " repeats absorbed by the idempotency key, " << landed
            << " of 50 kills hit a running notifier");
}
