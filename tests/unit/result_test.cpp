// Expected failures as values: the message and the code travel together, and each code has the
// HTTP status and exit status a caller gives it.
#include <gtest/gtest.h>

#include "app/backends.hpp"
#include "core/result.hpp"
#include "ops/control.hpp"

namespace aitrapp {
namespace {

Result<int> parse_port(const std::string& s) {
  if (s == "down") return Error{"server down", ErrorCode::Unavailable};
  if (s.empty()) return Error{"port is empty"};
  return std::stoi(s);
}

Result<std::string> describe(const std::string& s) {
  auto port = parse_port(s);
  if (!port) return port.failure();  // passed on with its code
  return "port " + std::to_string(port.value());
}

TEST(Result, TheCodeTravelsWithTheMessage) {
  EXPECT_EQ(describe("8000").value(), "port 8000");
  const auto down = describe("down");
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error(), "server down");
  EXPECT_EQ(down.code(), ErrorCode::Unavailable);
  EXPECT_EQ(describe("").code(), ErrorCode::Invalid) << "an error says Invalid unless told";
}

TEST(Result, VoidIsOkUntilGivenAnError) {
  Result<void> r;
  EXPECT_TRUE(r.ok());
  r = Error{"cannot resume: daily loss", ErrorCode::Refused};
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::Refused);
}

TEST(Result, EachCodeHasItsHttpAndExitStatus) {
  EXPECT_EQ(ops::http_status(ErrorCode::Invalid), 400);
  EXPECT_EQ(ops::http_status(ErrorCode::NotFound), 404);
  EXPECT_EQ(ops::http_status(ErrorCode::Refused), 409);
  EXPECT_EQ(ops::http_status(ErrorCode::Conflict), 409);
  EXPECT_EQ(ops::http_status(ErrorCode::Unavailable), 503);
  EXPECT_EQ(startup_exit_status(Error{"REDIS_URL: refused", ErrorCode::Unavailable}), 1);
  EXPECT_EQ(startup_exit_status(Error{"DATABASE_URL: behind", ErrorCode::Conflict}), 2);
  EXPECT_EQ(startup_exit_status(Error{"DATABASE_URL must be a postgresql:// URL"}), 2);
}

}  // namespace
}  // namespace aitrapp
