#include "support/temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <system_error>

namespace skranke::test {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "skranke-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path asset_dir() { return SKRANKE_ASSET_DIR; }

}  // namespace skranke::test
