// The baseline for the kiosk_ui benchmark: a bare GLFW window with an OpenGL 3.0 context,
// full screen like the kiosk, that presents one cleared frame, says so, and then waits.
#include <fstream>
#include <string>

#include <GL/gl.h>
#include <GLFW/glfw3.h>

int main(int argc, char** argv) {
    if (argc < 2 || !glfwInit()) return 1;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    glfwWindowHint(GLFW_DECORATED, GLFW_FALSE);
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = glfwGetVideoMode(monitor);
    GLFWwindow* window = glfwCreateWindow(mode->width, mode->height, "bare", monitor, nullptr);
    if (!window) return 1;
    glfwMakeContextCurrent(window);
    glClearColor(0.9f, 0.9f, 0.9f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    glfwSwapBuffers(window);
    std::ofstream(argv[1]) << "ready\n";
    while (!glfwWindowShouldClose(window)) glfwWaitEvents();
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}
