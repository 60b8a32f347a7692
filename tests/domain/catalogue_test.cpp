// The service catalogue: what the visitor can choose, loaded from assets/services.toml.
#include <doctest/doctest.h>

#include <set>

#include "domain/service_catalogue.hpp"
#include "support/temp_dir.hpp"

using namespace skranke;

TEST_CASE("the shipped catalogue holds NAV's needs with the emergencies marked urgent") {
    auto catalogue = ServiceCatalogue::load_file(test::asset_dir() / "services.toml");
    REQUIRE_MESSAGE(catalogue.ok(), (catalogue.ok() ? "" : catalogue.error().detail));
    std::set<std::string> ids;
    for (const Need& need : catalogue->needs()) ids.insert(need.id);
    for (const char* id : {"emergency_food", "emergency_housing", "emergency_power", "social_living_costs",
                           "social_rent", "social_power_heating", "unemployment_benefit", "sickness_care_benefit",
                           "digital_help", "financial_advice", "deliver_documents", "appointment", "work_and_jobs",
                           "other"})
        CHECK_MESSAGE(ids.count(id) == 1, id);

    int emergencies = 0, appointments = 0;
    for (const Need& need : catalogue->needs()) {
        CHECK(need.text_key == "need." + need.id);
        CHECK_FALSE(need.pictogram.empty());
        CHECK_FALSE(need.queue_group.empty());
        if (need.emergency) {
            ++emergencies;
            CHECK(need.default_priority == Priority::urgent);
            CHECK(catalogue->is_urgent(need.id, false));
        }
        if (need.appointment) ++appointments;
    }
    CHECK(emergencies == 3);
    CHECK(appointments == 1);
    CHECK_FALSE(catalogue->is_urgent("social_rent", false));
    CHECK(catalogue->is_urgent("social_rent", true));
}

TEST_CASE("an emergency need is urgent even if its file says normal") {
    auto catalogue = ServiceCatalogue::load_text(R"(
[[need]]
id = "no_food"
text = "need.no_food"
pictogram = "food"
group = "emergency"
priority = "normal"
emergency = true
)");
    REQUIRE(catalogue.ok());
    CHECK(catalogue->needs().front().default_priority == Priority::urgent);
    CHECK(catalogue->is_urgent("no_food", false));
}

TEST_CASE("a broken catalogue is refused with a message that says where") {
    const auto refused = [](std::string_view text, CatalogueErrorKind kind, std::string_view needle) {
        auto catalogue = ServiceCatalogue::load_text(text);
        REQUIRE_FALSE(catalogue.ok());
        CHECK(catalogue.error().kind == kind);
        CHECK_MESSAGE(catalogue.error().detail.find(needle) != std::string::npos, catalogue.error().detail);
    };
    refused("[[need]\nid=", CatalogueErrorKind::syntax, "line");
    refused("", CatalogueErrorKind::invalid, "no [[need]]");
    refused("[[need]]\nid = \"a\"\ntext = \"t\"\npictogram = \"p\"\n", CatalogueErrorKind::invalid, "group");
    refused("[[need]]\nid = \"Bad Id\"\ntext = \"t\"\npictogram = \"p\"\ngroup = \"g\"\n", CatalogueErrorKind::invalid,
            "a-z");
    refused("[[need]]\nid = \"a\"\ntext = \"t\"\npictogram = \"p\"\ngroup = \"g\"\npriority = \"soon\"\n",
            CatalogueErrorKind::invalid, "priority");
    refused("[[need]]\nid = \"a\"\ntext = \"t\"\npictogram = \"p\"\ngroup = \"g\"\nemergency = \"yes\"\n",
            CatalogueErrorKind::invalid, "emergency");
    refused("[[need]]\nid = \"a\"\ntext = \"t\"\npictogram = \"p\"\ngroup = \"g\"\n"
            "[[need]]\nid = \"a\"\ntext = \"t\"\npictogram = \"p\"\ngroup = \"g\"\n",
            CatalogueErrorKind::invalid, "twice");
    refused("[[need]]\nid = 7\ntext = \"t\"\npictogram = \"p\"\ngroup = \"g\"\n", CatalogueErrorKind::invalid, "#1");
    const std::string need = "[[need]]\nid = \"a\"\ntext = \"t\"\npictogram = \"p\"\ngroup = \"g\"\n";
    refused("counters = \"1, 2\"\n" + need, CatalogueErrorKind::invalid, "'counters' must be a list");
    refused("counters = []\n" + need, CatalogueErrorKind::invalid, "'counters' must be a list");
    refused("counters = [\"1\", 2]\n" + need, CatalogueErrorKind::invalid, "counter #2");
    refused("counters = [\"1\", \"\"]\n" + need, CatalogueErrorKind::invalid, "counter #2");
    refused("counters = [\"1\", \"" + std::string(33, 'x') + "\"]\n" + need, CatalogueErrorKind::invalid, "counter #2");
    refused("counters = [\"1\", \"2\\t\"]\n" + need, CatalogueErrorKind::invalid, "counter #2");
    refused("counters = [\"1\", \"2\", \"1\"]\n" + need, CatalogueErrorKind::invalid, "counter #3 ('1') appears twice");
}

TEST_CASE("the office's counters: listed ones only, or any counter name when the file lists none") {
    auto shipped = ServiceCatalogue::load_file(test::asset_dir() / "services.toml");
    REQUIRE(shipped.ok());
    CHECK(shipped->counters() == std::vector<std::string>{"1", "2", "3", "4"});
    CHECK(shipped->knows_counter("4"));
    CHECK_FALSE(shipped->knows_counter("5"));
    CHECK_FALSE(shipped->knows_counter(""));
    auto named = ServiceCatalogue::load_text(
        "counters = [\"Skranke 1\", \"Rom 2\"]\n[[need]]\nid = \"a\"\ntext = \"t\"\npictogram = \"p\"\ngroup = \"g\"\n");
    REQUIRE(named.ok());
    CHECK(named->knows_counter("Rom 2"));
    CHECK_FALSE(named->knows_counter("2"));
    auto open = ServiceCatalogue::load_text("[[need]]\nid = \"a\"\ntext = \"t\"\npictogram = \"p\"\ngroup = \"g\"\n");
    REQUIRE(open.ok());
    CHECK(open->counters().empty());
    CHECK(open->knows_counter("17"));
    CHECK_FALSE(open->knows_counter(""));
    CHECK_FALSE(open->knows_counter(std::string(33, '7')));
}

TEST_CASE("a missing catalogue file is reported as unreadable with its path") {
    test::TempDir dir;
    auto catalogue = ServiceCatalogue::load_file(dir / "missing.toml");
    REQUIRE_FALSE(catalogue.ok());
    CHECK(catalogue.error().kind == CatalogueErrorKind::unreadable);
    CHECK(catalogue.error().detail.find("missing.toml") != std::string::npos);
}
