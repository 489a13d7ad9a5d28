#include "venue/messages.hpp"

namespace aitrapp {

const std::string& request_client_id(const VenueRequest& r) {
  return std::visit(
      [](const auto& x) -> const std::string& {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, PlaceRequest>)
          return x.spec.client_order_id;
        else
          return x.client_order_id;
      },
      r);
}

Lane lane_of(const VenueRequest& r) {
  return std::visit(
      [](const auto& x) {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, CancelRequest>)
          return Lane::Exit;
        else
          return x.lane;
      },
      r);
}

const std::string& event_client_id(const VenueEvent& e) {
  return std::visit([](const auto& x) -> const std::string& { return x.client_order_id; }, e.body);
}

}  // namespace aitrapp
