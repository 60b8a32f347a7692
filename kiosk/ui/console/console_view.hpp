// The reception console's window: top bar (who is signed in, counter, pages, sign out), the
// offline banner and the urgent alert, then the current page. Shared by the real window
// loop and the headless tests. Holds only what is being typed into the sign-in form.
#pragma once

#include <string>
#include <vector>

#include "console/console_app.hpp"
#include "console/console_state.hpp"
#include "roles/role_fonts.hpp"
#include "shell/touch.hpp"
#include "shell/translations.hpp"

namespace skranke::console {

class ConsoleView {
public:
    // Call between ImGui::NewFrame() and ImGui::Render(); returns what staff did.
    std::vector<Intent> draw(const ConsoleState& state, const ui::Translations& texts,
                             const ui::Translations& visitor_texts, const std::string& language,
                             const ui::RoleFonts& fonts, const ui::PhysicalScale& scale, ui::TouchRecorder& recorder);

private:
    // The sign-in form: kept here only while typing; the PIN is wiped after each attempt.
    std::string staff_id_, pin_, counter_;
};

// Applies a frame's intents; also notes input for the sign-out timer.
void apply_console_frame(ConsoleApp& app, const std::vector<Intent>& intents, double now_s);

}  // namespace skranke::console
