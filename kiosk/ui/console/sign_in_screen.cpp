// Sign in: staff id, PIN and counter. Everything else stays locked until the hub accepts.
// It works by keyboard alone: the staff id field has the keyboard at once, Tab moves to the
// PIN and the counter (typed, or chosen on the buttons), Enter signs in.
#include <imgui.h>
#include <imgui_stdlib.h>

#include "console/console_screens.hpp"

namespace skranke::console {

void draw_sign_in_screen(ConsoleContext& c, std::string& staff_id, std::string& pin, std::string& counter) {
    const float w = std::min(640.0f, c.area.width());
    const float x = c.area.x0 + (c.area.width() - w) / 2;
    float y = c.area.y0 + 30;
    const unsigned int ink = c.ui.theme->text.packed();
    y += c.text(c.fonts.big, c.st("console.sign_in_title"), x, y, w, ink) + 16;
    y += c.text(c.fonts.text, c.st("console.sign_in_help"), x, y, w, ink) + 16;

    bool submit = false;
    const auto field = [&](const char* id, const std::string& label, std::string& value, ImGuiInputTextFlags flags,
                           bool focus) {
        y += c.text(c.fonts.text, label, x, y, w, ink) + 4;
        ImGui::SetCursorScreenPos(ImVec2(x, y));
        ImGui::SetNextItemWidth(w);
        ImGui::PushFont(c.fonts.heading);
        // A visible edge (dark grey on white, far above 3:1), so the fields are seen as fields.
        ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 2.0f);
        ImGui::PushStyleColor(ImGuiCol_Border, IM_COL32(0x3A, 0x3A, 0x3A, 0xFF));
        if (focus) ImGui::SetKeyboardFocusHere();
        if (ImGui::InputText(id, &value, flags | ImGuiInputTextFlags_EnterReturnsTrue)) submit = true;
        ImGui::PopStyleColor();
        ImGui::PopStyleVar();
        const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
        if (c.ui.recorder) c.ui.recorder->add({std::string("field.") + (id + 2), label, {min.x, min.y, max.x, max.y}, {min.x, min.y, max.x, max.y}});
        ImGui::PopFont();
        y = max.y + 16;
    };
    // Whenever no field has the keyboard (at the start; Enter lets go of the field it was
    // pressed in), it goes to the first field still to fill: the staff id, the PIN (never kept
    // past an attempt), else the one a refused sign-in named.
    const bool free = !ImGui::IsAnyItemActive();
    SignInField focus = staff_id.empty() ? SignInField::staff_id : pin.empty() ? SignInField::pin : c.state.sign_in_fix;
    if (focus == SignInField::counter && c.state.counters.size() <= 1) focus = SignInField::none;
    field("##staff_id", c.st("console.staff_id"), staff_id, ImGuiInputTextFlags_CharsNoBlank,
          free && focus == SignInField::staff_id);
    field("##pin", c.st("console.pin"), pin, ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal,
          free && focus == SignInField::pin);
    if (c.state.counters.size() > 1)
        field("##counter", c.st("console.counter_typed"), counter, ImGuiInputTextFlags_CharsNoBlank,
              free && focus == SignInField::counter);

    y += c.text(c.fonts.text, c.st("console.choose_counter"), x, y, w, ink) + 6;
    const float gap = 10;
    const auto count = static_cast<float>(std::max<std::size_t>(1, c.state.counters.size()));
    const float bw = std::min(160.0f, (w - gap * (count - 1)) / count);
    float bx = x;
    for (const std::string& name : c.state.counters) {
        const bool chosen = counter == name;
        if (c.button("counter." + name, {bx, y, bx + bw, y + 56}, ui::fill(c.st("console.counter_name"), {{"counter", name}}),
                     chosen ? ui::Look::selected : ui::Look::normal))
            counter = name;
        bx += bw + gap;
    }
    if (counter.empty() && c.state.counters.size() == 1) counter = c.state.counters.front();
    y += 56 + 20;
    if (c.button("sign_in", {x, y, x + w, y + 64}, c.st("console.sign_in"), ui::Look::primary)) submit = true;
    y += 64 + 16;
    if (!c.state.sign_in_problem.empty())
        c.text(c.fonts.heading, c.state.sign_in_problem, x, y, w, c.ui.theme->error_text.packed());
    if (submit) {
        Intent i;
        i.kind = IntentKind::sign_in;
        i.text = staff_id;
        i.pin = pin;
        i.counter = counter;
        c.emit(i);
    }
}

}  // namespace skranke::console
