// What a config file says about one key, read from the parsed file with toml++'s own node
// types (not through the loaders' reading): the reference the TOML targets compare with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace skranke::fuzz {

// The loaded value is what the file says, or the default where the file says nothing:
// so a wrong value can never load as the default.
struct FileSays {
    const toml::table& file;
    const toml::node* at(const char* section, const char* key) const {
        const toml::table* table = file[section].as_table();
        return table ? table->get(key) : nullptr;
    }
    bool whole(const char* section, const char* key, std::int64_t loaded, std::int64_t fallback) const {
        const toml::node* node = at(section, key);
        if (!node) return loaded == fallback;
        return node->as_integer() && node->as_integer()->get() == loaded;
    }
    // Float is the loaded value's own type (float or double): the file's number is compared
    // after the same rounding.
    template <typename Float>
    bool number(const char* section, const char* key, Float loaded, Float fallback) const {
        const toml::node* node = at(section, key);
        if (!node) return loaded == fallback;
        if (const auto* i = node->as_integer()) return static_cast<Float>(i->get()) == loaded;
        return node->as_floating_point() && static_cast<Float>(node->as_floating_point()->get()) == loaded;
    }
    bool text(const char* section, const char* key, const std::string& loaded, const std::string& fallback) const {
        const toml::node* node = at(section, key);
        if (!node) return loaded == fallback;
        return node->as_string() && node->as_string()->get() == loaded;
    }
    bool texts(const char* section, const char* key, const std::vector<std::string>& loaded,
               const std::vector<std::string>& fallback) const {
        const toml::node* node = at(section, key);
        if (!node) return loaded == fallback;
        const toml::array* array = node->as_array();
        if (!array || array->size() != loaded.size()) return false;
        for (std::size_t i = 0; i < loaded.size(); ++i) {
            const auto* item = array->get(i)->as_string();
            if (!item || item->get() != loaded[i]) return false;
        }
        return true;
    }
};

// The file as toml++ reads it, or nothing when it is not TOML.
inline std::optional<toml::table> parse_toml(std::string_view text) {
    try {
        return toml::parse(text);
    } catch (const toml::parse_error&) {
        return std::nullopt;
    }
}

}  // namespace skranke::fuzz
