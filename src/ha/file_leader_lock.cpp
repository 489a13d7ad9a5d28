#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "ha/leader_lock.hpp"

namespace aitrapp {

FileLeaderLock::FileLeaderLock(std::string path, std::string instance_id)
    : path_(std::move(path)), instance_id_(std::move(instance_id)) {
  const auto parent = std::filesystem::path(path_).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0)
    throw std::runtime_error("cannot open leader lock file " + path_ + ": " + std::strerror(errno));
}

FileLeaderLock::~FileLeaderLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

bool FileLeaderLock::try_acquire() {
  if (held_) return true;
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) return false;
  held_ = true;
  // For the operator: who holds it.
  const std::string who = instance_id_ + "\n";
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, who.data(), who.size(), 0);
  return true;
}

std::string FileLeaderLock::holder() const {
  if (held_) return instance_id_;
  char buf[512];
  const ssize_t n = ::pread(fd_, buf, sizeof buf, 0);
  std::string who(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!who.empty() && (who.back() == '\n' || who.back() == '\0')) who.pop_back();
  return who;
}

const char* to_string(Leadership l) {
  switch (l) {
    case Leadership::Follower:
      return "FOLLOWER";
    case Leadership::Leader:
      return "LEADER";
    case Leadership::Lapsed:
      return "LAPSED";
    case Leadership::Lost:
      return "LOST";
  }
  return "?";
}

std::string default_instance_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "localhost");
  return std::string(host) + ":" + std::to_string(::getpid());
}

}  // namespace aitrapp
