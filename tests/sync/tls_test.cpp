// HTTPS between device and hub: the hub serves TLS when given a certificate, refuses plain
// HTTP off loopback, and the engine verifies the hub (CA file, optional pinned key).
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "domain/office_time.hpp"
#include "support/hub_fixture.hpp"
#include "support/loopback.hpp"
#include "support/store_fixture.hpp"
#include "support/wait.hpp"

using namespace skranke;
using namespace skranke::test;
using namespace std::chrono_literals;

namespace {

// A self-signed certificate for 127.0.0.1, made with the openssl command line.
void make_certificate(const std::filesystem::path& dir, const std::string& name) {
    const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
                                " -addext subjectAltName=IP:127.0.0.1 -keyout " + (dir / (name + ".key")).string() +
                                " -out " + (dir / (name + ".crt")).string() + " >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
}

std::string pin_of(const std::filesystem::path& cert) {
    const auto out = cert.string() + ".pin";
    const std::string command = "openssl x509 -in " + cert.string() + " -pubkey -noout | openssl pkey -pubin -outform der"
                                " | openssl dgst -sha256 -binary | openssl base64 > " + out;
    REQUIRE(std::system(command.c_str()) == 0);
    auto lines = std::ifstream(out);
    std::string pin;
    std::getline(lines, pin);
    return "sha256//" + pin;
}

}  // namespace

TEST_CASE("plain HTTP is refused anywhere but loopback") {
    TempDir dir;
    hub::HubOptions options;
    options.host = "0.0.0.0";
    options.data_dir = dir / "hub";
    const auto started = hub::Hub::start(options);
    REQUIRE_FALSE(started.ok());
    CHECK(started.error().find("loopback") != std::string::npos);
    CHECK(hub::is_loopback_host("127.0.0.1"));
    CHECK(hub::is_loopback_host("::1"));
    CHECK_FALSE(hub::is_loopback_host("10.0.0.5"));
}

TEST_CASE("over TLS the engine syncs when the hub's certificate verifies, and not otherwise") {
    TempDir certs;
    make_certificate(certs.path(), "hub");
    make_certificate(certs.path(), "other");
    hub::HubOptions options;
    options.cert_file = certs / "hub.crt";
    options.key_file = certs / "hub.key";
    HubFixture hub(options);
    REQUIRE(hub.hub().tls());
    const std::string url = "https://127.0.0.1:" + std::to_string(hub.hub().port());

    auto trusted = hub.connection("", url);
    trusted.ca_file = (certs / "hub.crt").string();
    auto code = hub.store().create_enrol_code(protocol::Role::kiosk, wall_clock_ms(), 60000);
    auto enrolled = sync::enrol_device(trusted, *code, "kiosk-a");
    REQUIRE_MESSAGE(enrolled.ok(), (enrolled.ok() ? "" : enrolled.error()));
    trusted.token = enrolled->token;

    // The wrong CA, or the right CA with another key pinned: refused before anything is sent.
    auto wrong_ca = trusted;
    wrong_ca.ca_file = (certs / "other.crt").string();
    sync::HttpCall call;
    call.prepare(wrong_ca, "GET", "/v1/config", {}, {});
    CHECK_FALSE(call.perform().answered());
    auto wrong_pin = trusted;
    wrong_pin.pinned_public_key = pin_of(certs / "other.crt");
    call.prepare(wrong_pin, "GET", "/v1/config", {}, {});
    CHECK_FALSE(call.perform().answered());

    auto pinned = trusted;
    pinned.pinned_public_key = pin_of(certs / "hub.crt");
    const auto store_options = kiosk_options(hub.dir() / "kiosk.db", "kiosk-a", 'A');
    {
        auto store = Store::open(store_options);
        REQUIRE(store.ok());
        REQUIRE((*store)->issue_ticket(plain_request(), shipped_catalogue(), wall_clock_ms()).ok());
    }
    auto engine = sync::SyncEngine::start(store_options, engine_options(pinned));
    REQUIRE(engine.ok());
    REQUIRE(wait_until([&] { return (*engine)->status().outbox_depth == 0 && (*engine)->status().cursor == 1; }, 20s));
    CHECK(hub.copies_of("kiosk-a:1") == 1);
}

TEST_CASE("over TLS too: a silent or trickling handshake is closed on time, a chunked push over 4 MiB is refused") {
    TempDir certs;
    make_certificate(certs.path(), "hub");
    hub::HubOptions options;
    options.cert_file = certs / "hub.crt";
    options.key_file = certs / "hub.key";
    options.head_timeout_ms = 1500;
    HubFixture hub(options);
    // The hub's end shows as a readable socket that reads 0 (or a reset).
    const auto closed_by_hub = [](int fd) {
        pollfd p{fd, POLLIN, 0};
        char byte;
        return poll(&p, 1, 0) == 1 && recv(fd, &byte, 1, MSG_DONTWAIT) <= 0;
    };
    const int silent = connect_loopback(hub.hub().port()), trickle = connect_loopback(hub.hub().port());
    REQUIRE(silent >= 0);
    REQUIRE(trickle >= 0);
    const char hello[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";  // the start of a ClientHello
    const auto started = std::chrono::steady_clock::now();
    // One byte every 250 ms, the next only while the hub has not closed the connection.
    for (std::size_t i = 0; i + 1 < sizeof hello; ++i) {
        (void)send(trickle, hello + i, 1, MSG_NOSIGNAL);
        if (wait_until([&] { return closed_by_hub(trickle); }, 250ms)) break;
    }
    CHECK(wait_until([&] { return closed_by_hub(trickle) && closed_by_hub(silent); }, 3s));
    CHECK(std::chrono::steady_clock::now() - started < 4s);
    close(silent);
    close(trickle);

    auto device = hub.connection("", "https://127.0.0.1:" + std::to_string(hub.hub().port()));
    device.ca_file = (certs / "hub.crt").string();
    auto code = hub.store().create_enrol_code(protocol::Role::kiosk, wall_clock_ms(), 60000);
    auto enrolled = sync::enrol_device(device, *code, "kiosk-a");
    REQUIRE(enrolled.ok());
    device.token = enrolled->token;
    sync::HttpCall call;
    // libcurl sends the body chunked when asked to by this header.
    call.prepare(device, "POST", "/v1/events", std::string(protocol::max_body_bytes + 1024, ' '),
                 {"Transfer-Encoding: chunked"});
    const auto refused = call.perform();
    CHECK(refused.status == 413);
    CHECK(refused.error_code() == "body_too_large");
    call.prepare(device, "GET", "/v1/events?after=0", {}, {});
    CHECK(call.perform().status == 200);
}
