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

// Kite's pair: 2 a second and 3 a minute. The call that fits is the one both windows allow.
TEST(RateLimits, ACallGoesWhenEveryWindowHasRoom) {
  RateLimits l;
  l.add(2, 1000).add(3, 60'000);
  EXPECT_TRUE(l.allows(0));
  l.record(0);
  l.record(10);
  EXPECT_FALSE(l.allows(500));        // the second is full
  EXPECT_EQ(l.next_free(500), 1000);  // ... until the call of 0 ms leaves it
  l.record(1000);
  EXPECT_FALSE(l.allows(2500));          // the second has room, the minute does not
  EXPECT_EQ(l.next_free(2500), 60'000);  // the minute frees when the call of 0 ms leaves it
  EXPECT_TRUE(RateLimits().allows(0));   // no window, no limit
}

TEST(RateWindow, ALimitOfZeroNeverAllowsACall) {
  RateWindow w(0, 1000);
  EXPECT_FALSE(w.allows(0));
  EXPECT_EQ(w.next_free(0), RateWindow::kNever);
}

}  // namespace
}  // namespace aitrapp
