#pragma once
// A test fixture with a directory of its own, made empty before each test and removed after it:
// <tmp>/aitrapp-<prefix>-<pid>-<test name>, so that parallel test processes never share a store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace aitrapp::support {

class TempDirTest : public ::testing::Test {
 protected:
  explicit TempDirTest(std::string prefix) : prefix_(std::move(prefix)) {}
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aitrapp-" + prefix_ + "-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::string prefix_;
  std::filesystem::path dir_;
};

}  // namespace aitrapp::support
