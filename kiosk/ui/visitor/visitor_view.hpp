// Draws the visitor role into the current ImGui frame: the tool bar (language, read-aloud,
// text size, contrast), the step, the current screen in a drag-scroll body, and the
// navigation bar (Back, Start over, Skip, Next). Emits intents; changes nothing itself.
#pragma once

#include <vector>

#include "shell/touch.hpp"
#include "shell/translations.hpp"
#include "visitor/visitor_state.hpp"

namespace skranke::visitor {

struct NavButtons {
    bool back = false;
    bool start_over = false;
    bool skip = false;
    bool next = false;
};
NavButtons nav_for(const VisitorState& state);

// "Step n of total", when the screen is a step of a path; {0, 0} otherwise.
std::pair<int, int> step_of(const VisitorState& state);

class VisitorView {
public:
    void draw(ui::Ui& ui, const VisitorState& state, const ui::Translations& tr, std::vector<Intent>& intents);
    // The last frame drawn is what the next one shows too (false: draw another before waiting).
    bool settled() const { return settled_; }

private:
    bool bring_into_view(const ui::Ui& ui, const ui::Rect& area, const ui::Rect& field);
    ui::DragScroll scroll_;
    bool settled_ = true;
    int last_page_ = -1;  // scroll resets when the screen or an overlay changes
    // The field typed into, as last drawn: a field that becomes the one typed into is
    // scrolled into view (the SMS answer "Yes" opens the phone field below the fold).
    TextField shown_editing_ = TextField::none;
};

}  // namespace skranke::visitor
