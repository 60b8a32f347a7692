// The font atlas on a real OpenGL context (Xvfb, Mesa): one byte a pixel on the GPU instead
// of the four ImGui's backend uses, no copy left in memory once it is there, and text and
// shapes drawn from it look as before (glyph coverage in the text's colour, solid fills).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <stb_image.h>  // implementation comes from libstb.so

#include "shell/fonts.hpp"
#include "shell/window.hpp"
#include "support/temp_dir.hpp"

using namespace skranke::ui;

TEST_CASE("the font atlas goes to the GPU at one byte a pixel, leaves no copy, and draws as before") {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    std::string error;
    Window window;
    WindowOptions options;
    options.kiosk_mode = false;
    options.width = 480;
    options.height = 240;
    REQUIRE_MESSAGE(window.open(options, error), error);
    FontSet fonts;
    REQUIRE_MESSAGE(build_fonts(*io.Fonts, PhysicalScale{96}, {"HØЖ"}, default_font_dirs(), fonts, error), error);
    const int atlas_width = io.Fonts->TexWidth, atlas_height = io.Fonts->TexHeight;

    skranke::test::TempDir dir;
    const std::string png = (dir / "frame.png").string();
    for (int frame = 0; frame < 2; ++frame) {
        window.new_frame();
        ImGui::NewFrame();
        ImDrawList* draw = ImGui::GetForegroundDrawList();
        draw->AddRectFilled(ImVec2(10, 10), ImVec2(90, 90), IM_COL32(255, 0, 0, 255));  // ImGui's white pixel
        draw->AddRectFilled(ImVec2(100, 0), ImVec2(480, 240), IM_COL32(0, 0, 255, 255));
        draw->AddText(fonts.number, fonts.number->FontSize, ImVec2(120, 10), IM_COL32(0, 255, 0, 255), "1 A");
        ImGui::Render();
        REQUIRE_MESSAGE(window.render(frame == 1 ? png : std::string{}, error), error);
    }

    // One byte a pixel, the atlas's size, and ImGui's own copy freed.
    GLint internal_format = 0, width = 0, height = 0;
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(reinterpret_cast<std::intptr_t>(io.Fonts->TexID)));
    glGetTexLevelParameteriv(GL_TEXTURE_2D, 0, GL_TEXTURE_INTERNAL_FORMAT, &internal_format);
    glGetTexLevelParameteriv(GL_TEXTURE_2D, 0, GL_TEXTURE_WIDTH, &width);
    glGetTexLevelParameteriv(GL_TEXTURE_2D, 0, GL_TEXTURE_HEIGHT, &height);
    CHECK(internal_format == GL_R8);
    CHECK(width == atlas_width);
    CHECK(height == atlas_height);
    CHECK(io.Fonts->TexPixelsAlpha8 == nullptr);
    CHECK(io.Fonts->TexPixelsRGBA32 == nullptr);

    // The frame: a pure red square, and green glyphs blended over blue by their coverage (a
    // wrong alpha would leave black or another colour around or in them).
    int w = 0, h = 0, channels = 0;
    unsigned char* pixels = stbi_load(png.c_str(), &w, &h, &channels, 3);
    REQUIRE(pixels != nullptr);
    const auto at = [&](int x, int y) {
        return pixels + (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 3;
    };
    CHECK(at(50, 50)[0] == 255);
    CHECK(at(50, 50)[1] == 0);
    CHECK(at(50, 50)[2] == 0);
    int green = 0, other = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 100; x < w; ++x) {
            const unsigned char* p = at(x, y);
            if (p[1] > 250) ++green;
            if (p[0] != 0 || p[1] + p[2] < 252 || p[1] + p[2] > 258) ++other;
        }
    CHECK(green > 500);  // the glyphs are there, fully covered in their middle
    CHECK(other == 0);
    stbi_image_free(pixels);
    window.close();
    ImGui::DestroyContext();
}
