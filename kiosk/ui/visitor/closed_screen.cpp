// Outside opening hours (or on an appointments-only day for walk-ins): when we open,
// which number to call, a way to ask to be called back, and where to turn for help that
// cannot wait (the social emergency service, the out-of-hours doctor, the emergency number),
// each number in large type.
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
    // Landscape: the office's own offer first (on the left, or the right on a right-to-left
    // page), the emergency numbers beside it, so that all of them are on the screen at once.
    const ui::Rect whole = c.body;
    const float top = c.y;
    const float gap = c.mm(2 * gap_mm);
    if (!c.portrait) c.body = c.ui.flow({whole.x0, whole.y0, whole.x0 + (whole.width() - gap) / 2, whole.y1}, whole);
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

    const float left_end = c.y;
    if (c.portrait) {
        c.y += c.mm(gap_mm);
    } else {
        c.body = c.ui.flow({whole.x0 + (whole.width() + gap) / 2, whole.y0, whole.x1, whole.y1}, whole);
        c.y = top;
    }
    const EmergencyNumbers& e = c.state.emergency;
    c.title(c.t("closed.emergency_title"));
    if (!e.social_phone.empty()) {
        c.paragraph(c.t("closed.emergency_social"));
        c.title(e.social_phone);
        c.paragraph(e.social_always ? c.t("closed.emergency_day_and_night")
                                    : ui::fill(c.t("closed.emergency_hours"), {{"from", clock_text(e.social_from_minute)},
                                                                                {"to", clock_text(e.social_to_minute)}}));
    }
    c.paragraph(c.t("closed.emergency_doctor"));
    c.title(e.doctor_phone);
    c.paragraph(c.t("closed.emergency_ambulance"));
    c.title(e.ambulance_phone);
    c.y = std::max(c.y, left_end);
    c.body = whole;
}

}  // namespace skranke::visitor
