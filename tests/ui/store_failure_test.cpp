// If the store fails, the visitor is sent to the reception desk: no crash, no blank screen.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include "support/fault_vfs.hpp"
#include "support/headless_kiosk.hpp"

using skranke::test::HeadlessKiosk;
using skranke::test::HeadlessOptions;
using skranke::test::StoreMode;

namespace {

void walk_to_confirm(HeadlessKiosk& kiosk) {
    REQUIRE(kiosk.walk_in("en", "emergency_food"));
    REQUIRE(kiosk.skip_to_confirm());
    REQUIRE(kiosk.page() == "confirm");
}

void expect_reception(HeadlessKiosk& kiosk) {
    CHECK(kiosk.page() == "reception");
    bool said = false;
    for (const auto& text : kiosk.spoken()) said = said || text.find("reception desk") != std::string::npos;
    CHECK(said);
    REQUIRE(kiosk.tap("reception.done"));
    CHECK(kiosk.page() == "start");
}

}  // namespace

TEST_CASE("a store that cannot be opened sends the visitor to reception") {
    HeadlessOptions options;
    options.store = StoreMode::cannot_open;
    HeadlessKiosk kiosk(options);
    walk_to_confirm(kiosk);
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    expect_reception(kiosk);
}

TEST_CASE("a full disk while issuing sends the visitor to reception, and no ticket is shown") {
    HeadlessOptions options;
    options.store = StoreMode::fault_vfs;
    HeadlessKiosk kiosk(options);
    walk_to_confirm(kiosk);
    skranke::test::arm_fault(skranke::test::FaultOp::any, 1, SQLITE_FULL, true);
    REQUIRE(kiosk.tap("confirm.get_ticket"));
    const bool fired = skranke::test::fault_fired();
    skranke::test::disarm_fault();
    CHECK(fired);
    CHECK_FALSE(kiosk.state().ticket.has_value());
    expect_reception(kiosk);
}
