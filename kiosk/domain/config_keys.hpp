// Reading the keys of a config file (kiosk.toml, roles.toml, the hub's office file): a key
// that is there must hold the kind of value it is for, in its range, or the file is refused
// naming the key. A wrong value (text for a number, true for a volume, a number too big for
// one) never silently leaves the default in place.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace skranke {

class ConfigKeys {
public:
    explicit ConfigKeys(const toml::table& table) : table_(table) {}

    bool has(std::string_view path) const { return static_cast<bool>(table_.at_path(path)); }

    // A section the file has must be one ("[timing]"), not a value (timing = 5).
    bool section(std::string_view name) {
        if (!has(name) || table_.at_path(name).is_table()) return true;
        return wrong(name, "must be a section, [" + std::string(name) + "]");
    }

    // Each reads the key at path ("timing.idle_seconds") into out when the file has it and
    // returns true; false, with error() naming the key, when its value is wrong.
    bool whole(std::string_view path, std::int64_t& out, std::int64_t min, std::int64_t max) {
        const auto node = table_.at_path(path);
        if (!node) return true;
        const auto value = node.value_exact<std::int64_t>();
        if (!value || *value < min || *value > max)
            return wrong(path, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
        out = *value;
        return true;
    }
    bool whole(std::string_view path, int& out, int min, int max) {
        std::int64_t value = out;
        if (!whole(path, value, min, max)) return false;
        out = static_cast<int>(value);
        return true;
    }
    // A number, whole or not; min and max are whole numbers of the key's unit.
    bool number(std::string_view path, double& out, int min, int max) {
        const auto node = table_.at_path(path);
        if (!node) return true;
        const auto value = node.is_number() ? node.value<double>() : std::nullopt;
        // Written so that nan is refused too.
        if (!value || !(*value >= min && *value <= max))
            return wrong(path, "must be a number from " + std::to_string(min) + " to " + std::to_string(max));
        out = *value;
        return true;
    }
    bool number(std::string_view path, float& out, int min, int max) {
        double value = out;
        if (!number(path, value, min, max)) return false;
        out = static_cast<float>(value);
        return true;
    }
    bool text(std::string_view path, std::string& out) {
        const auto node = table_.at_path(path);
        if (!node) return true;
        const auto value = node.value_exact<std::string>();
        if (!value) return wrong(path, "must be text in quotes");
        out = *value;
        return true;
    }
    bool flag(std::string_view path, bool& out) {
        const auto node = table_.at_path(path);
        if (!node) return true;
        const auto value = node.value_exact<bool>();
        if (!value) return wrong(path, "must be true or false (no quotes)");
        out = *value;
        return true;
    }
    bool texts(std::string_view path, std::vector<std::string>& out) {
        const auto node = table_.at_path(path);
        if (!node) return true;
        std::vector<std::string> list;
        if (const toml::array* array = node.as_array()) {
            for (const toml::node& item : *array) {
                const auto value = item.value_exact<std::string>();
                if (!value) break;
                list.push_back(*value);
            }
            if (list.size() == array->size()) {
                out = std::move(list);
                return true;
            }
        }
        return wrong(path, "must be a list of texts in quotes, [\"a\", \"b\"]");
    }

    // The key and what is wrong with it: "timing.idle_seconds must be a whole number from 10 to 3600".
    const std::string& error() const { return error_; }
    bool wrong(std::string_view path, const std::string& why) {
        error_ = std::string(path) + " " + why;
        return false;
    }

private:
    const toml::table& table_;
    std::string error_;
};

}  // namespace skranke
