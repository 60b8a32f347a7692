// Outside opening hours (or on an appointments-only day for walk-ins): when we open,
// which number to call, and a way to ask to be called back.
#include "visitor/screen_context.hpp"

namespace skranke::visitor {

namespace {

constexpr const char* weekday_keys[7] = {ui::text_key("weekday.monday"),    ui::text_key("weekday.tuesday"),
                                         ui::text_key("weekday.wednesday"), ui::text_key("weekday.thursday"),
                                         ui::text_key("weekday.friday"),    ui::text_key("weekday.saturday"),
                                         ui::text_key("weekday.sunday")};

}  // namespace

void draw_closed_screen(ScreenContext& c) {
    const bool appointments_only = c.state.office == OfficeStatus::appointments_only;
    c.title(c.t(appointments_only ? ui::text_key("closed.appointments_only_title") : ui::text_key("closed.title")));
    if (c.state.opens) {
        const OpeningTime& o = *c.state.opens;
        std::string day = o.days_ahead == 0   ? c.t("day.today")
                          : o.days_ahead == 1 ? c.t("day.tomorrow")
                                              : c.t(weekday_keys[o.weekday % 7]);
        c.paragraph(ui::fill(c.t("closed.opens"), {{"day", day}, {"time", clock_text(o.minute)}}));
    } else {
        c.paragraph(c.t("closed.no_opening"));
    }
    c.paragraph(ui::fill(c.t("closed.call"), {{"phone", c.state.office_phone}}));
    c.paragraph(c.t("closed.callback_offer"));
    const ui::ButtonContent r_content{c.t("closed.callback_button"), {}, "phone", false};
    const auto r = c.row_for(r_content, big_button_mm);
    if (ui::touch_button(c.ui, "closed.callback", r, ui::Look::primary, r_content))
        c.emit(IntentKind::request_callback);
}

}  // namespace skranke::visitor
