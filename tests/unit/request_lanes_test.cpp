// The adapters' request queue: exits before entries, a repeated query or cancel merged (the
// query keeping the newest sequence number), a queued placement withdrawn, a backed-off job not
// holding up the ones behind it, and the backoff doubling to its cap.
#include "venue/adapter/request_lanes.hpp"

#include <gtest/gtest.h>

namespace aitrapp {
namespace {

PlaceRequest place(const std::string& cid, Lane lane) {
  PlaceRequest p;
  p.spec.client_order_id = cid;
  p.lane = lane;
  return p;
}

TEST(RequestLanes, ExitsFirstRepeatsMergedAPlacementWithdrawn) {
  RequestLanes lanes;
  lanes.push(place("E1", Lane::Entry));
  lanes.push(place("X1", Lane::Exit));
  lanes.push(QueryRequest{"E1", 1, Lane::Exit});
  lanes.push(QueryRequest{"E1", 2, Lane::Exit});  // merged: the newer seq
  lanes.push(CancelRequest{"E9"});
  lanes.push(CancelRequest{"E9"});  // merged
  EXPECT_EQ(lanes.depth(Lane::Exit), 3u);
  EXPECT_EQ(lanes.depth(Lane::Entry), 1u);
  EXPECT_EQ(request_client_id(lanes.take_ready(0)->req), "X1");
  auto q = lanes.take_ready(0);
  ASSERT_TRUE(q);
  EXPECT_EQ(std::get<QueryRequest>(q->req).seq, 2u);
  EXPECT_TRUE(lanes.withdraw_place("E1"));
  EXPECT_FALSE(lanes.withdraw_place("E1"));
  EXPECT_EQ(request_client_id(lanes.take_ready(0)->req), "E9");
  EXPECT_FALSE(lanes.take_ready(0));
}

TEST(RequestLanes, ABackedOffJobWaitsWithoutHoldingUpTheRest) {
  RequestLanes lanes;
  lanes.push(place("X1", Lane::Exit));
  lanes.push(place("X2", Lane::Exit));
  auto first = lanes.take_ready(1000);
  RequestLanes::back_off(*first, 1000, std::chrono::milliseconds(4000));
  EXPECT_EQ(first->not_before, 1250);
  lanes.put_back(*first);
  EXPECT_EQ(request_client_id(lanes.take_ready(1000)->req), "X2") << "X1 is backing off";
  EXPECT_FALSE(lanes.ready(1100));
  EXPECT_TRUE(lanes.ready(1250));
  auto again = lanes.take_ready(1250);
  for (int i = 0; i < 6; ++i) RequestLanes::back_off(*again, 0, std::chrono::milliseconds(4000));
  EXPECT_EQ(again->not_before, 4000) << "doubling, capped";
}

}  // namespace
}  // namespace aitrapp
