// The waiting queue: filters by need group, the table in call order (urgent rows stand out,
// descriptions open on click), and beside it the ticket at this counter with its actions.
#include <imgui.h>

#include <algorithm>

#include "console/console_screens.hpp"
#include "domain/queue_order.hpp"

namespace skranke::console {
namespace {

constexpr unsigned int called_row = IM_COL32(0xDD, 0xE6, 0xF2, 0xFF);

std::string accessibility_text(ConsoleContext& c, const QueueRow& row) {
    std::string out;
    const auto add = [&](bool on, const char* key) {
        if (!on) return;
        if (!out.empty()) out += ", ";
        out += c.st(key);
    };
    add(row.wheelchair, "console.access_wheelchair");
    add(row.hearing, "console.access_hearing");
    add(row.sight, "console.access_sight");
    return out;
}

// Under the need: whether the visitor waits outside for an SMS or gets one, and, in the
// urgent colour, that an SMS did not go (somebody tells the visitor in person).
// What a visitor wrote, wrapped in the table's cell as the kiosk showed it: in any script,
// Arabic joined and from the right (ImGui's own text would draw it unjoined, backwards).
void visitor_text(ConsoleContext& c, const std::string& text) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float width = std::max(1.0f, ImGui::GetContentRegionAvail().x);
    ui::Ui cell = c.ui;
    cell.draw = ImGui::GetWindowDrawList();
    const float height = ui::draw_text(cell, ImGui::GetFont(), text, ui::Rect{at.x, at.y, at.x + width, at.y + 1e5f},
                                       ImGui::GetColorU32(ImGuiCol_Text), ui::Align::start, false);
    ImGui::Dummy(ImVec2(width, height));
}

void draw_sms_marks(ConsoleContext& c, const QueueRow& row) {
    if (row.outside) ImGui::TextWrapped("%s", c.st("console.waits_outside").c_str());
    else if (row.sms) ImGui::TextWrapped("%s", c.st("console.gets_sms").c_str());
    if (row.sms_failed) ImGui::TextColored(ImColor(urgent_ink), "%s", c.st("console.sms_not_sent").c_str());
}

void draw_filters(ConsoleContext& c, float& y, float width) {
    float x = c.area.x0;
    const float h = 44, gap = 8;
    const auto filter = [&](const std::string& id, const std::string& label) {
        const float w = c.fonts.text->CalcTextSizeA(c.fonts.text->FontSize, 1e9f, 0, label.c_str()).x + 32;
        if (x + w > c.area.x0 + width) {
            x = c.area.x0;
            y += h + gap;
        }
        if (c.button("filter." + (id.empty() ? std::string("all") : id), {x, y, x + w, y + h}, label,
                     c.state.group_filter == id ? ui::Look::selected : ui::Look::normal))
            c.emit(IntentKind::filter, {}, id);
        x += w + gap;
    };
    filter("", c.st("console.filter_all"));
    // A group the office added has its name in the office's texts, beside its needs' names.
    for (const auto& [group, key] : c.state.groups) filter(group, c.st(key) != key ? c.st(key) : c.need(key));
    y += h + 12;
}

void draw_table(ConsoleContext& c, const ui::Rect& box) {
    ImGui::SetCursorScreenPos(box.min());
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("queue", 8, flags, ImVec2(box.width(), box.height()))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(c.st("console.col_ticket").c_str(), ImGuiTableColumnFlags_None, 0.9f);
    ImGui::TableSetupColumn(c.st("console.col_need").c_str(), ImGuiTableColumnFlags_None, 2.4f);
    ImGui::TableSetupColumn(c.st("console.col_urgent").c_str(), ImGuiTableColumnFlags_None, 0.8f);
    ImGui::TableSetupColumn(c.st("console.col_children").c_str(), ImGuiTableColumnFlags_None, 0.7f);
    ImGui::TableSetupColumn(c.st("console.col_interpreter").c_str(), ImGuiTableColumnFlags_None, 0.9f);
    ImGui::TableSetupColumn(c.st("console.col_access").c_str(), ImGuiTableColumnFlags_None, 1.2f);
    ImGui::TableSetupColumn(c.st("console.col_waiting").c_str(), ImGuiTableColumnFlags_None, 0.9f);
    ImGui::TableSetupColumn(c.st("console.col_description").c_str(), ImGuiTableColumnFlags_None, 2.2f);
    ImGui::TableHeadersRow();
    const unsigned int ink = c.ui.theme->text.packed();
    for (const QueueRow& row : c.state.waiting) {
        ImGui::TableNextRow(ImGuiTableRowFlags_None, 34);
        if (row.urgent) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, urgent_row);
        ImGui::TableNextColumn();
        ImGui::PushID(row.ticket_id.c_str());
        const bool selected = c.state.selected == row.ticket_id;
        ImGui::PushFont(c.fonts.heading);
        if (row.urgent) ImGui::PushStyleColor(ImGuiCol_Text, urgent_ink);
        if (ImGui::Selectable(row.number.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns)) {
            c.emit(IntentKind::select, row.ticket_id);
            c.emit(IntentKind::expand, row.ticket_id);
        }
        if (row.urgent) ImGui::PopStyleColor();
        ImGui::PopFont();
        const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
        if (c.ui.recorder) c.ui.recorder->add({"row." + row.ticket_id, row.number, {min.x, min.y, max.x, max.y}, {min.x, min.y, max.x, max.y}});
        ImGui::PopID();
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", c.need(row.need_key).c_str());
        if (!row.for_counter.empty())
            ImGui::TextWrapped("%s", ui::fill(c.st("console.for_counter"), {{"counter", row.for_counter}}).c_str());
        draw_sms_marks(c, row);
        ImGui::TableNextColumn();
        if (row.urgent) ImGui::TextColored(ImColor(urgent_ink), "%s", c.st("console.urgent").c_str());
        ImGui::TableNextColumn();
        // Children: a clear yes in bold, a plain no (never a blank that could mean either).
        if (row.children) ImGui::PushFont(c.fonts.heading);
        ImGui::TextUnformatted(c.st(row.children ? "console.yes" : "console.no").c_str());
        if (row.children) ImGui::PopFont();
        ImGui::TableNextColumn();
        // The interpreter's language by its name in Norwegian ("Ukrainsk"), not its code.
        if (!row.interpreter.empty()) ImGui::TextUnformatted(c.need("language." + row.interpreter).c_str());
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", accessibility_text(c, row).c_str());
        ImGui::TableNextColumn();
        if (row.aged) {  // past the ageing bound: called among the urgent ones now
            ImGui::PushFont(c.fonts.heading);
            ImGui::TextColored(ImColor(urgent_ink), "%s", minutes_text(row.waiting_ms).c_str());
            ImGui::PopFont();
            const std::string bound = std::to_string(QueuePolicy{}.ageing_bound_ms / 60000);
            ImGui::TextColored(ImColor(urgent_ink), "%s", ui::fill(c.st("console.aged"), {{"minutes", bound}}).c_str());
        } else {
            ImGui::TextUnformatted(minutes_text(row.waiting_ms).c_str());
        }
        ImGui::TableNextColumn();
        if (row.description.empty()) continue;
        if (c.state.expanded == row.ticket_id) {
            visitor_text(c, row.description);
        } else {
            std::string shown = row.description.size() > 40 ? row.description.substr(0, 40) : row.description;
            while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) shown.pop_back();
            if (!shown.empty() && static_cast<unsigned char>(shown.back()) >= 0xC0) shown.pop_back();
            visitor_text(c, shown + (shown.size() < row.description.size() ? " …" : ""));
        }
        (void)ink;
    }
    for (const QueueRow& row : c.state.called) {
        ImGui::TableNextRow(ImGuiTableRowFlags_None, 30);
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, called_row);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.number.c_str());
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", c.need(row.need_key).c_str());
        draw_sms_marks(c, row);
        ImGui::TableNextColumn();
        ImGui::TableNextColumn();
        ImGui::TableNextColumn();
        ImGui::TableNextColumn();
        ImGui::TableNextColumn();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(ui::fill(c.st("console.called_to"), {{"counter", row.counter}}).c_str());
    }
    ImGui::EndTable();
}

// The transfer choices take the table's place, which is wide enough for every need's name on
// one line: Cancel and the other counters first (same need), then the needs in a grid.
void draw_transfer_choices(ConsoleContext& c, const ui::Rect& box) {
    const float gap = 10, bh = 56;
    float y = box.y0;
    y += c.text(c.fonts.heading, c.st("console.transfer_to"), box.x0, y, box.width(), c.ui.theme->text.packed()) + 12;
    float x = box.x0;
    const float small = std::min(240.0f, (box.width() - gap * 4) / 5);
    if (c.button("transfer.cancel", {x, y, x + small, y + bh}, c.st("console.cancel"))) c.emit(IntentKind::cancel_transfer);
    x += small + gap * 3;
    for (const std::string& counter : c.state.counters) {
        if (counter == c.state.counter) continue;
        if (x + small > box.x1) {
            x = box.x0;
            y += bh + gap;
        }
        if (c.button("transfer_counter." + counter, {x, y, x + small, y + bh},
                     ui::fill(c.st("console.counter_name"), {{"counter", counter}}))) {
            Intent i;
            i.kind = IntentKind::transfer;
            i.counter = counter;
            c.emit(i);
        }
        x += small + gap;
    }
    y += bh + gap * 2;
    constexpr std::size_t columns = 3;
    const float cw = (box.width() - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
    for (std::size_t i = 0; i < c.state.needs.size(); ++i) {
        const auto& [need, key] = c.state.needs[i];
        const float nx = box.x0 + static_cast<float>(i % columns) * (cw + gap);
        const float ny = y + static_cast<float>(i / columns) * (bh + gap);
        if (c.button("transfer." + need, {nx, ny, nx + cw, ny + bh}, c.need(key))) c.emit(IntentKind::transfer, {}, need);
    }
}

void draw_current(ConsoleContext& c, const ui::Rect& panel) {
    const unsigned int ink = c.ui.theme->text.packed();
    const float x = panel.x0 + 16, w = panel.width() - 32;
    float y = panel.y0 + 12;
    c.ui.draw->AddRectFilled(panel.min(), panel.max(), IM_COL32(0xFF, 0xFF, 0xFF, 0xFF), 8);
    c.ui.draw->AddRect(panel.min(), panel.max(), IM_COL32(0x3A, 0x3A, 0x3A, 0xFF), 8, 0, 2);
    const float bh = 56, gap = 10;
    if (c.button("call_next", {x, y, x + w, y + 72}, c.st("console.call_next"), ui::Look::primary))
        c.emit(IntentKind::call_next);
    y += 72 + gap;
    const bool can_call_selected = !c.state.selected.empty() && !c.state.current;
    if (c.button("call_selected", {x, y, x + w, y + bh}, c.st("console.call_selected"), ui::Look::normal, !can_call_selected))
        c.emit(IntentKind::call_ticket, c.state.selected);
    y += bh + gap * 2;
    if (!c.state.current) {
        c.text(c.fonts.text, c.st("console.nobody_at_counter"), x, y, w, ink);
        if (!c.state.transfer_open && !c.state.selected.empty()) {
            y += 40;
            if (c.button("transfer", {x, y, x + w, y + bh}, c.st("console.transfer_selected"))) c.emit(IntentKind::open_transfer);
            y += bh + gap;
            if (c.button("cancel_ticket", {x, y, x + w, y + bh}, c.st("console.cancel_ticket")))
                c.emit(IntentKind::cancel_ticket, c.state.selected);
        }
        return;
    }
    const QueueRow& t = *c.state.current;
    y += c.text(c.fonts.text, ui::fill(c.st("console.at_counter"), {{"counter", c.state.counter}}), x, y, w, ink);
    c.ui.draw->AddText(c.fonts.huge, c.fonts.huge->FontSize, ImVec2(x, y), t.urgent ? urgent_ink : ink, t.number.c_str());
    y += c.fonts.huge->FontSize + 4;
    y += c.text(c.fonts.text, c.need(t.need_key), x, y, w, ink) + 4;
    if (t.outside) y += c.text(c.fonts.text, c.st("console.waits_outside"), x, y, w, t.sms_failed ? urgent_ink : ink) + 4;
    if (!t.description.empty()) y += c.text(c.fonts.text, "«" + t.description + "»", x, y, w, ink) + 4;
    y += 8;
    if (c.state.transfer_open) return;  // the choices are where the table was
    const float half = (w - gap) / 2;
    if (c.button("served", {x, y, x + half, y + bh}, c.st("console.served"), ui::Look::primary)) c.emit(IntentKind::served);
    if (c.button("no_show", {x + half + gap, y, x + w, y + bh}, c.st("console.no_show"))) c.emit(IntentKind::no_show);
    y += bh + gap;
    if (c.button("recall", {x, y, x + half, y + bh}, c.st("console.recall"))) c.emit(IntentKind::recall);
    if (c.button("transfer", {x + half + gap, y, x + w, y + bh}, c.st("console.transfer"))) c.emit(IntentKind::open_transfer);
    y += bh + gap;
    c.text(c.fonts.text, c.st("console.shortcuts"), x, y, w, ink);
}

}  // namespace

void draw_queue_screen(ConsoleContext& c) {
    const float side = std::min(460.0f, c.area.width() * 0.32f);
    const float table_w = c.area.width() - side - 20;
    float y = c.area.y0;
    if (c.state.transfer_open) {
        draw_transfer_choices(c, {c.area.x0, y, c.area.x0 + table_w, c.area.y1});
    } else {
        draw_filters(c, y, table_w);
        draw_table(c, {c.area.x0, y, c.area.x0 + table_w, c.area.y1});
    }
    draw_current(c, {c.area.x1 - side, c.area.y0, c.area.x1, c.area.y1});
}

}  // namespace skranke::console
