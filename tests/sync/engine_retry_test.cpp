// The sync engine keeps retrying until its outbox is empty, with no new local event to wake
// it: the last push of a backlog failing in each way a network or a hub fails, the hub down
// when the engine starts, the hub killed while the only push is on its way. Every wait is
// bounded; "healthy" to "delivered" must fit in one backoff cap plus the calls themselves.
// An event no one announces goes within one cap too, and the engine never calls itself
// online while its pushes fail.
#include <doctest/doctest.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "domain/office_time.hpp"
#include "support/fault_proxy.hpp"
#include "support/hub_fixture.hpp"
#include "support/hub_process.hpp"
#include "support/store_fixture.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;
using protocol::Role;

namespace {

constexpr auto backoff_cap = 1000ms;
constexpr auto call_time = 2000ms;  // a push on loopback under the sanitizers, on a busy machine

// Test timings, with a backoff cap of one second; Retry-After: 1 fits in it too.
sync::SyncOptions retry_options(const sync::Connection& connection, bool pull) {
    auto options = engine_options(connection, pull);
    options.backoff_cap_ms = backoff_cap.count();
    options.retry_after_cap_ms = backoff_cap.count();
    return options;
}

// Enrols kiosk-a with the real hub; the engine then reaches it at url (the hub or a proxy).
sync::Connection enrol_kiosk(HubProcess& hub, const std::string& url) {
    sync::Connection connection;
    connection.hub_url = url;
    connection.connect_timeout_ms = 1000;
    connection.request_timeout_ms = 3000;
    auto enrolled = sync::enrol_device(connection, hub.enrol_code("kiosk"), "kiosk-a");
    REQUIRE_MESSAGE(enrolled.ok(), (enrolled.ok() ? "" : enrolled.error()));
    connection.token = enrolled->token;
    return connection;
}

std::unique_ptr<sync::SyncEngine> start_engine(const StoreOptions& store, sync::SyncOptions options) {
    auto engine = sync::SyncEngine::start(store, std::move(options));
    REQUIRE_MESSAGE(engine.ok(), (engine.ok() ? "" : engine.error()));
    return std::move(engine.value());
}

// The hub holds exactly these events, each once, in the device's order.
void check_hub_holds(const std::filesystem::path& hub_db, const std::vector<std::string>& ids) {
    CHECK(query_texts(hub_db, "SELECT event_id FROM events ORDER BY device_id, device_seq") == ids);
    CHECK(query_int(hub_db, "SELECT count(*) FROM events") == static_cast<std::int64_t>(ids.size()));
}

// Waits, from the moment the hub is healthy again, for the outbox to empty and the engine to
// be online: one backoff cap and the calls themselves. No local event is announced meanwhile.
void check_delivered_within_one_cap(const sync::SyncEngine& engine) {
    const auto healthy = std::chrono::steady_clock::now();
    const auto in_sync = [&] { return engine.status().outbox_depth == 0 && engine.status().online; };
    const bool drained = wait_until(in_sync, backoff_cap + call_time, 5ms);
    const auto status = engine.status();
    CAPTURE(status.last_error);
    CHECK_MESSAGE(drained, "outbox holds " << status.outbox_depth << " events, online=" << status.online);
    if (!drained) return;  // the next case of a loop still runs
    CHECK(std::chrono::steady_clock::now() - healthy <= backoff_cap + call_time);
    CHECK(status.dead_letters == 0);
}

// skranke-sync (or any program) as a child whose standard output is kept; SIGTERM ends it.
class Child {
public:
    explicit Child(const std::vector<std::string>& argv) {
        int out[2];
        REQUIRE(pipe(out) == 0);
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            dup2(out[1], STDOUT_FILENO);
            close(out[0]);
            close(out[1]);
            std::vector<char*> args;
            for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            execv(args[0], args.data());
            _exit(127);
        }
        close(out[1]);
        out_ = out[0];
    }
    ~Child() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        close(out_);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // Everything printed so far, without blocking.
    const std::string& output() {
        char buffer[4096];
        pollfd p{out_, POLLIN, 0};
        while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
            const ssize_t n = read(out_, buffer, sizeof buffer);
            if (n <= 0) break;
            text_.append(buffer, static_cast<std::size_t>(n));
        }
        return text_;
    }
    // SIGTERM, then its exit status (-1 if it had to be killed after 10 s).
    int stop() {
        kill(pid_, SIGTERM);
        int status = 0;
        const bool ended = wait_until([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, 10s);
        if (!ended) return -1;
        pid_ = -1;
        output();
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t pid_ = -1;
    int out_ = -1;
    std::string text_;
};

}  // namespace

TEST_CASE("the last push of a backlog fails in any way: everything is delivered within one backoff cap, unprompted") {
    const Fault faults[] = {Fault::refuse,   Fault::hang,     Fault::reset_before, Fault::cut_after_commit,
                            Fault::http_500, Fault::http_503, Fault::http_429,     Fault::http_409};
    // 20 tickets in batches of 5: the last push (or the last two, which are on their way
    // together) fails, and so does every retry, until the fault is lifted.
    for (const int failing : {1, 2}) {
        for (const Fault fault : faults) {
            const std::string name = fault_name(fault);
            CAPTURE(name);
            CAPTURE(failing);
            hub::HubOptions patient;
            patient.follow_wait_ms = 30000;  // a loaded machine's slow commit is no out_of_sequence of its own
            HubFixture hub(patient);
            const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
            FaultProxy proxy(hub.hub().port());
            const auto options = kiosk_options(hub.dir() / "kiosk.db", "kiosk-a", 'A');
            const auto ids = issue_named_tickets(options, 20);
            proxy.fault_pushes(fault, failing == 1 ? std::vector{ids[15]} : std::vector{ids[10], ids[15]});
            auto settings = retry_options(hub.connection(kiosk.token, proxy.url()), /*pull=*/false);
            settings.batch_size = 5;
            auto engine = start_engine(options, settings);

            const auto failed_once = [&] { return proxy.faulted_connections() >= 1 && engine->status().failures >= 1; };
            REQUIRE(wait_until(failed_once, 15s));
            const auto failed = engine->status();
            CAPTURE(failed.last_error);
            CHECK_FALSE(failed.online);
            CHECK(failed.outbox_depth == 5 * failing);
            CHECK_FALSE(failed.last_error.empty());
            if (fault != Fault::cut_after_commit) CHECK(hub.event_count() == 20 - 5 * failing);

            proxy.set_fault(Fault::none);  // the hub is healthy again; nobody takes a ticket
            check_delivered_within_one_cap(*engine);
            check_hub_holds(hub.dir() / "hub" / "hub.db", ids);
        }
    }
}

TEST_CASE("a ticket written with no wake-up for the engine still reaches the hub within one backoff cap") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    const auto options = kiosk_options(hub.dir() / "kiosk.db", "kiosk-a", 'A');
    const auto first = issue_named_tickets(options, 1);
    auto engine = start_engine(options, retry_options(hub.connection(kiosk.token), /*pull=*/false));
    REQUIRE(wait_until([&] { return engine->status().outbox_depth == 0; }, 10s));
    // Another program (skranke-cli issue, or a kiosk whose notify was lost) writes the store.
    const auto second = issue_named_tickets(options, 1);
    const auto written = std::chrono::steady_clock::now();
    REQUIRE(wait_until([&] { return hub.copies_of(second.front()) == 1; }, backoff_cap + call_time, 5ms));
    CHECK(std::chrono::steady_clock::now() - written <= backoff_cap + call_time);
    CHECK(hub.copies_of(first.front()) == 1);
}

TEST_CASE("an engine whose pushes fail is not online, even while the hub answers its log reads") {
    HubFixture hub;
    const auto kiosk = hub.enrol(Role::kiosk, "kiosk-a");
    FaultProxy proxy(hub.hub().port());
    const auto options = kiosk_options(hub.dir() / "kiosk.db", "kiosk-a", 'A');
    const auto ids = issue_named_tickets(options, 20);
    proxy.fault_pushes(Fault::http_500, {ids.front()});  // every push starts there; log reads pass
    auto engine = start_engine(options, retry_options(hub.connection(kiosk.token, proxy.url()), /*pull=*/true));

    REQUIRE(wait_until([&] { return engine->status().failures >= 2 && engine->status().last_sync_ms; }, 15s));
    // A log read answered after pushes had failed: the hub is there, the outbox is stuck.
    const std::int64_t read_at = *engine->status().last_sync_ms;
    REQUIRE(wait_until([&] { return *engine->status().last_sync_ms > read_at; }, 10s));
    const auto status = engine->status();
    CHECK_FALSE(status.online);
    CHECK(status.outbox_depth == 20);
    CHECK(status.last_error.find("push") != std::string::npos);

    proxy.set_fault(Fault::none);
    check_delivered_within_one_cap(*engine);
    check_hub_holds(hub.dir() / "hub" / "hub.db", ids);
}

TEST_CASE("the hub is down when the engine starts and comes up 3 s later: the backlog goes, unprompted") {
    TempDir dir;
    HubProcess hub(dir / "hub");
    hub.start();
    const sync::Connection connection = enrol_kiosk(hub, hub.url());
    hub.kill_hard();

    const auto options = kiosk_options(dir / "kiosk.db", "kiosk-a", 'A');
    const auto ids = issue_named_tickets(options, 20);
    const auto started = std::chrono::steady_clock::now();
    auto engine = start_engine(options, retry_options(connection, /*pull=*/true));
    const auto down_3s = [&] {
        return engine->status().failures >= 2 && std::chrono::steady_clock::now() - started >= 3s;
    };
    REQUIRE(wait_until(down_3s, 10s));
    CHECK_FALSE(engine->status().online);
    CHECK(engine->status().outbox_depth == 20);

    hub.start();
    check_delivered_within_one_cap(*engine);
    check_hub_holds(dir / "hub" / "hub.db", ids);
}

TEST_CASE("the hub is killed while the only push is on its way and restarted at once: the backlog goes, unprompted") {
    TempDir dir;
    HubProcess hub(dir / "hub");
    hub.start();
    FaultProxy proxy(hub.port());
    const sync::Connection connection = enrol_kiosk(hub, proxy.url());

    const auto options = kiosk_options(dir / "kiosk.db", "kiosk-a", 'A');
    const auto ids = issue_named_tickets(options, 20);
    proxy.fault_pushes(Fault::hang, {ids.front()}, 1);  // the only push is held on its way to the hub
    auto engine = start_engine(options, retry_options(connection, /*pull=*/true));
    REQUIRE(wait_until([&] { return proxy.faulted_connections() == 1; }, 10s));
    const auto failures = engine->status().failures;

    hub.kill_hard();  // the held push dies with the hub
    hub.start();
    REQUIRE(wait_until([&] { return engine->status().failures > failures; }, 10s));
    check_delivered_within_one_cap(*engine);
    check_hub_holds(dir / "hub" / "hub.db", ids);
}

TEST_CASE("skranke-sync run started while the hub is down delivers once it is up, and says offline until then") {
    TempDir dir;
    HubProcess hub(dir / "hub");
    hub.start();
    const auto options = kiosk_options(dir / "kiosk.db", "kiosk-a", 'A');
    const auto ids = issue_named_tickets(options, 20);
    const std::string enrol = std::string(SKRANKE_SYNC_TOOL) + " --store " + options.path.string() + " enrol --hub " +
                              hub.url() + " --code " + hub.enrol_code("kiosk") + " > /dev/null";
    REQUIRE(std::system(enrol.c_str()) == 0);
    hub.kill_hard();

    Child run({SKRANKE_SYNC_TOOL, "--store", options.path.string(), "run"});
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(wait_until([&] { return run.output().find("offline  outbox 20") != std::string::npos; }, 10s));
    wait_until([&] { return std::chrono::steady_clock::now() - started >= 3s; }, 5s);
    hub.start();
    // The product's backoff cap (30 s) bounds it; the hub answers the next attempt.
    const auto unacknowledged = [&] {
        return query_int(options.path, "SELECT count(*) FROM outbox WHERE acked_ms IS NULL");
    };
    const bool delivered = wait_until([&] { return unacknowledged() == 0; }, 30s + 2 * call_time, 50ms);
    REQUIRE_MESSAGE(delivered, "skranke-sync printed:\n" << run.output());
    REQUIRE(wait_until([&] { return run.output().find("online   outbox 0") != std::string::npos; }, 10s));
    CHECK(run.stop() == 0);
    check_hub_holds(dir / "hub" / "hub.db", ids);
    // Never "online" while the tickets were stuck.
    std::istringstream lines(run.output());
    for (std::string line; std::getline(lines, line);) {
        CAPTURE(line);
        CHECK_FALSE((line.rfind("online", 0) == 0 && line.find("outbox 20") != std::string::npos));
    }
}
