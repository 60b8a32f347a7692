// One frame of the visitor role, shared by the real window loop and the headless tests so
// both run exactly the same code between ImGui::NewFrame() and ImGui::Render().
#pragma once

#include <string>
#include <vector>

#include "shell/fonts.hpp"
#include "shell/touch.hpp"
#include "shell/translations.hpp"
#include "visitor/visitor_app.hpp"
#include "visitor/visitor_view.hpp"

namespace skranke::visitor {

struct VisitorFrame {
    std::vector<Intent> intents;
    std::vector<ui::SpokenText> spoken;  // visible text in reading order, for read-aloud
    std::vector<ui::TouchTarget> targets;  // for the screen reader
    std::string page;                    // screen name plus overlays: "need", "ticket-idle"
    bool again = false;                  // the next frame differs by itself: draw it before waiting
};

// Call before ImGui::NewFrame(), once the platform has set io's mouse and keys: the screen
// reader's gestures and keypad (screen_reader.hpp) decide what ImGui gets of the finger.
void filter_visitor_input(VisitorApp& app, const ui::PhysicalScale& scale, double now_s);
// Call after ImGui::NewFrame(): notes touches for the idle timer and draws the screen.
VisitorFrame draw_visitor_frame(VisitorApp& app, VisitorView& view, const ui::Translations& translations,
                                const ui::FontSet& fonts, const ui::PhysicalScale& scale, ui::TouchRecorder& recorder,
                                double now_s);
// Call after ImGui::Render(): applies what the visitor did.
void apply_visitor_frame(VisitorApp& app, const VisitorFrame& frame, double now_s);

std::string page_name(const VisitorState& state);

}  // namespace skranke::visitor
