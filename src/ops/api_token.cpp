#include "ops/api_token.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/hex.hpp"

namespace aitrapp::ops {
namespace {

bool well_formed(const std::string& t) {
  if (t.size() < 16 || t.size() > 256) return false;
  for (char c : t)
    if (c <= ' ' || c > '~') return false;
  return true;
}

}  // namespace

Result<ApiToken> load_or_create_token(const std::string& path) {
  if (const char* env = std::getenv("AITRAPP_API_TOKEN"); env && *env) {
    if (!well_formed(env))
      return Error{"AITRAPP_API_TOKEN must be 16 to 256 printable characters without spaces"};
    return ApiToken{env, "AITRAPP_API_TOKEN", false};
  }
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return Error{"cannot stat API token file " + path};
    if (st.st_mode & (S_IRWXG | S_IRWXO))
      return Error{"API token file " + path + " is readable by others; chmod 600 it"};
    std::ifstream f(path);
    std::string t;
    std::getline(f, t);
    if (!well_formed(t)) return Error{"API token file " + path + " does not hold a valid token"};
    return ApiToken{t, path, false};
  }
  const auto drawn = random_hex(32);
  if (!drawn) return Error{"cannot draw random bytes for the API token"};
  const std::string& t = *drawn;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Error{"cannot create API token file " + path};
  const std::string line = t + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) return Error{"cannot write API token file " + path};
  return ApiToken{t, path, true};
}

bool token_matches(const std::string& expected, const std::string& given) {
  unsigned char diff = expected.size() == given.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i)
    diff |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
  return diff == 0;
}

}  // namespace aitrapp::ops
