#include "domain/service_catalogue.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "domain/validation.hpp"

namespace skranke {
namespace {

CatalogueError invalid(std::string detail) {
    return CatalogueError{CatalogueErrorKind::invalid, "error.catalogue_invalid", std::move(detail)};
}

bool is_plain_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

// Reads one [[need]] table; names the need's position in every error so IT can find it.
Result<Need, CatalogueError> read_need(const toml::table& table, std::size_t index) {
    const std::string where = "need #" + std::to_string(index + 1);
    Need need;
    const auto text_field = [&](std::string_view key, std::string& out) -> std::optional<CatalogueError> {
        const auto* value = table.get(key);
        if (value == nullptr) return invalid(where + ": missing '" + std::string(key) + "'");
        const auto* text = value->as_string();
        if (text == nullptr || text->get().empty())
            return invalid(where + ": '" + std::string(key) + "' must be non-empty text");
        out = text->get();
        return std::nullopt;
    };
    for (auto [key, out] : {std::pair<std::string_view, std::string*>{"id", &need.id},
                            {"text", &need.text_key},
                            {"pictogram", &need.pictogram},
                            {"group", &need.queue_group}})
        if (auto error = text_field(key, *out)) return *error;
    if (!is_plain_id(need.id)) return invalid(where + ": id '" + need.id + "' may only use a-z, 0-9 and _");

    std::string priority = "normal";
    if (table.contains("priority")) {
        if (auto error = text_field("priority", priority)) return *error;
    }
    if (priority == "urgent") need.default_priority = Priority::urgent;
    else if (priority != "normal") return invalid(where + " (" + need.id + "): priority must be normal or urgent");

    for (auto [key, out] : {std::pair<std::string_view, bool*>{"emergency", &need.emergency},
                            {"appointment", &need.appointment}}) {
        if (const auto* value = table.get(key)) {
            const auto* flag = value->as_boolean();
            if (flag == nullptr) return invalid(where + " (" + need.id + "): '" + std::string(key) + "' must be true or false");
            *out = flag->get();
        }
    }
    if (need.emergency) need.default_priority = Priority::urgent;  // urgent by definition
    if (need.emergency && need.appointment)
        return invalid(where + " (" + need.id + "): a need cannot be both emergency and appointment");
    return need;
}

}  // namespace

Result<ServiceCatalogue, CatalogueError> ServiceCatalogue::load_text(std::string_view toml_text) {
    toml::table root;
    try {
        root = toml::parse(toml_text);
    } catch (const toml::parse_error& error) {
        std::ostringstream detail;
        detail << error.description() << " at line " << error.source().begin.line;
        return CatalogueError{CatalogueErrorKind::syntax, "error.catalogue_invalid", detail.str()};
    }
    const auto* list = root.get_as<toml::array>("need");
    if (list == nullptr || list->empty()) return invalid("the catalogue has no [[need]] entries");

    ServiceCatalogue catalogue;
    std::set<std::string> seen;
    int appointments = 0;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto* table = list->get(i)->as_table();
        if (table == nullptr) return invalid("need #" + std::to_string(i + 1) + " is not a table");
        auto need = read_need(*table, i);
        if (!need) return need.error();
        if (!seen.insert(need->id).second) return invalid("need id '" + need->id + "' appears twice");
        if (need->appointment) ++appointments;
        catalogue.needs_.push_back(std::move(need.value()));
    }
    if (appointments > 1) return invalid("more than one need is marked appointment = true");

    if (const toml::node* counters = root.get("counters")) {
        const auto* names = counters->as_array();
        if (names == nullptr || names->empty()) return invalid("'counters' must be a list of counter names, like [\"1\", \"2\"]");
        std::set<std::string> known;
        for (std::size_t i = 0; i < names->size(); ++i) {
            const auto name = names->get(i)->value<std::string>();
            const std::string where = "counter #" + std::to_string(i + 1);
            if (!name || !names->get(i)->is_string() || !is_counter_name(*name))
                return invalid(where + " must be a name of 1-" + std::to_string(max_counter_bytes) +
                               " bytes without control characters");
            if (!known.insert(*name).second) return invalid(where + " ('" + *name + "') appears twice");
            catalogue.counters_.push_back(*name);
        }
    }
    return catalogue;
}

Result<ServiceCatalogue, CatalogueError> ServiceCatalogue::load_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return CatalogueError{CatalogueErrorKind::unreadable, "error.catalogue_invalid", "cannot read " + path.string()};
    std::ostringstream text;
    text << file.rdbuf();
    auto loaded = load_text(text.str());
    if (!loaded) {
        CatalogueError error = loaded.error();
        error.detail = path.string() + ": " + error.detail;
        return error;
    }
    return loaded;
}

const Need* ServiceCatalogue::find(std::string_view id) const {
    for (const Need& need : needs_)
        if (need.id == id) return &need;
    return nullptr;
}

bool ServiceCatalogue::knows_counter(std::string_view counter) const {
    if (counters_.empty()) return is_counter_name(counter);
    return std::find(counters_.begin(), counters_.end(), counter) != counters_.end();
}

bool ServiceCatalogue::is_urgent(std::string_view need_id, bool visitor_said_urgent) const {
    const Need* need = find(need_id);
    if (need != nullptr && (need->emergency || need->default_priority == Priority::urgent)) return true;
    return visitor_said_urgent;
}

}  // namespace skranke
