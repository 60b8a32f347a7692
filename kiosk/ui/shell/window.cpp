#include "shell/window.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include "service/systemd_notify.hpp"

namespace skranke::ui {

namespace {

bool activity_flag = true;
// The finger's changes (down: true) not yet given to ImGui, at most a few: ImGui 1.86 reads the
// button's state once a frame, so two quick taps that arrive in one wake-up (a busy machine)
// would otherwise be one tap, and a double tap never seen.
std::deque<bool> finger_changes;
constexpr std::size_t max_finger_changes = 16;

void on_activity_mouse(GLFWwindow*, int button, int action, int) {
    activity_flag = true;
    if (button == GLFW_MOUSE_BUTTON_LEFT && action != GLFW_REPEAT && finger_changes.size() < max_finger_changes)
        finger_changes.push_back(action == GLFW_PRESS);
}
void on_activity_cursor(GLFWwindow*, double, double) {
    activity_flag = true;
}
void on_activity_key(GLFWwindow*, int, int, int, int) {
    activity_flag = true;
}
void on_activity_size(GLFWwindow*, int, int) {
    activity_flag = true;
}
void on_activity_refresh(GLFWwindow*) {
    activity_flag = true;
}

// Texture swizzles are core in OpenGL 3.3 and an extension before.
bool swizzle_supported() {
    int major = 0, minor = 0;
    if (const auto* version = reinterpret_cast<const char*>(glGetString(GL_VERSION)))
        std::sscanf(version, "%d.%d", &major, &minor);
    return major > 3 || (major == 3 && minor >= 3) || glfwExtensionSupported("GL_ARB_texture_swizzle") == GLFW_TRUE;
}

}  // namespace

Window::~Window() {
    close();
}

void Window::close() {
    if (font_texture_) {
        glDeleteTextures(1, &font_texture_);
        ImGui::GetIO().Fonts->SetTexID(nullptr);
        font_texture_ = 0;
    }
    if (imgui_ready_) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        imgui_ready_ = false;
    }
    if (window_) glfwDestroyWindow(window_);
    window_ = nullptr;
    if (initialised_) glfwTerminate();
    initialised_ = false;
}

bool Window::open(const WindowOptions& options, std::string& error) {
    if (const auto watchdog = service::watchdog_interval()) watchdog_s_ = static_cast<double>(watchdog->count()) / 1000.0;
    initialised_ = glfwInit() == GLFW_TRUE;
    if (!initialised_) {
        const char* description = nullptr;
        glfwGetError(&description);
        error = std::string("cannot connect to a display") + (description ? std::string(": ") + description : "");
        return false;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    int width = options.width, height = options.height;
    GLFWmonitor* monitor = nullptr;
    if (options.kiosk_mode) {
        glfwWindowHint(GLFW_DECORATED, GLFW_FALSE);
        monitor = glfwGetPrimaryMonitor();
        if (const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr) {
            width = mode->width;
            height = mode->height;
            glfwWindowHint(GLFW_REFRESH_RATE, mode->refreshRate);
        }
    }
    window_ = glfwCreateWindow(width, height, options.title.c_str(), monitor, nullptr);
    if (!window_) {
        const char* description = nullptr;
        glfwGetError(&description);
        error = std::string("cannot open an OpenGL 3.0 window") + (description ? std::string(": ") + description : "");
        return false;
    }
    glfwMakeContextCurrent(window_);
    glfwSwapInterval(1);
    // A touch screen moves an emulated pointer: hidden, so no button looks hovered.
    // ImGui's backend would set the normal cursor again every frame unless told not to.
    if (options.kiosk_mode) {
        glfwSetInputMode(window_, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);
        ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
    }
    // Ours first: ImGui's backend chains to these when it installs its own.
    glfwSetMouseButtonCallback(window_, on_activity_mouse);
    glfwSetCursorPosCallback(window_, on_activity_cursor);
    glfwSetKeyCallback(window_, on_activity_key);
    glfwSetFramebufferSizeCallback(window_, on_activity_size);
    glfwSetWindowRefreshCallback(window_, on_activity_refresh);
    if (!ImGui_ImplGlfw_InitForOpenGL(window_, true) || !ImGui_ImplOpenGL3_Init("#version 130")) {
        error = "cannot start the ImGui OpenGL renderer";
        return false;
    }
    imgui_ready_ = true;
    return true;
}

bool Window::should_close() const {
    return glfwWindowShouldClose(window_);
}
void Window::request_close() {
    glfwSetWindowShouldClose(window_, GLFW_TRUE);
}

void Window::wait(double timeout_seconds) {
    if (watchdog_s_ > 0 && (timeout_seconds < 0 || timeout_seconds > watchdog_s_ / 2)) timeout_seconds = watchdog_s_ / 2;
    if (timeout_seconds < 0)
        glfwWaitEvents();
    else if (timeout_seconds == 0)
        glfwPollEvents();
    else
        glfwWaitEventsTimeout(timeout_seconds);
    const double now = glfwGetTime();
    if (watchdog_s_ > 0 && now - last_ping_s_ >= watchdog_s_ / 4) {
        service::ping_watchdog();
        last_ping_s_ = now;
    }
}

bool Window::take_activity() {
    const bool seen = activity_flag || !finger_changes.empty();  // a frame for each change
    activity_flag = false;
    return seen;
}

// ImGui's OpenGL3 backend (1.86) expands the atlas to RGBA: a four-byte copy beside ImGui's
// one-byte one while it uploads, and four bytes a pixel on the GPU for good. A one-channel
// texture whose swizzle reads (1, 1, 1, red) draws exactly the same with one byte a pixel.
void Window::upload_font_atlas() {
    ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
    if (!device_objects_) {
        // The backend's shader and buffers, with a 1x1 stand-in where it would expand the atlas.
        static unsigned int white = 0xFFFFFFFFu;
        const int width = atlas.TexWidth, height = atlas.TexHeight;
        atlas.TexPixelsRGBA32 = &white;
        atlas.TexWidth = atlas.TexHeight = 1;
        ImGui_ImplOpenGL3_CreateDeviceObjects();
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        atlas.TexPixelsRGBA32 = nullptr;
        atlas.TexWidth = width;
        atlas.TexHeight = height;
        device_objects_ = true;
    }
    GLint last_texture = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &last_texture);
    if (font_texture_) glDeleteTextures(1, &font_texture_);
    glGenTextures(1, &font_texture_);
    glBindTexture(GL_TEXTURE_2D, font_texture_);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    int width = 0, height = 0;
    unsigned char* pixels = nullptr;
    if (swizzle_supported()) {
        atlas.GetTexDataAsAlpha8(&pixels, &width, &height);
        const GLint swizzle[4] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
        glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, width, height, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
    } else {  // an old GPU: what the backend would have done
        atlas.GetTexDataAsRGBA32(&pixels, &width, &height);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
    }
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last_texture));
    atlas.SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(font_texture_)));
    atlas.ClearTexData();  // the GPU has it now
}

void Window::new_frame() {
    if (ImGui::GetIO().Fonts->TexPixelsAlpha8 || ImGui::GetIO().Fonts->TexPixelsRGBA32) upload_font_atlas();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // One change of the finger a frame, in the order they came (then the button's own state).
    if (!finger_changes.empty()) {
        ImGui::GetIO().MouseDown[0] = finger_changes.front();
        finger_changes.pop_front();
    }
}

int Window::width() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    return w;
}

int Window::height() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    return h;
}

bool Window::render(const std::string& png_path, std::string& error) {
    const int w = width(), h = height();
    glViewport(0, 0, w, h);
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    bool ok = true;
    if (!png_path.empty()) ok = save_framebuffer_png(png_path, w, h, error);
    glfwSwapBuffers(window_);
    if (!ready_told_) {
        ready_told_ = true;
        service::notify_ready("showing the screen");
    }
    return ok;
}

}  // namespace skranke::ui
