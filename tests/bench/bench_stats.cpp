#include "bench_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace skranke::bench {

double percentile(std::vector<double> samples, double p) {
    if (samples.empty()) return 0.0;
    std::sort(samples.begin(), samples.end());
    const double rank = std::ceil(p / 100.0 * static_cast<double>(samples.size()));
    const auto index = static_cast<std::size_t>(std::max(1.0, rank)) - 1;
    return samples[std::min(index, samples.size() - 1)];
}

void print(std::string_view name, double value, std::string_view unit) {
    std::printf("BENCH %s %.4g %s\n", std::string(name).c_str(), value, std::string(unit).c_str());
    std::fflush(stdout);
}

}  // namespace skranke::bench
