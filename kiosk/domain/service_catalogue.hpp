// The needs a visitor can choose from, loaded from assets/services.toml.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace skranke {

enum class Priority { normal, urgent };

struct Need {
    std::string id;            // stable id stored in tickets and events: "emergency_food"
    std::string text_key;      // translation key: "need.emergency_food"
    std::string pictogram;     // pictogram name drawn on the button: "food"
    std::string queue_group;   // reception filters by group: "social_assistance"
    Priority default_priority = Priority::normal;
    bool emergency = false;    // acute need: urgent by definition, shown distinct on the kiosk
    bool appointment = false;  // the appointment check-in need
};

enum class CatalogueErrorKind { unreadable, syntax, invalid };
using CatalogueError = ErrorOf<CatalogueErrorKind>;

class ServiceCatalogue {
public:
    static Result<ServiceCatalogue, CatalogueError> load_file(const std::filesystem::path& path);
    static Result<ServiceCatalogue, CatalogueError> load_text(std::string_view toml_text);

    const std::vector<Need>& needs() const { return needs_; }
    const Need* find(std::string_view id) const;
    // Urgency of a request for this need: emergencies are always urgent.
    bool is_urgent(std::string_view need_id, bool visitor_said_urgent) const;
    // The office's counters (`counters = [...]`), the only ones staff may sign in at, call to
    // and transfer to; empty when the file names none (then any counter name is taken).
    const std::vector<std::string>& counters() const { return counters_; }
    bool knows_counter(std::string_view counter) const;

private:
    std::vector<Need> needs_;
    std::vector<std::string> counters_;
};

}  // namespace skranke
