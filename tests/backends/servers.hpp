#pragma once
// The private PostgreSQL and Redis servers that ctest starts (scripts/test_servers.sh), and
// helpers to bounce them. AITRAPP_TEST_SERVERS names their directory; without it the backend
// tests fail (they are never skipped inside ctest, where the fixture sets it).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

namespace aitrapp::test {

inline const std::string& servers_dir() {
  static const std::string dir = [] {
    const char* d = std::getenv("AITRAPP_TEST_SERVERS");
    return std::string(d ? d : "");
  }();
  return dir;
}

// DATABASE_URL, REDIS_URL, PGPORT, ... as written by `test_servers.sh start`.
inline std::map<std::string, std::string> server_env() {
  std::map<std::string, std::string> env;
  std::ifstream f(servers_dir() + "/env");
  std::string line;
  while (std::getline(f, line)) {
    const auto eq = line.find('=');
    if (line.rfind("export ", 0) != 0 || eq == std::string::npos) continue;
    env[line.substr(7, eq - 7)] = line.substr(eq + 1);
  }
  return env;
}

// Runs `test_servers.sh <cmd> DIR [arg]`; returns its stdout (trimmed).
inline std::string servers(const std::string& cmd, const std::string& arg = {}) {
  const std::string line = "bash " AITRAPP_SOURCE_DIR "/scripts/test_servers.sh " + cmd + " " +
                           servers_dir() + (arg.empty() ? "" : " " + arg);
  std::string out;
  if (FILE* p = ::popen(line.c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    if (::pclose(p) != 0) ADD_FAILURE() << line << " failed: " << out;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

#define REQUIRE_TEST_SERVERS()                                                                \
  do {                                                                                        \
    if (::aitrapp::test::servers_dir().empty())                                               \
      GTEST_FAIL() << "AITRAPP_TEST_SERVERS is not set: run through ctest, which starts the " \
                      "PostgreSQL and Redis servers";                                         \
  } while (0)

}  // namespace aitrapp::test
