// notify.toml and the credentials file: every wrong key named, secrets kept to their owner,
// and the gateway's templates filled with each value escaped for where it goes.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include "notify/notify_config.hpp"
#include "notify/notify_plan.hpp"
#include "notify/sms_gateway.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;
using namespace skranke::notify;
using namespace skranke::test;

namespace {

const std::string good = "[gateway]\nurl = \"https://sms.example.no/send\"\nbody = '{\"to\": \"{phone}\", \"text\": \"{text}\"}'\n";

std::string error_of(const std::string& text) {
    auto parsed = parse_notify_config(text, "notify.toml");
    return parsed ? std::string("(accepted)") : parsed.error();
}

}  // namespace

TEST_CASE("every wrong setting is refused naming its key") {
    CHECK(parse_notify_config(good, "notify.toml").ok());
    CHECK(error_of("") == "notify.toml: gateway.url must be set: the SMS provider's address");
    CHECK(error_of(good + "[retry]\ntries = 0\n") == "notify.toml: retry.tries must be a whole number from 1 to 50");
    CHECK(error_of(good + "[retry]\nfirst_wait_ms = \"1s\"\n").find("retry.first_wait_ms must be a whole number") !=
          std::string::npos);
    CHECK(error_of("time_zone = \"Mars/Olympus\"\n" + good).find("time_zone must be a time zone name") != std::string::npos);
    CHECK(error_of("gatway = 1\n" + good).find("gatway is not a setting of skranke-notify") != std::string::npos);
    CHECK(error_of(good + "retries = 3\n").find("gateway.retries is not a setting") != std::string::npos);
    CHECK(error_of(good + "encoding = \"xml\"\n").find("gateway.encoding must be json or form") != std::string::npos);
    CHECK(error_of(good + "method = \"DELETE\"\n").find("gateway.method must be POST, PUT or GET") != std::string::npos);
    CHECK(error_of("[gateway]\nurl = \"ftp://x\"\nbody = \"b\"\n").find("gateway.url must start with https://") !=
          std::string::npos);
    CHECK(error_of("[gateway]\nurl = \"https://x\"\n").find("gateway.body must be set") != std::string::npos);
    CHECK(error_of(good + "headers = [\"no colon here\"]\n").find("gateway.headers must hold lines") != std::string::npos);
    CHECK(error_of("store = 5\n" + good) == "notify.toml: store must be text in quotes");
    CHECK(error_of("gateway = 3\n").find("gateway must be a section") != std::string::npos);
    CHECK(error_of(good + "[retry]\nfirst_wait_ms = 5000\nmax_wait_ms = 1000\n").find("retry.first_wait_ms must not be above") !=
          std::string::npos);
    CHECK(error_of("[gateway\n").find("notify.toml: ") == 0);
}

TEST_CASE("the shipped example notify.toml reads, with the packaged paths") {
    auto shipped = load_notify_config(std::filesystem::path(SKRANKE_SOURCE_DIR) / "packaging/etc/notify.toml");
    REQUIRE_MESSAGE(shipped.ok(), (shipped.ok() ? "" : shipped.error()));
    CHECK(shipped->store == "/var/lib/skranke/notify/notify.db");
    CHECK(shipped->credentials == "/etc/skranke/notify-credentials.toml");
    CHECK(check_templates(shipped->gateway, {{"token", "t"}}).ok());
}

TEST_CASE("a credentials file others may read is refused naming the file; a slot without its secret too") {
    TempDir dir;
    const auto file = dir / "credentials.toml";
    save_file(file, "token = \"abc\"\n");
    chmod(file.c_str(), 0644);
    auto open = load_credentials(file);
    REQUIRE_FALSE(open.ok());
    CHECK(open.error().find(file.string()) == 0);
    CHECK(open.error().find("chmod 600") != std::string::npos);
    chmod(file.c_str(), 0640);
    CHECK_FALSE(load_credentials(file).ok());
    chmod(file.c_str(), 0600);
    auto credentials = load_credentials(file);
    REQUIRE(credentials.ok());
    CHECK(credentials->at("token") == "abc");

    GatewayConfig gateway = parse_notify_config(good, "n").value().gateway;
    gateway.headers = {"Authorization: Bearer {secret.token}"};
    CHECK(check_templates(gateway, *credentials).ok());
    gateway.headers = {"Authorization: Bearer {secret.password}"};
    CHECK(check_templates(gateway, *credentials).error() ==
          "gateway.headers uses {secret.password}, but the credentials file has no password");
    gateway.headers = {};
    gateway.body = "{\"to\": \"{telefon}\"}";
    CHECK(check_templates(gateway, *credentials).error().find("gateway.body uses {telefon}") == 0);

    save_file(file, "token = \"abc\"\npassword = 5\n");
    chmod(file.c_str(), 0600);
    CHECK(load_credentials(file).error() == file.string() + ": password must be text in quotes");
    save_file(file, "token = \"half-a-secret\n");  // a parse error never quotes the line
    chmod(file.c_str(), 0600);
    CHECK(load_credentials(file).error().find("half-a-secret") == std::string::npos);
}

TEST_CASE("skranke-notify run refuses to start with credentials others may read, and says which file") {
    TempDir dir;
    const auto credentials = dir / "credentials.toml";
    save_file(credentials, "token = \"abc\"\n");
    chmod(credentials.c_str(), 0644);
    const auto config = dir / "notify.toml";
    save_file(config, "store = \"" + (dir / "notify.db").string() + "\"\ncredentials = \"" + credentials.string() + "\"\n" + good);
    const auto ran = run_command(std::string(SKRANKE_NOTIFY) + " run --config " + config.string());
    CHECK(ran.status == 1);
    CHECK(ran.output.find(credentials.string() + ": the credentials file may be read") != std::string::npos);
    CHECK(ran.output.find("abc") == std::string::npos);

    save_file(config, good + "[retry]\ntries = 99\n");
    const auto bad = run_command(std::string(SKRANKE_NOTIFY) + " status --config " + config.string());
    CHECK(bad.status == 1);
    CHECK(bad.output.find(config.string() + ": retry.tries must be a whole number from 1 to 50") != std::string::npos);
}

TEST_CASE("the gateway's templates: JSON-escaped or URL-encoded values, the key in its header, secrets filled") {
    GatewayConfig gateway;
    gateway.url = "https://sms.example.no/send?to={phone}";
    gateway.body = "{\"to\": \"{phone}\", \"text\": \"{text}\", \"ref\": \"{key}\"}";
    gateway.headers = {"Authorization: Basic {secret.auth}"};
    const Credentials credentials{{"auth", "dXNlcjpwYXNz"}};
    const SmsMessage message{"+47 912", "Nummer \"B 017\"\nGå til skranke 3", "skranke-notify-x:4-called"};
    auto request = render_request(gateway, credentials, message);
    CHECK(request.url == "https://sms.example.no/send?to=%2B47%20912");
    CHECK(request.body ==
          "{\"to\": \"+47 912\", \"text\": \"Nummer \\\"B 017\\\"\\nGå til skranke 3\", \"ref\": \"skranke-notify-x:4-called\"}");
    CHECK(request.headers[0] == "Authorization: Basic dXNlcjpwYXNz");
    CHECK(request.headers[1] == "Idempotency-Key: skranke-notify-x:4-called");
    CHECK(request.headers[2] == "Content-Type: application/json; charset=utf-8");

    gateway.encoding = BodyEncoding::form;
    gateway.body = "to={phone}&message={text}";
    request = render_request(gateway, credentials, message);
    CHECK(request.body == "to=%2B47%20912&message=Nummer%20%22B%20017%22%0AG%C3%A5%20til%20skranke%203");
    CHECK(request.headers[2] == "Content-Type: application/x-www-form-urlencoded");

    CHECK(sms_key("notify-ab:7", NotifyKind::near_front) == "skranke-notify-ab:7-near_front");
    CHECK(template_slots("{\"a\": \"{phone}\", {x.y}, {}, {bad slot}") == std::vector<std::string>{"phone", "x.y"});
}
