// A fresh directory under $TMPDIR for one test, removed when it goes out of scope.
#pragma once

#include <filesystem>
#include <string>

namespace skranke::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// Source-tree assets (services.toml, translations, fonts list) for tests.
std::filesystem::path asset_dir();

// Saves a file as an editor that writes a new file and renames it does: a reader never
// sees half of it. Throws when it cannot.
void save_file(const std::filesystem::path& path, const std::string& text);
// A file's bytes; throws when it cannot be read.
std::string file_text(const std::filesystem::path& path);

}  // namespace skranke::test
