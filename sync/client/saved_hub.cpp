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

Result<Enrolment, std::string> enrol_and_save(SyncStore& store, Connection& connection, const std::string& code,
                                              const std::string& device_id, std::string_view role) {
    auto enrolled = enrol_device(connection, code, device_id, role);
    if (!enrolled) return "enrolment failed: " + enrolled.error();
    if (!role.empty() && enrolled->role != role)  // a hub that does not check the role itself
        return "the code was made for role " + enrolled->role + ", and this is a " + std::string(role) +
               " device: make one with `skranke-hub enrol-code --role " + std::string(role) + "`";
    connection.token = enrolled->token;
    if (auto saved = save_hub(store, connection); !saved) return "cannot keep the hub settings: " + saved.error().detail;
    return enrolled;
}

bool write_sync_status(std::ostream& out, Store& store, SyncStore& sync_store) {
    auto hub = load_saved_hub(sync_store);
    auto depth = store.outbox_depth();
    auto cursor = sync_store.cursor();
    auto dead = sync_store.dead_letters();
    if (!hub || !depth || !cursor || !dead) return false;
    std::string hubs = "(not enrolled)";
    if (*hub) {
        hubs.clear();
        for (const std::string& url : parse_hub_urls((*hub)->hub_url)) hubs += (hubs.empty() ? "" : ", ") + url;
    }
    out << "device:       " << store.device_id() << "\n"
        << "hub:          " << hubs << "\n"
        << "outbox depth: " << *depth << "\n"
        << "log cursor:   " << *cursor << "\n"
        << "dead letters: " << dead->size() << "\n";
    for (const auto& d : *dead) out << "  " << d.event_id << " " << d.type << " " << d.code << ": " << d.message << "\n";
    return true;
}

}  // namespace skranke::sync
