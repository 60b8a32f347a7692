#include "support/explore.hpp"

#include <deque>
#include <set>

namespace skranke::test {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// Buttons that lead nowhere new: typing, the tool bar's menus and the ways back.
bool worth_trying(std::string_view id) {
    return !is_typing_target(id) && !starts_with(id, "bar.") && id != "nav.back" && id != "nav.start_over";
}

}  // namespace

bool is_typing_target(std::string_view id) {
    return starts_with(id, "key.") || starts_with(id, "field.");
}

std::string first_character_key(const HeadlessKiosk& kiosk) {
    for (const auto& target : kiosk.targets().targets())
        if (starts_with(target.id, "key.") && target.id != "key.shift" && target.id != "key.space" &&
            target.id != "key.backspace" && target.id != "key.all_letters")
            return target.id;
    return {};
}

std::vector<std::string> text_fields(const HeadlessKiosk& kiosk) {
    std::vector<std::string> out;
    for (const auto& target : kiosk.targets().targets())
        if (starts_with(target.id, "field.")) out.push_back(target.id);
    return out;
}

HeadlessKiosk* RouteRunner::run(const std::vector<std::string>& taps) {
    if (kiosk_ && kiosk_->page() != start_page_ && !(kiosk_->tap("nav.start_over") && kiosk_->page() == start_page_))
        kiosk_.reset();
    if (!kiosk_) {
        kiosk_ = std::make_unique<HeadlessKiosk>(options_);
        start_page_ = kiosk_->page();
    }
    for (const auto& id : taps)
        if (!kiosk_->tap(id)) return nullptr;
    return kiosk_.get();
}

std::vector<Route> reachable_pages(const HeadlessOptions& options, int max_tries) {
    std::vector<Route> found;
    std::set<std::string> seen;
    std::deque<Route> waiting;
    RouteRunner runner(options);
    if (const auto* kiosk = runner.run({})) {
        waiting.push_back({{}, kiosk->page()});
        seen.insert(kiosk->page());
    }
    int tries = 0;
    while (!waiting.empty() && tries < max_tries) {
        Route route = std::move(waiting.front());
        waiting.pop_front();
        std::vector<std::string> ids;
        if (const auto* kiosk = runner.run(route.taps))
            for (const auto& target : kiosk->targets().targets())
                if (worth_trying(target.id)) ids.push_back(target.id);
        for (const auto& id : ids) {
            if (++tries > max_tries) break;
            auto taps = route.taps;
            taps.push_back(id);
            const auto* kiosk = runner.run(taps);
            if (kiosk && seen.insert(kiosk->page()).second) waiting.push_back({std::move(taps), kiosk->page()});
        }
        found.push_back(std::move(route));
    }
    for (auto& route : waiting) found.push_back(std::move(route));  // reached, not tried further
    return found;
}

std::vector<OfficeSituation> office_situations() {
    std::vector<OfficeSituation> out;
    out.push_back({"open", HeadlessOptions{}});
    HeadlessOptions closed;
    for (auto& day : closed.config.office.hours.week) day = visitor::DayHours{};
    out.push_back({"closed", closed});
    HeadlessOptions appointments;
    appointments.config.office.hours.appointment_only_weekdays.fill(true);
    out.push_back({"appointments only", appointments});
    return out;
}

std::vector<std::string> in_language(const std::vector<std::string>& taps, std::string_view code) {
    auto out = taps;
    if (!out.empty() && starts_with(out.front(), "language.")) out.front() = "language." + std::string(code);
    return out;
}

}  // namespace skranke::test
