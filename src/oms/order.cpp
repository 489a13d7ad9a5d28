#include "oms/order.hpp"

#include <stdexcept>

namespace aitrapp {

const char* to_string(OrderStatus s) {
  switch (s) {
    case OrderStatus::Pending:
      return "PENDING";
    case OrderStatus::Sent:
      return "SENT";
    case OrderStatus::Working:
      return "WORKING";
    case OrderStatus::Filled:
      return "FILLED";
    case OrderStatus::Cancelled:
      return "CANCELLED";
    case OrderStatus::Rejected:
      return "REJECTED";
  }
  return "?";
}

bool is_terminal(OrderStatus s) {
  return s == OrderStatus::Filled || s == OrderStatus::Cancelled || s == OrderStatus::Rejected;
}

bool transition_allowed(OrderStatus from, OrderStatus to) {
  using S = OrderStatus;
  if (from == to) return true;
  switch (from) {
    case S::Pending:  // released to the venue, or answered before it left (a query, a cancel)
      return to != S::Pending;
    case S::Sent:  // answered; or "unknown" at the venue, so placed again under the same id
      return true;
    case S::Working:
      return to == S::Filled || to == S::Cancelled || to == S::Rejected;
    case S::Cancelled:
    case S::Rejected:
      return to == S::Filled;
    case S::Filled:
      return false;
  }
  return false;
}

OrderStatus order_status_from_string(const std::string& s) {
  for (auto st : {OrderStatus::Pending, OrderStatus::Sent, OrderStatus::Working,
                  OrderStatus::Filled, OrderStatus::Cancelled, OrderStatus::Rejected})
    if (s == to_string(st)) return st;
  throw std::runtime_error("unknown order status '" + s + "'");
}

}  // namespace aitrapp
