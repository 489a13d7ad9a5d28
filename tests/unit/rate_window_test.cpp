// The one sliding-window limit behind the engine's throttle, the Kite adapter and its simulator.
#include <gtest/gtest.h>

#include "core/rate_window.hpp"

namespace aitrapp {
namespace {

TEST(RateWindow, FullUntilTheOldestCallOfTheWindowExpires) {
  RateWindow w(3, 1000);
  for (TimeMs t : {0, 100, 200}) {
    EXPECT_TRUE(w.allows(t));
    w.record(t);
  }
  EXPECT_FALSE(w.allows(999));
  EXPECT_EQ(w.inside(999), 3);
  EXPECT_EQ(w.next_free(300), 1000);  // the call of 0 ms leaves the window at 1000
  EXPECT_TRUE(w.allows(1000));
  w.record(1000);
  EXPECT_EQ(w.next_free(1000), 1100);  // now the call of 100 ms is the oldest inside
  EXPECT_EQ(w.inside(5000), 0);
  EXPECT_EQ(w.next_free(5000), 5000);
}

// The Kite simulator stamps a request before it takes the lock: two threads can record 105 then
// 103. Each call counts once, and the window still frees at the right instant.
TEST(RateWindow, CallsRecordedSlightlyOutOfOrderCountOnce) {
  RateWindow w(3, 1000);
  for (TimeMs t : {100, 105, 103}) w.record(t);
  EXPECT_EQ(w.inside(1000), 3);
  EXPECT_EQ(w.next_free(1000), 1100);  // the oldest, 100, leaves first
  EXPECT_EQ(w.inside(1103), 1);        // 100 and 103 have left; 105 is inside
  EXPECT_TRUE(w.allows(1103));
}

TEST(RateWindow, ALimitOfZeroNeverAllowsACall) {
  RateWindow w(0, 1000);
  EXPECT_FALSE(w.allows(0));
  EXPECT_EQ(w.next_free(0), RateWindow::kNever);
}

}  // namespace
}  // namespace aitrapp
