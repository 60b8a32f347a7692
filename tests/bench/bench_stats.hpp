// Percentiles and the BENCH output line every benchmark prints.
#pragma once

#include <string_view>
#include <vector>

namespace skranke::bench {

// p in [0, 100]; nearest-rank on a sorted copy.
double percentile(std::vector<double> samples, double p);
// Prints "BENCH <name> <value> <unit>".
void print(std::string_view name, double value, std::string_view unit);

}  // namespace skranke::bench
