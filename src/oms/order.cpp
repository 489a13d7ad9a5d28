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

OrderStatus order_status_from_string(const std::string& s) {
  for (auto st : {OrderStatus::Pending, OrderStatus::Sent, OrderStatus::Working,
                  OrderStatus::Filled, OrderStatus::Cancelled, OrderStatus::Rejected})
    if (s == to_string(st)) return st;
  throw std::runtime_error("unknown order status '" + s + "'");
}

}  // namespace aitrapp
