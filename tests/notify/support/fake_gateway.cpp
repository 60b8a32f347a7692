#include "support/fake_gateway.hpp"

#include <stdexcept>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace skranke::test {

FakeGateway::FakeGateway() { listen(); }

FakeGateway::~FakeGateway() { switch_off(); }

void FakeGateway::listen() {
    server_ = std::make_unique<httplib::Server>();
    server_->Post("/sms", [this](const httplib::Request& request, httplib::Response& response) {
        const auto body = nlohmann::json::parse(request.body, nullptr, false);
        GatewayMessage message;
        if (body.is_object() && body.value("to", nlohmann::json()).is_string() &&
            body.value("text", nlohmann::json()).is_string()) {
            message.phone = body["to"].get<std::string>();
            message.text = body["text"].get<std::string>();
        }
        message.key = request.get_header_value("Idempotency-Key");
        message.at = std::chrono::steady_clock::now();
        message.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
        std::unique_lock lock(mutex_);
        ++requests_;
        if (!message.phone.empty() && message.phone == hang_phone_) {
            ++hanging_;
            arrived_.notify_all();
            arrived_.wait_for(lock, std::chrono::seconds(20), [&] { return hang_phone_.empty(); });
            --hanging_;
            response.status = 504;
            return;
        }
        if (message.phone.empty() || message.key.empty()) {
            response.status = 400;  // what a provider says to a malformed request
        } else if (fail_left_ > 0) {
            --fail_left_;
            ++refused_503_;
            response.status = 503;
        } else if (keys_.count(message.key)) {
            ++absorbed_;  // the provider's idempotency: the same key is one message
            response.set_content(R"({"status":"already_delivered"})", "application/json");
        } else {
            keys_[message.key] = true;
            delivered_.push_back(std::move(message));
            response.set_content(R"({"status":"queued"})", "application/json");
        }
        arrived_.notify_all();
    });
    const int wanted = port_;
    if (port_ == 0) {
        port_ = server_->bind_to_any_port("127.0.0.1");
        if (port_ <= 0) throw std::runtime_error("fake gateway: no port");
    } else if (!server_->bind_to_port("127.0.0.1", wanted)) {
        throw std::runtime_error("fake gateway: port " + std::to_string(wanted) + " taken");
    }
    // The socket listens from bind on: a request made before the thread accepts waits in the backlog.
    thread_ = std::thread([this] { server_->listen_after_bind(); });
}

void FakeGateway::fail_next(int count) {
    std::lock_guard lock(mutex_);
    fail_left_ = count;
}

void FakeGateway::hang_for(const std::string& phone) {
    std::lock_guard lock(mutex_);
    hang_phone_ = phone;
}

void FakeGateway::release() {
    {
        std::lock_guard lock(mutex_);
        hang_phone_.clear();
    }
    arrived_.notify_all();
}

int FakeGateway::hanging() const {
    std::lock_guard lock(mutex_);
    return hanging_;
}

void FakeGateway::switch_off() {
    release();
    if (!server_) return;
    server_->stop();
    thread_.join();
    server_.reset();
}

void FakeGateway::switch_on() {
    if (!server_) listen();
}

std::vector<GatewayMessage> FakeGateway::delivered() const {
    std::lock_guard lock(mutex_);
    return delivered_;
}

int FakeGateway::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

int FakeGateway::absorbed() const {
    std::lock_guard lock(mutex_);
    return absorbed_;
}

int FakeGateway::refused_503() const {
    std::lock_guard lock(mutex_);
    return refused_503_;
}

bool FakeGateway::wait_delivered(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return delivered_.size() >= count; });
}

bool FakeGateway::wait_requests(int count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return requests_ >= count; });
}

}  // namespace skranke::test
