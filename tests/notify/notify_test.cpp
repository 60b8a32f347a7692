// The notifier in-process against the real skranke-hub program on 127.0.0.1: a kiosk's tickets and a
// reception's calls pushed by their own sync engines, the fake SMS gateway answering.
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <set>

#include "domain/text_table.hpp"
#include "notify/notifier.hpp"
#include "support/child_process.hpp"
#include "support/notifier_process.hpp"
#include "support/notify_office.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;

namespace {

const TextTable& texts() {
    static const TextTable table = TextTable::load(asset_dir() / "translations", {"sms."}).value();
    return table;
}

std::string near_front_text(const std::string& language, const Ticket& ticket, int count) {
    return fill_slots(texts().text(language, "sms.near_front"),
                      {{"office", "NAV Testby"}, {"number", ticket.number.text()}, {"count", std::to_string(count)}});
}

std::string called_text(const std::string& language, const Ticket& ticket, const std::string& counter) {
    return fill_slots(texts().text(language, "sms.called"),
                      {{"office", "NAV Testby"}, {"number", ticket.number.text()}, {"counter", counter}});
}

// The hub's log holds outcome for this ticket and kind (from any notifier).
bool hub_has(NotifyOffice& office, const std::string& ticket_id, const std::string& kind, const std::string& outcome) {
    for (const HubNotified& n : office.hub_notified())
        if (n.ticket_id == ticket_id && n.kind == kind && n.outcome == outcome) return true;
    return false;
}

std::unique_ptr<notify::Notifier> start_notifier(NotifyOffice& office, const std::filesystem::path& config) {
    auto notifier = notify::Notifier::start(office.setup(config));
    REQUIRE_MESSAGE(notifier.ok(), (notifier.ok() ? "" : notifier.error()));
    return std::move(*notifier);
}

}  // namespace

TEST_CASE("near-front and called SMS go once each, in the visitor's language, to the phone; none to others") {
    NotifyOffice office(2);
    const Ticket t0 = office.issue(false);
    const Ticket t1 = office.issue(false);
    const Ticket polish = office.issue(true, "pl", "+4791111111");  // two before it: near the front at once
    const Ticket norwegian = office.issue(true, "nb", "+4792222222");  // three before it: not yet
    office.issue(false);
    auto notifier = start_notifier(office, office.add_notifier("notify-a"));

    require_delivered(office.gateway(), 1);
    REQUIRE(wait_until([&] { return hub_has(office, polish.event_id, "near_front", "sent"); }, 20s));
    auto delivered = office.gateway().delivered();
    REQUIRE(delivered.size() == 1);  // the Norwegian visitor has three before them
    CHECK(delivered[0].phone == "+4791111111");
    CHECK(delivered[0].text == near_front_text("pl", polish, 2));
    CHECK(delivered[0].text.find("Numer " + polish.number.text()) != std::string::npos);

    office.call(t0.event_id);  // now two before the Norwegian visitor too
    require_delivered(office.gateway(), 2);
    delivered = office.gateway().delivered();
    CHECK(delivered[1].phone == "+4792222222");
    CHECK(delivered[1].text == near_front_text("nb", norwegian, 2));

    office.call(polish.event_id, "4");
    require_delivered(office.gateway(), 3);
    delivered = office.gateway().delivered();
    CHECK(delivered[2].phone == "+4791111111");
    CHECK(delivered[2].text == called_text("pl", polish, "4"));

    office.call(t1.event_id);  // asked for no SMS
    office.call(norwegian.event_id, "2");
    require_delivered(office.gateway(), 4);
    delivered = office.gateway().delivered();
    CHECK(delivered[3].text == called_text("nb", norwegian, "2"));
    REQUIRE(wait_until([&] { return hub_has(office, norwegian.event_id, "called", "sent"); }, 20s));

    // The log says what went, once each, all by this notifier; the keys are the claims'.
    const auto log = office.hub_notified();
    CHECK(log.size() == 8);  // four claims, four sent
    for (const HubNotified& n : log) {
        CHECK(n.device_id == notifier->device_id());
        CHECK(n.device_id.rfind("notify-", 0) == 0);
        CHECK((n.ticket_id == polish.event_id || n.ticket_id == norwegian.event_id));
    }
    CHECK(office.gateway().requests() == 4);
    CHECK(office.gateway().absorbed() == 0);
    CHECK(notifier->counts().sent == 4);
    const auto status = run_command(std::string(SKRANKE_NOTIFY) + " status --config " +
                                    (office.dir() / "notify-a" / "notify.toml").string());
    CHECK(status.status == 0);
    CHECK(status.output.find("SMS today:    4 sent, 0 failed, 0 on their way") != std::string::npos);
    CHECK(status.output.find("+479") == std::string::npos);
}

TEST_CASE("skranke-notify enrol trades a notify code for a token; a code of another role is refused") {
    NotifyOffice office(2);
    const auto config = office.dir() / "enrol.toml";
    save_file(config, "store = \"" + (office.dir() / "enrolled.db").string() +
                          "\"\n[gateway]\nurl = \"http://127.0.0.1:9/sms\"\nbody = \"{text}\"\n");
    const std::string enrol = std::string(SKRANKE_NOTIFY) + " enrol --config " + config.string() + " --hub " + office.hub_url();
    const std::string kiosk_code = office.enrol_code(protocol::Role::kiosk);
    const auto refused = run_command(enrol + " --code " + kiosk_code);
    CHECK(refused.status == 1);
    CHECK(refused.output.find("made for role kiosk") != std::string::npos);
    // The hub refused it before storing anything: the code still enrols the kiosk it was made for.
    sync::Connection hub;
    hub.hub_url = office.hub_url();
    CHECK(sync::enrol_device(hub, kiosk_code, "kiosk-later", "kiosk").ok());
    const auto enrolled = run_command(enrol + " --code " + office.enrol_code(protocol::Role::notify));
    CHECK(enrolled.status == 0);
    CHECK(enrolled.output.find("enrolled notify-") == 0);
    CHECK(enrolled.output.find(" as notify with " + office.hub_url()) != std::string::npos);
}

TEST_CASE("a visitor called before being near the front gets only the called SMS") {
    NotifyOffice office(1);
    office.issue(false);
    office.issue(false);
    const Ticket visitor = office.issue(true, "nb");  // two before it, one is the limit
    auto notifier = start_notifier(office, office.add_notifier("notify-a"));
    office.call(visitor.event_id, "4");
    require_delivered(office.gateway(), 1);
    REQUIRE(wait_until([&] { return hub_has(office, visitor.event_id, "called", "sent"); }, 20s));
    CHECK(office.gateway().delivered()[0].text == called_text("nb", visitor, "4"));
    CHECK(office.hub_claims(visitor.event_id, "near_front") == 0);
}

TEST_CASE("a gateway answering 503 is tried again with the same key until it takes the message") {
    NotifyOffice office(2);
    office.gateway().fail_next(3);
    const Ticket visitor = office.issue(true, "nb");
    auto notifier = start_notifier(office, office.add_notifier("notify-a"));
    require_delivered(office.gateway(), 1);
    REQUIRE(wait_until([&] { return hub_has(office, visitor.event_id, "near_front", "sent"); }, 20s));
    CHECK(office.gateway().refused_503() == 3);
    CHECK(office.gateway().requests() == 4);
    CHECK(notifier->counts().tries == 4);
}

TEST_CASE("a gateway down for good is tried within the bound, then staff see a failed SMS with why") {
    NotifyOffice office(2);
    office.gateway().switch_off();
    const Ticket first = office.issue(true, "nb");
    const auto config = office.add_notifier(
        "notify-a", "[retry]\ntries = 4\nfirst_wait_ms = 50\nmax_wait_ms = 200\ngive_up_after_ms = 10000\n");
    const auto started = std::chrono::steady_clock::now();
    auto notifier = start_notifier(office, config);
    REQUIRE(wait_until([&] { return hub_has(office, first.event_id, "near_front", "failed"); }, 30s));
    CHECK(std::chrono::steady_clock::now() - started < 20s);
    CHECK(notifier->counts().tries == 4);
    for (const HubNotified& n : office.hub_notified()) {
        if (n.outcome != "failed") continue;
        CHECK(n.detail.find("could not be reached") != std::string::npos);
        CHECK(n.detail.find("on 4 tries") != std::string::npos);
        CHECK(n.detail.find("+47") == std::string::npos);  // nothing personal for staff
    }
    // Back again: the next visitor's message goes; the failed one is not sent again.
    office.gateway().switch_on();
    const Ticket second = office.issue(true, "nb");
    require_delivered(office.gateway(), 1);
    REQUIRE(wait_until([&] { return hub_has(office, second.event_id, "near_front", "sent"); }, 20s));
    CHECK(office.gateway().requests() == 1);
}

TEST_CASE("a gateway stuck on one message does not hold back the others") {
    NotifyOffice office(2);
    office.gateway().hang_for("+4795555555");
    const Ticket stuck = office.issue(true, "nb", "+4795555555");
    auto notifier = start_notifier(office, office.add_notifier("notify-a"));
    REQUIRE(wait_until([&] { return office.gateway().hanging() == 1; }, 20s));
    const Ticket next = office.issue(true, "nb", "+4796666666");
    // Both of its SMS go while the first one's request hangs. It is called once its near-front
    // SMS has gone: called sooner, the hub could refuse that claim for a ticket no longer waiting.
    require_delivered(office.gateway(), 1);
    office.call(next.event_id);
    require_delivered(office.gateway(), 2);
    CHECK(office.gateway().hanging() == 1);
    for (const GatewayMessage& m : office.gateway().delivered()) CHECK(m.phone == "+4796666666");
    office.gateway().release();  // answered 504: tried again, then delivered
    REQUIRE(wait_until([&] { return hub_has(office, stuck.event_id, "near_front", "sent"); }, 20s));
}

TEST_CASE("a gateway refusing the request (4xx) is not tried again: the SMS is failed at once") {
    NotifyOffice office(2);
    const auto wrong_path = "http://127.0.0.1:" + std::to_string(office.gateway().port()) + "/no-such-path";
    auto notifier = start_notifier(office, office.add_notifier("notify-a", "", wrong_path));
    const Ticket visitor = office.issue(true, "nb");
    REQUIRE(wait_until([&] { return hub_has(office, visitor.event_id, "near_front", "failed"); }, 20s));
    CHECK(notifier->counts().tries == 1);
    bool said = false;
    for (const HubNotified& n : office.hub_notified())
        if (n.outcome == "failed") said = n.detail.find("refused") != std::string::npos && n.detail.find("404") != std::string::npos;
    CHECK(said);
}

TEST_CASE("two notifier processes on one hub: one SMS of each kind per ticket and one claim of each kind in the log") {
    NotifyOffice office(2);
    setenv("SPDLOG_LEVEL", "error", 1);
    NotifierProcess first(office.add_notifier("notify-a"));
    NotifierProcess second(office.add_notifier("notify-b"));
    // Both have the office's settings before any visitor comes, so they race for every claim.
    for (const char* name : {"notify-a", "notify-b"}) {
        const auto store = office.dir() / name / "notify.db";
        REQUIRE(wait_until([&] { return query_int(store, "SELECT count(*) FROM office_config") == 1; }, 20s));
    }
    std::vector<Ticket> visitors;
    for (int i = 0; i < 6; ++i) visitors.push_back(office.issue(true, i % 2 ? "pl" : "nb", "+479000000" + std::to_string(i)));
    for (const Ticket& t : visitors) office.call(t.event_id);
    // Every called SMS told, and every claim told.
    REQUIRE(wait_until(
        [&] {
            const auto log = office.hub_notified();
            int called_sent = 0, open = 0;
            for (const HubNotified& n : log) {
                if (n.kind == "called" && n.outcome == "sent") ++called_sent;
                open += n.outcome == "sending" ? 1 : -1;
            }
            return called_sent == 6 && open == 0;
        },
        40s));
    std::map<std::pair<std::string, std::string>, int> by_phone_kind;
    for (const GatewayMessage& m : office.gateway().delivered())
        ++by_phone_kind[{m.phone, m.key.substr(m.key.rfind('-') + 1)}];
    for (const auto& [what, count] : by_phone_kind) CHECK_MESSAGE(count == 1, what.first << " " << what.second);
    for (const Ticket& t : visitors) {
        CHECK(office.hub_claims(t.event_id, "called") == 1);
        CHECK(office.hub_claims(t.event_id, "near_front") <= 1);
        CHECK(by_phone_kind[{t.request.phone, "called"}] == 1);
    }
    CHECK(office.gateway().absorbed() == 0);
    // Both took part, and both stop as systemd stops them.
    std::set<std::string> claimers;
    for (const HubNotified& n : office.hub_notified()) claimers.insert(n.device_id);
    std::int64_t refused = 0;  // claims the hub refused because the other notifier was first
    for (const char* name : {"notify-a", "notify-b"})
        refused += query_int(office.dir() / name / "notify.db",
                             "SELECT count(*) FROM dead_letters WHERE code = 'already_notified'");
    MESSAGE(claimers.size() << " notifiers made the claims; " << refused << " later claims refused by the hub");
    CHECK(first.stop() == 0);
    CHECK(second.stop() == 0);
}
