// The GLFW window and the OpenGL renderer: full screen, undecorated and with the cursor
// hidden in kiosk mode; an event-driven loop that sleeps until input or a timer is due.
#pragma once

#include <string>

struct GLFWwindow;

namespace skranke::ui {

struct WindowOptions {
    bool kiosk_mode = true;  // full screen on the primary monitor, no decoration, no cursor
    int width = 1080;        // window size when not in kiosk mode
    int height = 1920;
    std::string title = "Skranke";
};

class Window {
public:
    Window() = default;
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    // Opens the window and sets up ImGui's GLFW + OpenGL3 backends on the current context.
    bool open(const WindowOptions& options, std::string& error);
    // Shuts the backends down and closes the window (before ImGui's context is destroyed).
    void close();
    bool should_close() const;
    void request_close();
    // Sleeps until input arrives or timeout_seconds pass (negative: wait for input only).
    // Under a systemd watchdog it wakes at least every half interval and pings it: the loop
    // that calls wait vouches that the screen still turns (a hung UI is restarted).
    void wait(double timeout_seconds);
    // True once after any input (touch, mouse, key, resize) since the last call.
    bool take_activity();
    // Starts a frame; first uploads the font atlas if it was (re)built since the last frame.
    void new_frame();
    // Renders ImGui's draw data; if png_path is not empty, saves the frame as PNG first.
    // After the first frame it tells systemd the screen is up (READY=1).
    bool render(const std::string& png_path, std::string& error);
    int width() const;
    int height() const;
    GLFWwindow* handle() { return window_; }

private:
    // A freshly built font atlas goes to the GPU at one byte a pixel, then ImGui's copy is freed.
    void upload_font_atlas();

    GLFWwindow* window_ = nullptr;
    unsigned int font_texture_ = 0;  // ours, not the backend's (see upload_font_atlas)
    bool device_objects_ = false;
    bool imgui_ready_ = false;
    bool initialised_ = false;
    bool ready_told_ = false;
    double watchdog_s_ = 0;      // systemd's WatchdogSec, 0: none
    double last_ping_s_ = -1e9;
};

// Reads the current back buffer (call after rendering, before the swap) and writes a PNG.
bool save_framebuffer_png(const std::string& path, int width, int height, std::string& error);

}  // namespace skranke::ui
