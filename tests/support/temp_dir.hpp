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

}  // namespace skranke::test
