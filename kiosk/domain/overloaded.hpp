// One callable from several lambdas, for std::visit over a variant (events.hpp).
#pragma once

namespace skranke {

template <class... F>
struct overloaded : F... {
    using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

}  // namespace skranke
