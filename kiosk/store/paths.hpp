// Where Skranke keeps its files when the configuration does not say.
#pragma once

#include <filesystem>

namespace skranke {

// $XDG_DATA_HOME/skranke, else ~/.local/share/skranke, else ./skranke-data.
std::filesystem::path default_data_dir();
// The kiosk's store inside default_data_dir().
std::filesystem::path default_store_path();
// The compiled-in asset directory (services.toml, translations), overridable by $SKRANKE_ASSETS.
std::filesystem::path default_asset_dir();

}  // namespace skranke
