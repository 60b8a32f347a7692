// Errors as values: expected failures (disk full, bad phone number, hub unreachable)
// travel as Result<T>, never as exceptions across module boundaries.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace skranke {

// What went wrong, for code (kind), for people (message_key is a translation key the UI
// shows) and for IT (detail: technical text, never personal data).
template <typename Kind>
struct ErrorOf {
    Kind kind{};
    std::string message_key;
    std::string detail;
};

template <typename T, typename E>
class Result {
public:
    Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
    Result(E error) : data_(std::move(error)) {}  // NOLINT: implicit by design

    bool ok() const { return std::holds_alternative<T>(data_); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(data_); }
    const T& value() const& { return std::get<T>(data_); }
    T&& value() && { return std::get<T>(std::move(data_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const E& error() const { return std::get<E>(data_); }

private:
    std::variant<T, E> data_;
};

// For operations that succeed with nothing to return.
struct Done {};

}  // namespace skranke
