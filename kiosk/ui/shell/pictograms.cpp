#include "shell/pictograms.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include <imgui.h>

#include "shell/touch.hpp"

namespace skranke::ui {

namespace {

// Each pictogram draws in a unit square: p(x, y) maps 0..1 coordinates into the box.
struct Pen {
    ImDrawList* d;
    Rect box;
    unsigned int c;
    float s;  // box side in pixels
    ImVec2 p(float x, float y) const { return {box.x0 + x * s, box.y0 + y * s}; }
    float w(float fraction) const { return std::max(2.0f, fraction * s); }
    void line(float x0, float y0, float x1, float y1, float t = 0.07f) const {
        d->AddLine(p(x0, y0), p(x1, y1), c, w(t));
    }
    void rect(float x0, float y0, float x1, float y1, float t = 0.07f) const {
        d->AddRect(p(x0, y0), p(x1, y1), c, s * 0.04f, 0, w(t));
    }
    void fill(float x0, float y0, float x1, float y1) const { d->AddRectFilled(p(x0, y0), p(x1, y1), c, s * 0.03f); }
    void circle(float x, float y, float r, float t = 0.07f) const { d->AddCircle(p(x, y), r * s, c, 32, w(t)); }
    void disc(float x, float y, float r) const { d->AddCircleFilled(p(x, y), r * s, c, 32); }
    void tri(float x0, float y0, float x1, float y1, float x2, float y2) const {
        d->AddTriangleFilled(p(x0, y0), p(x1, y1), p(x2, y2), c);
    }
    void arc(float x, float y, float r, float a0, float a1, float t = 0.07f) const {
        d->PathArcTo(p(x, y), r * s, a0, a1, 24);
        d->PathStroke(c, 0, w(t));
    }
};

constexpr float pi = 3.14159265f;

void person(const Pen& g, float x, float y, float k) {
    g.disc(x, y, 0.09f * k);
    g.d->AddRectFilled(g.p(x - 0.12f * k, y + 0.12f * k), g.p(x + 0.12f * k, y + 0.45f * k), g.c, g.s * 0.05f * k);
}

const std::map<std::string, std::function<void(const Pen&)>, std::less<>>& painters() {
    static const std::map<std::string, std::function<void(const Pen&)>, std::less<>> table = {
        {"food",
         [](const Pen& g) {  // plate with fork and knife
             g.circle(0.5f, 0.55f, 0.28f);
             g.circle(0.5f, 0.55f, 0.16f, 0.04f);
             g.line(0.1f, 0.2f, 0.1f, 0.9f, 0.05f);
             g.line(0.05f, 0.2f, 0.05f, 0.42f, 0.035f);
             g.line(0.15f, 0.2f, 0.15f, 0.42f, 0.035f);
             g.line(0.9f, 0.2f, 0.9f, 0.9f, 0.06f);
         }},
        {"bed",
         [](const Pen& g) {  // bed with pillow
             g.fill(0.08f, 0.55f, 0.92f, 0.68f);
             g.line(0.1f, 0.3f, 0.1f, 0.85f);
             g.line(0.9f, 0.5f, 0.9f, 0.85f);
             g.fill(0.15f, 0.43f, 0.35f, 0.55f);
             g.fill(0.38f, 0.45f, 0.9f, 0.55f);
         }},
        {"power",
         [](const Pen& g) {  // lightning bolt
             g.tri(0.55f, 0.05f, 0.25f, 0.55f, 0.5f, 0.55f);
             g.tri(0.5f, 0.45f, 0.75f, 0.45f, 0.42f, 0.95f);
             g.tri(0.55f, 0.05f, 0.5f, 0.55f, 0.75f, 0.45f);
         }},
        {"money",
         [](const Pen& g) {  // coins
             g.circle(0.38f, 0.45f, 0.25f);
             g.circle(0.65f, 0.62f, 0.25f);
             g.line(0.65f, 0.5f, 0.65f, 0.74f, 0.05f);
         }},
        {"work",
         [](const Pen& g) {  // briefcase
             g.rect(0.1f, 0.32f, 0.9f, 0.85f);
             g.rect(0.37f, 0.18f, 0.63f, 0.32f, 0.05f);
             g.line(0.1f, 0.52f, 0.9f, 0.52f, 0.04f);
         }},
        {"briefcase",
         [](const Pen& g) {
             g.rect(0.1f, 0.32f, 0.9f, 0.85f);
             g.rect(0.37f, 0.18f, 0.63f, 0.32f, 0.05f);
             g.fill(0.42f, 0.48f, 0.58f, 0.58f);
         }},
        {"wallet",
         [](const Pen& g) {
             g.rect(0.08f, 0.25f, 0.92f, 0.85f);
             g.fill(0.6f, 0.45f, 0.95f, 0.65f);
             g.line(0.15f, 0.25f, 0.7f, 0.1f, 0.05f);
         }},
        {"radiator",
         [](const Pen& g) {
             for (float x : {0.15f, 0.33f, 0.51f, 0.69f}) g.fill(x, 0.3f, x + 0.14f, 0.85f);
             g.line(0.08f, 0.4f, 0.92f, 0.4f, 0.04f);
             g.line(0.08f, 0.75f, 0.92f, 0.75f, 0.04f);
             g.arc(0.3f, 0.15f, 0.06f, 0.5f * pi, 1.5f * pi, 0.03f);
             g.arc(0.6f, 0.15f, 0.06f, 0.5f * pi, 1.5f * pi, 0.03f);
         }},
        {"heart",
         [](const Pen& g) {
             g.disc(0.32f, 0.36f, 0.2f);
             g.disc(0.68f, 0.36f, 0.2f);
             g.tri(0.13f, 0.42f, 0.87f, 0.42f, 0.5f, 0.9f);
         }},
        {"screen",
         [](const Pen& g) {  // a computer screen
             g.rect(0.08f, 0.12f, 0.92f, 0.68f);
             g.line(0.5f, 0.68f, 0.5f, 0.85f);
             g.line(0.28f, 0.88f, 0.72f, 0.88f);
         }},
        {"advice",
         [](const Pen& g) {  // a speech bubble with an i
             g.rect(0.06f, 0.1f, 0.94f, 0.7f);
             g.tri(0.25f, 0.7f, 0.45f, 0.7f, 0.2f, 0.92f);
             g.disc(0.5f, 0.24f, 0.05f);
             g.line(0.5f, 0.35f, 0.5f, 0.6f, 0.08f);
         }},
        {"documents",
         [](const Pen& g) {
             g.rect(0.12f, 0.16f, 0.66f, 0.92f);
             g.rect(0.34f, 0.06f, 0.88f, 0.82f);
             for (float y : {0.28f, 0.42f, 0.56f}) g.line(0.44f, y, 0.78f, y, 0.04f);
         }},
        {"house",
         [](const Pen& g) {
             g.tri(0.5f, 0.08f, 0.05f, 0.48f, 0.95f, 0.48f);
             g.rect(0.18f, 0.46f, 0.82f, 0.9f);
             g.fill(0.42f, 0.62f, 0.58f, 0.9f);
         }},
        {"health",
         [](const Pen& g) {  // cross
             g.fill(0.38f, 0.12f, 0.62f, 0.88f);
             g.fill(0.12f, 0.38f, 0.88f, 0.62f);
         }},
        {"calendar",
         [](const Pen& g) {
             g.rect(0.1f, 0.18f, 0.9f, 0.9f);
             g.fill(0.1f, 0.18f, 0.9f, 0.35f);
             g.line(0.3f, 0.08f, 0.3f, 0.25f);
             g.line(0.7f, 0.08f, 0.7f, 0.25f);
             g.line(0.32f, 0.62f, 0.46f, 0.76f);
             g.line(0.46f, 0.76f, 0.72f, 0.46f);
         }},
        {"question",
         [](const Pen& g) {
             g.circle(0.5f, 0.5f, 0.42f);
             g.arc(0.5f, 0.38f, 0.14f, pi, 2.4f * pi);
             g.line(0.5f, 0.5f, 0.5f, 0.62f);
             g.disc(0.5f, 0.74f, 0.045f);
         }},
        {"document",
         [](const Pen& g) {
             g.rect(0.2f, 0.08f, 0.8f, 0.92f);
             for (float y : {0.3f, 0.45f, 0.6f, 0.75f}) g.line(0.32f, y, 0.68f, y, 0.04f);
         }},
        {"child",
         [](const Pen& g) {  // adult and child
             person(g, 0.35f, 0.18f, 1.3f);
             person(g, 0.72f, 0.45f, 0.8f);
         }},
        {"person", [](const Pen& g) { person(g, 0.5f, 0.2f, 1.5f); }},
        {"interpreter",
         [](const Pen& g) {  // two speech bubbles
             g.rect(0.05f, 0.1f, 0.58f, 0.48f);
             g.tri(0.15f, 0.48f, 0.3f, 0.48f, 0.12f, 0.62f);
             g.fill(0.42f, 0.5f, 0.95f, 0.85f);
             g.tri(0.85f, 0.85f, 0.7f, 0.85f, 0.88f, 0.97f);
         }},
        {"wheelchair",
         [](const Pen& g) {
             g.disc(0.42f, 0.12f, 0.08f);
             g.line(0.42f, 0.25f, 0.42f, 0.55f);
             g.line(0.42f, 0.55f, 0.72f, 0.55f);
             g.line(0.72f, 0.55f, 0.82f, 0.85f);
             g.line(0.42f, 0.38f, 0.65f, 0.38f);
             g.arc(0.42f, 0.66f, 0.26f, 0.2f * pi, 1.6f * pi);
         }},
        {"ear",
         [](const Pen& g) {
             g.arc(0.5f, 0.38f, 0.26f, pi, 2.25f * pi);
             g.line(0.68f, 0.56f, 0.45f, 0.9f);
             g.arc(0.5f, 0.4f, 0.1f, pi, 2.0f * pi, 0.05f);
         }},
        {"eye",
         [](const Pen& g) {
             g.arc(0.5f, 0.95f, 0.6f, 1.22f * pi, 1.78f * pi);
             g.arc(0.5f, 0.05f, 0.6f, 0.22f * pi, 0.78f * pi);
             g.disc(0.5f, 0.5f, 0.13f);
         }},
        {"phone",
         [](const Pen& g) {
             g.rect(0.28f, 0.06f, 0.72f, 0.94f);
             g.line(0.42f, 0.82f, 0.58f, 0.82f);
         }},
        {"speaker",
         [](const Pen& g) {
             g.fill(0.08f, 0.38f, 0.28f, 0.62f);
             g.tri(0.28f, 0.38f, 0.5f, 0.15f, 0.5f, 0.5f);
             g.tri(0.28f, 0.62f, 0.5f, 0.5f, 0.5f, 0.85f);
             g.tri(0.28f, 0.38f, 0.5f, 0.5f, 0.28f, 0.62f);
             g.arc(0.5f, 0.5f, 0.2f, -0.3f * pi, 0.3f * pi, 0.05f);
             g.arc(0.5f, 0.5f, 0.36f, -0.3f * pi, 0.3f * pi, 0.05f);
         }},
        {"globe",
         [](const Pen& g) {
             g.circle(0.5f, 0.5f, 0.42f);
             g.line(0.08f, 0.5f, 0.92f, 0.5f, 0.04f);
             g.line(0.5f, 0.08f, 0.5f, 0.92f, 0.04f);
             g.arc(0.18f, 0.5f, 0.42f, -0.35f * pi, 0.35f * pi, 0.04f);
             g.arc(0.82f, 0.5f, 0.42f, 0.65f * pi, 1.35f * pi, 0.04f);
         }},
        {"text_size",
         [](const Pen& g) {  // a small and a big A
             g.line(0.05f, 0.85f, 0.22f, 0.45f, 0.05f);
             g.line(0.22f, 0.45f, 0.39f, 0.85f, 0.05f);
             g.line(0.45f, 0.9f, 0.7f, 0.1f, 0.08f);
             g.line(0.7f, 0.1f, 0.95f, 0.9f, 0.08f);
             g.line(0.55f, 0.62f, 0.85f, 0.62f, 0.06f);
         }},
        {"contrast",
         [](const Pen& g) {  // half-filled circle
             g.circle(0.5f, 0.5f, 0.4f);
             g.d->PathArcTo(g.p(0.5f, 0.5f), 0.4f * g.s, 0.5f * pi, 1.5f * pi, 24);
             g.d->PathFillConvex(g.c);
         }},
        {"back",
         [](const Pen& g) {
             g.tri(0.08f, 0.5f, 0.45f, 0.18f, 0.45f, 0.82f);
             g.fill(0.4f, 0.4f, 0.92f, 0.6f);
         }},
        {"next",
         [](const Pen& g) {
             g.tri(0.92f, 0.5f, 0.55f, 0.18f, 0.55f, 0.82f);
             g.fill(0.08f, 0.4f, 0.6f, 0.6f);
         }},
        {"home",
         [](const Pen& g) {  // start over: a house outline
             g.tri(0.5f, 0.1f, 0.08f, 0.48f, 0.92f, 0.48f);
             g.rect(0.22f, 0.46f, 0.78f, 0.88f);
         }},
        {"check",
         [](const Pen& g) {
             g.line(0.12f, 0.55f, 0.4f, 0.82f, 0.1f);
             g.line(0.4f, 0.82f, 0.9f, 0.2f, 0.1f);
         }},
        {"cross",
         [](const Pen& g) {
             g.line(0.18f, 0.18f, 0.82f, 0.82f, 0.1f);
             g.line(0.82f, 0.18f, 0.18f, 0.82f, 0.1f);
         }},
        {"clock",
         [](const Pen& g) {
             g.circle(0.5f, 0.5f, 0.42f);
             g.line(0.5f, 0.5f, 0.5f, 0.22f);
             g.line(0.5f, 0.5f, 0.7f, 0.6f);
         }},
        {"backspace",
         [](const Pen& g) {
             g.tri(0.05f, 0.5f, 0.3f, 0.2f, 0.3f, 0.8f);
             g.rect(0.3f, 0.2f, 0.95f, 0.8f);
             g.line(0.5f, 0.35f, 0.75f, 0.65f, 0.05f);
             g.line(0.75f, 0.35f, 0.5f, 0.65f, 0.05f);
         }},
        {"shift",
         [](const Pen& g) {
             g.tri(0.5f, 0.08f, 0.1f, 0.5f, 0.9f, 0.5f);
             g.fill(0.33f, 0.48f, 0.67f, 0.9f);
         }},
        {"warning", [](const Pen& g) { g.tri(0.5f, 0.05f, 0.03f, 0.92f, 0.97f, 0.92f); }},
    };
    return table;
}

}  // namespace

void draw_pictogram(ImDrawList* draw, std::string_view name, const Rect& box, unsigned int colour, bool rtl) {
    // Mirrored by the vertices drawn, so every primitive of the arrow follows.
    const int first_vertex = draw->VtxBuffer.Size;
    const bool mirrored = rtl && (name == "back" || name == "next");
    const auto mirror = [&] {
        if (!mirrored) return;
        const float axis = box.x0 + box.x1;
        for (int i = first_vertex; i < draw->VtxBuffer.Size; ++i) draw->VtxBuffer[i].pos.x = axis - draw->VtxBuffer[i].pos.x;
    };
    const float side = std::min(box.width(), box.height());
    const Rect square{box.centre().x - side / 2, box.centre().y - side / 2, box.centre().x + side / 2,
                      box.centre().y + side / 2};
    const Pen pen{draw, square, colour, side};
    const auto& table = painters();
    if (auto found = table.find(name); found != table.end()) {
        found->second(pen);
        mirror();
        return;
    }
    painters().at("question")(pen);
}

const std::vector<std::string>& pictogram_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& [name, painter] : painters()) out.push_back(name);
        return out;
    }();
    return names;
}

}  // namespace skranke::ui
