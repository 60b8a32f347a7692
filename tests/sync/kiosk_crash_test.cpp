// A kiosk process issuing and syncing is killed with SIGKILL at random moments, 50 times:
// every ticket it showed reaches the hub exactly once, and no number is given twice.
#include <doctest/doctest.h>

#include <random>
#include <set>
#include <sstream>

#include "support/child_process.hpp"
#include "support/hub_fixture.hpp"
#include "support/store_fixture.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;


TEST_CASE("a kiosk killed 50 times during issue and sync loses and duplicates nothing at the hub") {
    HubFixture hub;
    const auto kiosk = hub.enrol(protocol::Role::kiosk, "kiosk-crash");
    const auto store_file = hub.dir() / "kiosk.db";
    const std::vector<std::string> args = {store_file.string(), (asset_dir() / "services.toml").string(),
                                           plain_request().need_id, hub.url(), kiosk.token};
    std::set<std::string> shown;
    const KillCampaign campaign = kill_while_working(KIOSK_CHILD, args, 50, 40, 200, 20261125, [&](const std::string& id) {
        CHECK(shown.insert(id).second);  // an id is never shown twice
    });
    CHECK(campaign.ended_early == 0);
    CHECK(campaign.landed == 50);
    REQUIRE(shown.size() > 50);
    // A last, gentle run of the engine drains what the killed kiosks left behind.
    {
        auto engine = sync::SyncEngine::start(kiosk_options(store_file, "kiosk-crash", 'K'),
                                              engine_options(hub.connection(kiosk.token), false));
        REQUIRE(engine.ok());
        REQUIRE(wait_until([&] { return (*engine)->status().outbox_depth == 0; }, 60s));
    }
    const auto hub_db = hub.dir() / "hub" / "hub.db";
    const auto at_hub = query_texts(hub_db, "SELECT event_id FROM events ORDER BY device_seq");
    const std::set<std::string> hub_ids(at_hub.begin(), at_hub.end());
    CHECK(hub_ids.size() == at_hub.size());
    for (const auto& id : shown) CHECK_MESSAGE(hub_ids.count(id) == 1, id << " was shown but never reached the hub");
    // Everything the kiosk committed is at the hub, and no ticket number was given twice.
    CHECK(at_hub == outbox_ids(store_file));
    CHECK(query_int(hub_db, "SELECT count(DISTINCT json_extract(body, '$.ticket.service_day') || json_extract(body,"
                            " '$.ticket.number')) FROM events") == static_cast<std::int64_t>(at_hub.size()));
}
