// The order status machine, pair by pair: what may follow what, and what is refused.
#include <gtest/gtest.h>

#include "oms/order.hpp"

namespace aitrapp {
namespace {

TEST(OrderStatus, TheTransitionTableAllowsWhatTheVenueCanSayAndRefusesTheRest) {
  using S = OrderStatus;
  const S all[] = {S::Pending, S::Sent, S::Working, S::Filled, S::Cancelled, S::Rejected};
  // Rows: from; columns: to, in the order of `all`.
  const bool want[6][6] = {
      // Pending: sent, or answered before it left (an ack or a fill to a query, a cancel).
      {true, true, true, true, true, true},
      // Sent: any answer; "unknown" at the venue queues it again under the same id.
      {true, true, true, true, true, true},
      // Working: never back to Pending or Sent (placing it again could double it).
      {false, false, true, true, true, true},
      // Filled: final.
      {false, false, false, true, false, false},
      // Cancelled and Rejected: final, except that a fill may complete them.
      {false, false, false, true, true, false},
      {false, false, false, true, false, true},
  };
  for (int f = 0; f < 6; ++f)
    for (int t = 0; t < 6; ++t)
      EXPECT_EQ(transition_allowed(all[f], all[t]), want[f][t])
          << to_string(all[f]) << " -> " << to_string(all[t]);
}

}  // namespace
}  // namespace aitrapp
