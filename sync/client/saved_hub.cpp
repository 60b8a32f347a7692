#include "client/saved_hub.hpp"

namespace skranke::sync {

namespace {
constexpr const char* url_key = "hub_url";
constexpr const char* token_key = "hub_token";
constexpr const char* ca_key = "hub_ca_file";
constexpr const char* pin_key = "hub_pinned_public_key";
}  // namespace

StoreResult<std::optional<Connection>> load_saved_hub(SyncStore& store) {
    Connection c;
    for (auto [key, field] : {std::pair{url_key, &c.hub_url}, std::pair{token_key, &c.token},
                              std::pair{ca_key, &c.ca_file}, std::pair{pin_key, &c.pinned_public_key}}) {
        auto value = store.state_value(key);
        if (!value) return value.error();
        if (*value) *field = **value;
    }
    if (c.hub_url.empty() || c.token.empty()) return std::optional<Connection>();
    return std::optional<Connection>(std::move(c));
}

StoreResult<Done> save_hub(SyncStore& store, const Connection& c) {
    for (auto [key, value] : {std::pair{url_key, &c.hub_url}, std::pair{token_key, &c.token},
                              std::pair{ca_key, &c.ca_file}, std::pair{pin_key, &c.pinned_public_key}})
        if (auto saved = store.set_state_value(key, *value); !saved) return saved.error();
    return Done{};
}

}  // namespace skranke::sync
