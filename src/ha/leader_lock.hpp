#pragma once
// LeaderLock port: only the holder of the lock trades. The embedded implementation is an
// exclusive file lock (one host); Redis with fencing tokens is the production one.
// Used from the engine thread only.
#include <string>

namespace aitrapp {

class LeaderLock {
 public:
  virtual ~LeaderLock() = default;
  // Takes the lock if it is free (non-blocking); true while this instance holds it.
  virtual bool try_acquire() = 0;
  virtual bool is_leader() const = 0;
  virtual const std::string& instance_id() const = 0;
};

// flock(2) on a file: released by the kernel when the process dies, so a crashed leader never
// blocks its successor.
class FileLeaderLock final : public LeaderLock {
 public:
  FileLeaderLock(std::string path, std::string instance_id);
  ~FileLeaderLock() override;
  bool try_acquire() override;
  bool is_leader() const override { return held_; }
  const std::string& instance_id() const override { return instance_id_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_, instance_id_;
  int fd_ = -1;
  bool held_ = false;
};

// hostname:pid, the default instance id.
std::string default_instance_id();

}  // namespace aitrapp
