// Physical sizes. Code says "20 mm"; the screen's DPI (from the kiosk config) turns it
// into pixels once, here.
#pragma once

namespace skranke::ui {

// Accessibility minimums (EN 301 549, WCAG 2.2, Norwegian universal-design rules).
inline constexpr float min_target_mm = 20.0f;   // short side of every touch target
inline constexpr float min_gap_mm = 3.0f;       // between touch targets
inline constexpr float min_body_cap_mm = 7.3f;  // body text cap height, readable at 600 mm

struct PhysicalScale {
    float dpi = 96.0f;
    float px_per_mm() const { return dpi / 25.4f; }
    float px(float mm) const { return mm * px_per_mm(); }
    float mm(float px) const { return px / px_per_mm(); }
};

}  // namespace skranke::ui
