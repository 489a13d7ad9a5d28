#include "core/text.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace aitrapp {
namespace {

TEST(Text, Utf8Validation) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("NIFTY 50"));
  EXPECT_TRUE(valid_utf8("\xe2\x82\xb9 \xf0\x9f\x93\x88"));  // rupee sign, chart emoji
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("\xc3"));              // truncated
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(valid_utf8("ok\xe2\x82"));
}

TEST(Text, QuoteBytesEscapesAndTruncates) {
  EXPECT_EQ(quote_bytes("abc"), "'abc'");
  EXPECT_EQ(quote_bytes("a\x1b[2Jb\\"), "'a\\x1b[2Jb\\\\'");
  EXPECT_EQ(quote_bytes(std::string(100, 'x'), 4), "'xxxx...' (100 bytes)");
  EXPECT_EQ(quote_bytes(std::string("\0\xff", 2)), "'\\x00\\xff'");
}

TEST(Text, JoinSeparatesTheItems) {
  using V = std::vector<std::string>;
  EXPECT_EQ(join(V{}), "");
  EXPECT_EQ(join(V{"breakout"}), "breakout");
  EXPECT_EQ(join(V{"breakout", "", "ema_cross"}), "breakout, , ema_cross");
  EXPECT_EQ(join(V{"a", "b"}, " | "), "a | b");
  EXPECT_EQ(join(std::set<std::string>{"/risk", "/health"}), "/health, /risk");  // set order
}

TEST(Text, HtmlEscapingLeavesNoMarkupAndNoAttributeBreakout) {
  EXPECT_EQ(escape_html(R"(<a href="x">Tom & Jerry</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&lt;/a&gt;");
  EXPECT_EQ(escape_html("plain, 'quoted' text"), "plain, 'quoted' text");
  EXPECT_EQ(escape_html(""), "");
}

}  // namespace
}  // namespace aitrapp
