#pragma once
// Builds one visitor for std::visit out of several lambdas.

namespace aitrapp {
template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;
}  // namespace aitrapp
