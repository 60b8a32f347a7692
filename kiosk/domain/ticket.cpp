#include "domain/ticket.hpp"

#include <array>
#include <cstdio>
#include <utility>

namespace skranke {
namespace {

constexpr std::array<std::pair<Channel, std::string_view>, 3> channel_names{{
    {Channel::walk_in, "walk_in"},
    {Channel::appointment, "appointment"},
    {Channel::callback, "callback"},
}};

constexpr std::array<std::pair<TicketState, std::string_view>, 6> state_names{{
    {TicketState::waiting, "waiting"},
    {TicketState::called, "called"},
    {TicketState::served, "served"},
    {TicketState::no_show, "no_show"},
    {TicketState::cancelled, "cancelled"},
    {TicketState::transferred, "transferred"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
    for (const auto& [v, name] : names)
        if (v == value) return name;
    return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& names,
                             std::string_view text) {
    for (const auto& [v, name] : names)
        if (name == text) return v;
    return std::nullopt;
}

}  // namespace

std::string_view to_string(Channel channel) { return name_of(channel_names, channel); }
std::string_view to_string(TicketState state) { return name_of(state_names, state); }
std::optional<Channel> channel_from_string(std::string_view text) { return value_of(channel_names, text); }
std::optional<TicketState> ticket_state_from_string(std::string_view text) {
    return value_of(state_names, text);
}

std::string TicketNumber::text() const {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%c %03d", letter, sequence);
    return buffer;
}

std::string TicketNumber::spoken_text() const {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%c %d", letter, sequence);
    return buffer;
}

bool is_status_token(std::string_view text) {
    if (text.size() != status_token_chars) return false;
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

}  // namespace skranke
