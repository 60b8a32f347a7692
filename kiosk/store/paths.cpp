#include "store/paths.hpp"

#include <cstdlib>

namespace skranke {

std::filesystem::path default_data_dir() {
    // Set by the installed services and IT's commands (/var/lib/skranke); else the user's own.
    if (const char* dir = std::getenv("SKRANKE_DATA_DIR"); dir != nullptr && *dir == '/') return dir;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/')
        return std::filesystem::path(xdg) / "skranke";
    if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/')
        return std::filesystem::path(home) / ".local" / "share" / "skranke";
    return std::filesystem::current_path() / "skranke-data";
}

std::filesystem::path default_store_path() { return default_data_dir() / "kiosk.db"; }

std::filesystem::path default_asset_dir() {
    if (const char* dir = std::getenv("SKRANKE_ASSETS"); dir != nullptr && *dir != '\0') return dir;
    return SKRANKE_ASSET_DIR;
}

}  // namespace skranke
